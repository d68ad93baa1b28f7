"""The language host on its own: argument parsing, options, and its gRPC service.

The gRPC tests start `python -m langhost` as the engine would (reading the port from its first
stdout line) and call it with the SDK's generated stubs. `Run` is exercised with a fake
executor that records what it was started with, so no engine is needed here; the real engine
flows are in tests/engine.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent import futures
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest
from pulumi.runtime.proto import language_pb2, language_pb2_grpc

from langhost.cli import UsageError, parse_args
from langhost.host import construct_arguments, host_version, run_exit_response
from langhost.probes import PULUMI_PACKAGES_SCRIPT, run_probe
from langhost.server import ORIGINAL_PYTHONPATH_VAR, HealthChecker, restore_pythonpath
from langhost.toolchain import (
    PythonOptions,
    RuntimeOptionsError,
    Toolchain,
    TypeChecker,
    VirtualEnvError,
    activate_virtualenv,
    is_virtualenv,
    parse_options,
    python_command,
)
from tests.support.signals import needs_tgkill, signal_another_thread

ROOT = Path(__file__).resolve().parents[2]
# google.protobuf has no type information; see langhost.host for the same import.
empty_pb2: Any = importlib.import_module("google.protobuf.empty_pb2")

VENV = Path(sys.prefix)
needs_venv = pytest.mark.skipif(
    not is_virtualenv(VENV) or sys.prefix == sys.base_prefix,
    reason="tests must run inside a virtualenv (they point the host at it)",
)

# Records its command line and the variables the host is responsible for, then exits with the
# code given as config value `test:exit`.
FAKE_EXECUTOR = """
import json, os, sys
config = json.loads(os.environ.get("PULUMI_CONFIG", "{}"))
keys = ["PULUMI_CONFIG", "PULUMI_CONFIG_SECRET_KEYS", "VIRTUAL_ENV", "PYTHONPATH",
        "PYTHONHOME", "PATH", "@ORIGINAL@"]
with open(os.environ["FAKE_EXECUTOR_RECORD"], "w") as handle:
    json.dump({"argv": sys.argv[1:], "exe": sys.executable,
               "env": {k: os.environ.get(k) for k in keys}}, handle)
sys.exit(int(config.get("test:exit", "0")))
""".replace("@ORIGINAL@", ORIGINAL_PYTHONPATH_VAR)


# -- command line --------------------------------------------------------------------------------


def test_engine_address_is_the_positional_argument() -> None:
    args = parse_args(["127.0.0.1:1234"])
    assert args.engine_address == "127.0.0.1:1234"
    assert not args.log_to_stderr


def test_go_style_flags_before_the_address() -> None:
    args = parse_args(
        [
            "--logtostderr",
            "-v=9",
            "--tracing",
            "http://127.0.0.1:9411",
            "-use-executor=/x/exec",
            "-root",
            "/proj",
            "127.0.0.1:1",
        ]
    )
    assert args.log_to_stderr
    assert args.verbose == 9
    assert args.tracing == "http://127.0.0.1:9411"
    assert args.executor == "/x/exec"
    assert args.root == "/proj"
    assert args.engine_address == "127.0.0.1:1"


def test_unknown_flags_do_not_swallow_the_address() -> None:
    args = parse_args(["-some-new-flag", "127.0.0.1:5"])
    assert args.engine_address == "127.0.0.1:5"
    assert args.ignored_flags == ("-some-new-flag",)


def test_bad_flag_values_are_usage_errors() -> None:
    with pytest.raises(UsageError):
        parse_args(["-v=lots"])
    with pytest.raises(UsageError):
        parse_args(["-tracing"])


# -- runtime options and environment -------------------------------------------------------------


def test_relative_virtualenv_resolves_against_the_project_root(tmp_path: Path) -> None:
    opts = parse_options(str(tmp_path), str(tmp_path / "src"), {"virtualenv": "venv"})
    assert opts.virtualenv_path == tmp_path / "venv"
    absolute = parse_options(str(tmp_path), str(tmp_path), {"virtualenv": "/opt/env"})
    assert absolute.virtualenv_path == Path("/opt/env")


def test_options_are_validated(tmp_path: Path) -> None:
    root = str(tmp_path)
    assert parse_options(root, root, {"toolchain": "pip"}).toolchain is Toolchain.PIP
    assert parse_options(root, root, {"typechecker": "mypy"}).typechecker is TypeChecker.MYPY
    for bad in ({"toolchain": "conda"}, {"toolchain": "uv"}, {"virtualenv": 3}):
        with pytest.raises(RuntimeOptionsError):
            parse_options(root, root, bad)
    # Plugins never use the ambient interpreter (the Go host defaults them to `venv`).
    assert parse_options(root, root, {}, is_plugin=True).virtualenv == "venv"


def test_activation_prepends_the_venv_and_drops_pythonhome(tmp_path: Path) -> None:
    env = activate_virtualenv(
        {"PATH": "/usr/bin", "PYTHONHOME": "/x", "VIRTUAL_ENV": "/old"}, tmp_path
    )
    assert env["PATH"] == f"{tmp_path}/bin{os.pathsep}/usr/bin"
    assert env["VIRTUAL_ENV"] == str(tmp_path)
    assert "PYTHONHOME" not in env


def test_missing_virtualenv_is_explained(tmp_path: Path) -> None:
    opts = PythonOptions(root=tmp_path, program_dir=tmp_path, virtualenv="venv")
    with pytest.raises(VirtualEnvError, match="doesn't exist"):
        python_command(opts, {"PATH": "/usr/bin"})
    (tmp_path / "venv").mkdir()
    with pytest.raises(VirtualEnvError, match="doesn't appear to be a virtual environment"):
        python_command(opts, {"PATH": "/usr/bin"})


def test_shim_pythonpath_is_restored() -> None:
    environ = {"PYTHONPATH": "/repo", ORIGINAL_PYTHONPATH_VAR: "/mine"}
    restore_pythonpath(environ)
    assert environ == {"PYTHONPATH": "/mine"}
    environ = {"PYTHONPATH": "/repo", ORIGINAL_PYTHONPATH_VAR: ""}
    restore_pythonpath(environ)
    assert environ == {}


def test_exec_arguments_match_the_go_host() -> None:
    request = language_pb2.RunRequest(
        project="proj",
        stack="dev",
        pwd="/p",
        dryRun=True,
        parallel=4,
        monitor_address="127.0.0.1:2",
        organization="org",
        args=["a", "b"],
        info=language_pb2.ProgramInfo(root_directory="/p", program_directory="/p", entry_point="."),
    )
    assert construct_arguments(request, "127.0.0.1:1", "") == [
        "--monitor", "127.0.0.1:2",
        "--engine", "127.0.0.1:1",
        "--project", "proj",
        "--root_directory", "/p",
        "--stack", "dev",
        "--pwd", "/p",
        "--dry_run", "true",
        "--parallel", "4",
        "--organization", "org",
        ".", "a", "b",
    ]  # fmt: skip


def test_exit_codes_map_to_run_responses() -> None:
    assert run_exit_response(0) == language_pb2.RunResponse()
    assert run_exit_response(32) == language_pb2.RunResponse(bail=True)
    assert "non-zero exit code: 1" in run_exit_response(1).error
    assert "SIGKILL" in run_exit_response(-signal.SIGKILL).error


def test_pulumi_packages_needing_plugins_are_detected(tmp_path: Path) -> None:
    """The probe behind GetRequiredPackages' warning, against fake installed distributions."""

    def distribution(name: str, plugin: dict[str, object] | None) -> None:
        module = name.replace("-", "_")
        info = tmp_path / f"{module}-1.2.3.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.2.3\n")
        (tmp_path / module).mkdir()
        (tmp_path / module / "__init__.py").write_text("")
        if plugin is not None:
            (tmp_path / module / "pulumi-plugin.json").write_text(json.dumps(plugin))

    distribution("pulumi-fakecloud", {"resource": True, "name": "fakecloud"})
    distribution("pulumi-nothing", {"resource": False})
    distribution("pulumi-oldstyle", None)
    distribution("unrelated", None)
    found = run_probe(
        sys.executable, PULUMI_PACKAGES_SCRIPT, {**os.environ, "PYTHONPATH": str(tmp_path)}
    )
    assert found == [
        {"package": "pulumi-fakecloud", "version": "1.2.3", "plugin": "fakecloud"},
        {"package": "pulumi-oldstyle", "version": "1.2.3", "plugin": "oldstyle"},
    ]


# -- health check --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_health_check_notices_a_dead_engine() -> None:
    dead = threading.Event()
    checker = HealthChecker(dead.set, interval=0.1)
    checker.watch(f"127.0.0.1:{_free_port()}")
    try:
        assert dead.wait(20)
    finally:
        checker.stop()


def test_health_check_accepts_an_engine_without_health_service() -> None:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    dead = threading.Event()
    checker = HealthChecker(dead.set, interval=0.1)
    try:
        checker.watch(f"127.0.0.1:{port}")
        # UNIMPLEMENTED proves the engine is alive, as in the Go host.
        assert not dead.wait(1.5)
    finally:
        checker.stop()
        server.stop(None).wait()


# -- the gRPC service ----------------------------------------------------------------------------


@dataclass
class RunningHost:
    proc: subprocess.Popen[str]
    port: int
    stub: language_pb2_grpc.LanguageRuntimeStub
    record: Path


@pytest.fixture
def host(tmp_path: Path) -> Iterator[RunningHost]:
    executor = tmp_path / "fake-exec"
    executor.write_text(FAKE_EXECUTOR)
    record = tmp_path / "record.json"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        # What the .pulumi-bin shim exports: programs must get no PYTHONPATH.
        ORIGINAL_PYTHONPATH_VAR: "",
        "FAKE_EXECUTOR_RECORD": str(record),
    }
    argv = [sys.executable, "-P", "-m", "langhost", "-use-executor", str(executor)]
    # A never-answering engine address: Run needs one, and the health check only fires after
    # five minutes.
    argv.append(f"127.0.0.1:{_free_port()}")
    with subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True
    ) as proc:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip().isdigit(), f"expected a port, got {line!r}"
        port = int(line)
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield RunningHost(proc, port, language_pb2_grpc.LanguageRuntimeStub(channel), record)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0


@needs_tgkill
def test_a_signal_the_kernel_hands_to_a_grpc_thread_still_stops_the_host(
    host: RunningHost,
) -> None:
    # A main thread blocked without a timeout never ran the handler of a signal the kernel
    # ran on another thread: the engine killed the host five seconds later.
    signal_another_thread(host.proc.pid)

    assert host.proc.wait(timeout=5) == 0


def _program(tmp_path: Path, **options: str) -> language_pb2.ProgramInfo:
    info = language_pb2.ProgramInfo(
        root_directory=str(tmp_path), program_directory=str(tmp_path), entry_point="."
    )
    info.options.update(options)
    return info


def _code(error: grpc.RpcError) -> grpc.StatusCode:
    assert isinstance(error, grpc.Call)
    return error.code()


def test_plugin_info_reports_the_sdk_version(host: RunningHost) -> None:
    info = host.stub.GetPluginInfo(empty_pb2.Empty(), timeout=10)
    assert info.version == host_version()


def test_version_flag() -> None:
    completed = subprocess.run(
        [sys.executable, "-P", "-m", "langhost", "-version"],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout.strip() == f"v{host_version()}"


def test_handshake(host: RunningHost, tmp_path: Path) -> None:
    response = host.stub.Handshake(
        language_pb2.LanguageHandshakeRequest(
            engine_address=f"127.0.0.1:{_free_port()}",
            root_directory=str(tmp_path),
            program_directory=str(tmp_path),
        ),
        timeout=10,
    )
    assert response == language_pb2.LanguageHandshakeResponse()


@needs_venv
def test_required_packages_and_plugins_are_empty(host: RunningHost, tmp_path: Path) -> None:
    info = _program(tmp_path, toolchain="pip", virtualenv=str(VENV))
    packages = host.stub.GetRequiredPackages(
        language_pb2.GetRequiredPackagesRequest(info=info), timeout=60
    )
    assert list(packages.packages) == []
    plugins = host.stub.GetRequiredPlugins(
        language_pb2.GetRequiredPluginsRequest(info=info), timeout=60
    )
    assert list(plugins.plugins) == []


def test_required_packages_reports_a_missing_virtualenv(host: RunningHost, tmp_path: Path) -> None:
    info = _program(tmp_path, virtualenv="venv")
    with pytest.raises(grpc.RpcError) as raised:
        host.stub.GetRequiredPackages(
            language_pb2.GetRequiredPackagesRequest(info=info), timeout=60
        )
    assert _code(raised.value) is grpc.StatusCode.FAILED_PRECONDITION
    assert isinstance(raised.value, grpc.Call)
    assert "doesn't exist" in (raised.value.details() or "")


def test_unimplemented_methods(host: RunningHost, tmp_path: Path) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        host.stub.GenerateProject(language_pb2.GenerateProjectRequest(), timeout=10)
    assert _code(raised.value) is grpc.StatusCode.UNIMPLEMENTED


@needs_venv
def test_about_describes_the_program_interpreter(host: RunningHost, tmp_path: Path) -> None:
    about = host.stub.About(
        language_pb2.AboutRequest(info=_program(tmp_path, virtualenv=str(VENV))), timeout=60
    )
    assert Path(about.executable).parent == VENV / "bin"
    assert about.version == ".".join(map(str, sys.version_info[:3]))
    assert about.metadata["toolchain"] == "pip"


@needs_venv
def test_install_dependencies_streams_without_installing(host: RunningHost, tmp_path: Path) -> None:
    stream = host.stub.InstallDependencies(
        language_pb2.InstallDependenciesRequest(info=_program(tmp_path, virtualenv=str(VENV))),
        timeout=60,
    )
    text = b"".join(chunk.stdout for chunk in stream).decode()
    assert "does not create virtual environments or run pip" in text
    assert text.rstrip().endswith("Finished installing dependencies")


def _run(
    host: RunningHost, tmp_path: Path, exit_code: int, **options: str
) -> language_pb2.RunResponse:
    response: language_pb2.RunResponse = host.stub.Run(
        language_pb2.RunRequest(
            project="proj",
            stack="dev",
            pwd=str(tmp_path),
            dryRun=False,
            parallel=2,
            monitor_address="127.0.0.1:9",
            config={"proj:name": "world", "test:exit": str(exit_code)},
            configSecretKeys=["proj:name"],
            info=_program(tmp_path, **options),
        ),
        timeout=120,
    )
    return response


@needs_venv
def test_run_starts_the_executor_like_the_go_host(host: RunningHost, tmp_path: Path) -> None:
    response = _run(host, tmp_path, 0, toolchain="pip", virtualenv=str(VENV))
    assert response == language_pb2.RunResponse()
    record = json.loads(host.record.read_text())
    argv = record["argv"]
    assert argv[argv.index("--monitor") + 1] == "127.0.0.1:9"
    assert argv[argv.index("--dry_run") + 1] == "false"
    assert argv[argv.index("--parallel") + 1] == "2"
    assert argv[argv.index("--pwd") + 1] == str(tmp_path)
    assert argv[-1] == "."
    assert Path(record["exe"]).parent == VENV / "bin"
    env = record["env"]
    assert json.loads(env["PULUMI_CONFIG"]) == {"proj:name": "world", "test:exit": "0"}
    assert json.loads(env["PULUMI_CONFIG_SECRET_KEYS"]) == ["proj:name"]
    assert env["VIRTUAL_ENV"] == str(VENV)
    assert env["PATH"].split(os.pathsep)[0] == str(VENV / "bin")
    # Neither the shim's PYTHONPATH nor its bookkeeping variable reaches the program.
    assert env["PYTHONPATH"] is None
    assert env[ORIGINAL_PYTHONPATH_VAR] is None


@needs_venv
def test_run_reports_bail_and_errors(host: RunningHost, tmp_path: Path) -> None:
    assert _run(host, tmp_path, 32, virtualenv=str(VENV)) == language_pb2.RunResponse(bail=True)
    failed = _run(host, tmp_path, 3, virtualenv=str(VENV))
    assert failed.error == "program exited with non-zero exit code: 3"
    assert not failed.bail


def test_run_rejects_a_missing_virtualenv(host: RunningHost, tmp_path: Path) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        _run(host, tmp_path, 0, virtualenv="nope")
    assert _code(raised.value) is grpc.StatusCode.FAILED_PRECONDITION


def test_cancel_is_acknowledged(host: RunningHost) -> None:
    assert host.stub.Cancel(empty_pb2.Empty(), timeout=10) == empty_pb2.Empty()


def test_the_host_loads_the_stubs_without_the_pulumi_sdk() -> None:
    # The engine starts the host twice per command: the SDK's package __init__ (the
    # automation API, mocks) is start-up time the host never uses. The stubs it serves with are
    # the SDK's own modules, and the stand-in parent packages are gone once they are loaded.
    probe = (
        "import sys, langhost.server, langhost.protos as p\n"
        "print(sorted(m for m in ('pulumi', 'pulumi.runtime') if m in sys.modules))\n"
        "print(p.language_pb2.__name__, p.language_pb2_grpc.LanguageRuntimeServicer.__name__)\n"
    )
    root = Path(__file__).resolve().parents[2]
    completed = subprocess.run(
        [sys.executable, "-P", "-c", probe],
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=True,
    )

    assert completed.stdout.splitlines() == [
        "[]",
        "pulumi.runtime.proto.language_pb2 LanguageRuntimeServicer",
    ]
