"""RunPlugin over gRPC: how the engine starts Python policy packs and plugins.

A fake `pulumi.policy` (put first on the plugin's PYTHONPATH through the request's env, as the
engine would pass any variable) stands in for the real pack runner: it records how it was
started, prints a "port" line and some stderr, and exits with a chosen code, or waits forever to
test cancellation.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import venv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest
from pulumi.runtime.proto import language_pb2, language_pb2_grpc

from langhost.server import ORIGINAL_PYTHONPATH_VAR

ROOT = Path(__file__).resolve().parents[2]

FAKE_PLUGIN = """
import json, os, sys, time
with open(os.environ["FAKE_PLUGIN_RECORD"], "w") as handle:
    json.dump({"argv": sys.argv[1:], "exe": sys.executable, "cwd": os.getcwd(),
               "pid": os.getpid(), "prefix": sys.prefix,
               "env": {k: os.environ.get(k) for k in ("FROM_ENGINE", "VIRTUAL_ENV")}}, handle)
print("4242", flush=True)
print("plugin says hi", file=sys.stderr, flush=True)
if os.environ.get("FAKE_PLUGIN_HANG"):
    time.sleep(600)
sys.exit(int(os.environ.get("FAKE_PLUGIN_EXIT", "0")))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Host:
    stub: language_pb2_grpc.LanguageRuntimeStub
    fake_path: Path
    record: Path


@pytest.fixture
def host(tmp_path: Path) -> Iterator[Host]:
    fake_path = tmp_path / "fakes"
    (fake_path / "pulumi" / "policy").mkdir(parents=True)
    (fake_path / "pulumi" / "__init__.py").write_text("")
    (fake_path / "pulumi" / "policy" / "__init__.py").write_text("")
    (fake_path / "pulumi" / "policy" / "__main__.py").write_text(FAKE_PLUGIN)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        ORIGINAL_PYTHONPATH_VAR: "",
        # A policy pack without a virtualenv option runs with the host's interpreter lookup.
        "PULUMI_PYTHON_CMD": sys.executable,
    }
    executor = tmp_path / "unused-exec"
    executor.write_text("")
    argv = [sys.executable, "-P", "-m", "langhost", "-use-executor", str(executor)]
    argv.append(f"127.0.0.1:{_free_port()}")
    with subprocess.Popen(argv, stdout=subprocess.PIPE, env=env, text=True) as proc:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield Host(
                language_pb2_grpc.LanguageRuntimeStub(channel), fake_path, tmp_path / "rec.json"
            )
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0


def _request(
    host: Host,
    plugin_dir: Path,
    *,
    kind: str,
    pwd: Path,
    extra_env: dict[str, str] | None = None,
    **options: str,
) -> language_pb2.RunPluginRequest:
    info = language_pb2.ProgramInfo(
        root_directory=str(plugin_dir), program_directory=str(plugin_dir), entry_point="."
    )
    info.options.update(options)
    env = {
        "PYTHONPATH": str(host.fake_path),
        "FAKE_PLUGIN_RECORD": str(host.record),
        "FROM_ENGINE": "yes",
        **(extra_env or {}),
    }
    return language_pb2.RunPluginRequest(
        pwd=str(pwd),
        args=["127.0.0.1:9999"],
        env=[f"{k}={v}" for k, v in env.items()],
        info=info,
        kind=kind,
        name="test",
    )


def _collect(responses: Iterable[language_pb2.RunPluginResponse]) -> tuple[bytes, bytes, list[int]]:
    stdout, stderr, codes = b"", b"", []
    for response in responses:
        which = response.WhichOneof("output")
        if which == "stdout":
            stdout += response.stdout
        elif which == "stderr":
            stderr += response.stderr
        else:
            codes.append(response.exitcode)
    return stdout, stderr, codes


def _record(host: Host) -> dict[str, Any]:
    data = json.loads(host.record.read_text())
    assert isinstance(data, dict)
    return data


def test_policy_pack_runs_like_the_go_host(host: Host, tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    elsewhere = tmp_path / "program"
    elsewhere.mkdir()
    request = _request(
        host, pack, kind="analyzer", pwd=elsewhere, extra_env={"FAKE_PLUGIN_EXIT": "3"}
    )
    stdout, stderr, codes = _collect(host.stub.RunPlugin(request, timeout=60))
    assert stdout == b"4242\n"
    assert b"plugin says hi" in stderr
    assert codes == [3]
    record = _record(host)
    # `python -u -m pulumi.policy <engine address> <pack dir>`, in the pack directory.
    assert record["argv"] == ["127.0.0.1:9999", str(pack)]
    assert record["cwd"] == str(pack)
    assert record["exe"] == sys.executable
    assert record["env"]["FROM_ENGINE"] == "yes"


@pytest.fixture(scope="module")
def plain_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("venv") / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(path)
    return path


def test_policy_pack_virtualenv_is_relative_to_the_pack(
    host: Host, tmp_path: Path, plain_venv: Path
) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "venv").symlink_to(plain_venv)
    request = _request(host, pack, kind="analyzer", pwd=tmp_path, virtualenv="venv")
    _, _, codes = _collect(host.stub.RunPlugin(request, timeout=60))
    assert codes == [0]
    record = _record(host)
    assert record["exe"] == str(pack / "venv" / "bin" / "python")
    assert record["env"]["VIRTUAL_ENV"] == str(pack / "venv")


def test_plain_plugin_runs_its_main_py_in_pwd(host: Host, tmp_path: Path, plain_venv: Path) -> None:
    plugin = tmp_path / "plugin"
    plugin.mkdir()
    (plugin / "__main__.py").write_text(FAKE_PLUGIN)
    request = _request(host, plugin, kind="resource", pwd=tmp_path, virtualenv=str(plain_venv))
    stdout, _, codes = _collect(host.stub.RunPlugin(request, timeout=60))
    assert (stdout, codes) == (b"4242\n", [0])
    record = _record(host)
    assert record["argv"] == ["127.0.0.1:9999"]
    assert record["cwd"] == str(tmp_path)


def test_plain_plugin_needs_a_virtualenv(host: Host, tmp_path: Path) -> None:
    plugin = tmp_path / "plugin"
    plugin.mkdir()
    (plugin / "__main__.py").write_text(FAKE_PLUGIN)
    # Plugins default to `venv` in their directory, which does not exist here.
    with pytest.raises(grpc.RpcError) as raised:
        _collect(host.stub.RunPlugin(_request(host, plugin, kind="resource", pwd=tmp_path)))
    assert isinstance(raised.value, grpc.Call)
    assert raised.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert "venv" in (raised.value.details() or "")


def test_cancelling_the_call_stops_the_plugin(host: Host, tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    request = _request(
        host, pack, kind="analyzer", pwd=tmp_path, extra_env={"FAKE_PLUGIN_HANG": "1"}
    )
    # grpc types the streaming call loosely; it is an iterator and a grpc.Future.
    call: Any = host.stub.RunPlugin(request)
    # The port line arrives while the plugin is still running: output is streamed.
    stdout = b""
    while not stdout.endswith(b"\n"):
        stdout += next(call).stdout
    assert stdout == b"4242\n"
    pid = int(_record(host)["pid"])
    call.cancel()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    pytest.fail(f"plugin {pid} still running after the call was cancelled")
