"""The prefetch's child process: what an in-host lookup would give, and never a lost lookup.

The child (engine/lookup_process.py) makes the lookups the stack config names, on another core;
a lookup it did not make (it did not start, died, met a bug) is made by the host instead.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap
from collections import Counter
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

from emulator.client import EmulatorClient
from pulumi_codestar_connections.aws import clear_client_cache, describe_connection
from pulumi_codestar_connections.core.errors import ConnectionNotFound
from pulumi_codestar_connections.core.records import ConnectionDetails
from pulumi_codestar_connections.engine import lookup_process
from pulumi_codestar_connections.engine import reader as reader_module
from pulumi_codestar_connections.engine.inputs import LookupSpec, parse_inputs
from pulumi_codestar_connections.engine.lookup_process import in_child_process
from pulumi_codestar_connections.engine.reader import CHILD_PROCESS_FROM, ConnectionReader
from pulumi_codestar_connections.engine.stack_config import ProviderSettings
from tests.support.call_log import provider_calls

MISSING = "arn:aws:codestar-connections:us-east-1:123456789012:connection/gone"
CLIENTS = {"max_attempts": 1, "connect_timeout": None, "read_timeout": None}


def _spec(arn: str) -> LookupSpec:
    spec = parse_inputs({"connectionArn": arn}, default_region=None)
    assert spec is not None
    return spec


def _arguments(arn: str) -> dict[str, Any]:
    return ConnectionReader().arguments(_spec(arn))


def _gets(emulator: EmulatorClient) -> Counter[str]:
    return Counter(str(call.get("Arn")) for call in provider_calls(emulator, "GetConnection"))


def _settled(futures: list[Future[ConnectionDetails]]) -> list[object]:
    outcomes: list[object] = []
    for future in futures:
        error = future.exception(timeout=60)
        outcomes.append(error if error is not None else future.result())
    return outcomes


@pytest.fixture(autouse=True)
def _fresh_clients(aws_env: dict[str, str]) -> None:
    clear_client_cache()


def _elsewhere(lookups: list[dict[str, Any]]) -> list[Future[ConnectionDetails]]:
    """What the reader gives the child for the lookups it does not make: in-process calls."""
    futures: list[Future[ConnectionDetails]] = []
    for lookup in lookups:
        future: Future[ConnectionDetails] = Future()
        try:
            future.set_result(describe_connection(**lookup))
        except Exception as error:
            future.set_exception(error)
        futures.append(future)
    return futures


def _in_child(lookups: list[dict[str, Any]], workers: int = 4) -> list[object]:
    return _settled(in_child_process(lookups, CLIENTS, workers=workers, elsewhere=_elsewhere))


def test_the_child_gives_what_the_host_would_and_raises_its_errors(
    emulator: EmulatorClient,
) -> None:
    arns = [
        emulator.create_connection("tagged", tags={"team": "platform"}),
        emulator.create_connection("pending", status="PENDING"),
    ]
    lookups = [_arguments(arn) for arn in [*arns, MISSING]]

    found, pending, missing = _in_child(lookups)

    assert _gets(emulator) == {arns[0]: 1, arns[1]: 1, MISSING: 1}
    assert found == describe_connection(**lookups[0])
    assert isinstance(found, ConnectionDetails) and found.tags == {"team": "platform"}
    assert pending == describe_connection(**lookups[1])
    assert isinstance(missing, ConnectionNotFound)
    with pytest.raises(ConnectionNotFound) as in_host:
        describe_connection(**lookups[2])
    assert str(missing) == str(in_host.value)
    assert (missing.operation, missing.code) == (in_host.value.operation, in_host.value.code)


def test_a_bug_in_the_child_hands_that_lookup_alone_back(
    emulator: EmulatorClient, caplog: pytest.LogCaptureFixture
) -> None:
    arn = emulator.create_connection("steady")

    good, broken = _in_child([_arguments(arn), {"unexpected": 1}], workers=2)

    assert isinstance(good, ConnectionDetails) and good.connection.connection_arn == arn
    assert isinstance(broken, TypeError) and "unexpected" in str(broken)  # met in the host
    assert "1 lookup(s) made in the provider instead: the lookup process met TypeError" in (
        caplog.text
    )
    assert _gets(emulator) == {arn: 1}


def test_a_child_that_cannot_start_hands_every_lookup_back(
    emulator: EmulatorClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    arns = [emulator.create_connection(f"repo-{i}") for i in range(3)]
    monkeypatch.setattr(sys, "executable", "/nonexistent/python3")

    made = _in_child([_arguments(a) for a in arns])

    assert [d.connection.connection_arn for d in made if isinstance(d, ConnectionDetails)] == arns
    assert _gets(emulator) == dict.fromkeys(arns, 1)
    assert "3 lookup(s) made in the provider instead" in caplog.text
    assert "/nonexistent/python3" in caplog.text


def test_the_reader_makes_on_its_threads_what_the_child_could_not(
    emulator: EmulatorClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    arns = [emulator.create_connection(f"repo-{i}") for i in range(3)]
    monkeypatch.setattr(reader_module, "CHILD_PROCESS_FROM", 1)
    monkeypatch.setattr(sys, "executable", "/nonexistent/python3")
    reader = ConnectionReader.configured(ProviderSettings(connections=[{"arn": a} for a in arns]))

    for arn in arns:
        assert reader.describe(_spec(arn)).connection.connection_arn == arn
    assert _gets(emulator) == dict.fromkeys(arns, 1)


def test_a_child_that_dies_hands_the_rest_back_quoting_its_stderr(
    emulator: EmulatorClient,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    arns = [emulator.create_connection(f"repo-{i}") for i in range(3)]
    # A "python" that answers the first lookup and dies: what a crash looks like to the host.
    answer = tmp_path / "answer"
    answer.write_bytes(pickle.dumps((0, True, describe_connection(**_arguments(arns[0])))))
    fake = tmp_path / "python"
    fake.write_text(
        f"#!{sys.executable}\nimport sys\n"
        f"sys.stdout.buffer.write(open({str(answer)!r}, 'rb').read())\n"
        "sys.exit('Fatal Python error: out of luck')\n"
    )
    fake.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(fake))

    made = _in_child([_arguments(a) for a in arns], workers=2)

    assert [d.connection.connection_arn for d in made if isinstance(d, ConnectionDetails)] == arns
    assert _gets(emulator) == dict.fromkeys(arns, 1)  # the first by the fake's maker, above
    assert "2 lookup(s) made in the provider instead: the lookup process exited (1)" in (
        caplog.text
    )
    assert "its stderr ends: Fatal Python error: out of luck" in caplog.text


def _slow_child(emulator: EmulatorClient) -> subprocess.Popen[bytes]:
    """A child on 40 lookups, one at a time, 100 ms each: 4 s if it made them all."""
    arns = [emulator.create_connection(f"repo-{i}") for i in range(40)]
    emulator.add_fault("GetConnection", latency_ms=100, count=-1)
    child = subprocess.Popen(
        lookup_process.child_argv(), stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert child.stdin is not None
    child.stdin.write(pickle.dumps((CLIENTS, [_arguments(a) for a in arns], 1)))
    child.stdin.flush()
    return child


def test_the_child_stops_when_the_host_stops_reading(emulator: EmulatorClient) -> None:
    with _slow_child(emulator) as child:
        assert child.stdout is not None
        child.stdout.close()

        assert child.wait(timeout=30) == 0
    assert sum(_gets(emulator).values()) <= 2  # it stops at its first write


def test_the_child_stops_when_the_host_is_gone(emulator: EmulatorClient) -> None:
    with _slow_child(emulator) as child:
        assert child.stdin is not None
        child.stdin.close()  # what the host's death does to the pipe

        assert child.wait(timeout=30) == 0
    assert sum(_gets(emulator).values()) <= 2


def test_what_the_child_prints_does_not_reach_the_results(emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("steady")
    python, *flags, code = lookup_process.child_argv()
    # A library printing while the child works (here: just before its lookups).
    noisy = code.removesuffix("_child_main()") + (
        "import os, pulumi_codestar_connections.engine.lookup_process as m; serve = m._serve; "
        "m._serve = lambda *a: (print('noise from a library', flush=True), "
        "os.write(1, b'raw noise'), serve(*a)); _child_main()"
    )
    with subprocess.Popen(
        [python, *flags, noisy],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as child:
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(pickle.dumps((CLIENTS, [_arguments(arn)], 1)))
        child.stdin.flush()
        index, made, details = pickle.load(child.stdout)
        child.stdin.close()  # the host is done: the child exits
        child.stdin = None  # (communicate() would flush it)
        rest, stderr = child.communicate(timeout=60)

    assert (index, made) == (0, True)
    assert isinstance(details, ConnectionDetails)
    assert rest == b""
    assert b"noise from a library" in stderr and b"raw noise" in stderr


def test_a_host_whose_lookups_the_child_made_never_loads_botocore(
    emulator: EmulatorClient, aws_env: dict[str, str]
) -> None:
    names = [f"repo-{i}" for i in range(CHILD_PROCESS_FROM)]
    arns = emulator.create_connections(
        [{"ConnectionName": name, "ProviderType": "GitHub"} for name in names]
    )
    script = textwrap.dedent(
        f"""
        from pulumi_codestar_connections.engine.inputs import parse_inputs
        from pulumi_codestar_connections.engine.reader import ConnectionReader
        from pulumi_codestar_connections.engine.stack_config import ProviderSettings

        arns = {arns!r}
        settings = ProviderSettings(connections=[{{"arn": arn}} for arn in arns])
        reader = ConnectionReader.configured(settings)
        for arn in arns:
            spec = parse_inputs({{"connectionArn": arn}}, default_region=reader.region_default)
            assert reader.describe(spec).connection.connection_arn == arn
        """
    )

    assert _loaded_after(script, "botocore", aws_env) == "[]"
    assert _gets(emulator) == dict.fromkeys(arns, 1)


def test_the_child_imports_no_pulumi() -> None:
    script = f"import {lookup_process.__name__}"

    assert _loaded_after(script, "pulumi", dict(os.environ)) == "[]"


def _loaded_after(script: str, package: str, env: dict[str, str]) -> str:
    """The modules of ``package`` a fresh interpreter holds after running ``script``."""
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            f"{script}\nimport sys\n"
            f"print(sorted(n for n in sys.modules if n.split('.')[0] == {package!r}))",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    return shown.stdout.strip()
