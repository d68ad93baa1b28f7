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
from pulumi_codestar_connections.engine.inputs import LookupSpec, parse_inputs
from pulumi_codestar_connections.engine.lookup_process import LookupLost, in_child_process
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


def test_the_child_gives_what_the_host_would_and_raises_its_errors(
    emulator: EmulatorClient,
) -> None:
    arns = [
        emulator.create_connection("tagged", tags={"team": "platform"}),
        emulator.create_connection("pending", status="PENDING"),
    ]
    lookups = [_arguments(arn) for arn in [*arns, MISSING]]

    found, pending, missing = _settled(in_child_process(lookups, CLIENTS, workers=4))

    assert _gets(emulator) == {arns[0]: 1, arns[1]: 1, MISSING: 1}
    assert found == describe_connection(**lookups[0])
    assert isinstance(found, ConnectionDetails) and found.tags == {"team": "platform"}
    assert pending == describe_connection(**lookups[1])
    assert isinstance(missing, ConnectionNotFound)
    with pytest.raises(ConnectionNotFound) as in_host:
        describe_connection(**lookups[2])
    assert str(missing) == str(in_host.value)
    assert (missing.operation, missing.code) == (in_host.value.operation, in_host.value.code)


def test_a_bug_in_the_child_loses_that_lookup_alone(emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("steady")

    good, broken = _settled(
        in_child_process([_arguments(arn), {"unexpected": 1}], CLIENTS, workers=2)
    )

    assert isinstance(good, ConnectionDetails) and good.connection.connection_arn == arn
    assert isinstance(broken, LookupLost)
    assert "unexpected" in str(broken)


def test_a_child_that_cannot_start_leaves_every_lookup_to_the_host(
    emulator: EmulatorClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    arns = [emulator.create_connection(f"repo-{i}") for i in range(3)]
    monkeypatch.setattr(sys, "executable", "/nonexistent/python3")

    lost = _settled(in_child_process([_arguments(a) for a in arns], CLIENTS, workers=2))
    assert all(isinstance(outcome, LookupLost) for outcome in lost)
    assert _gets(emulator) == {}

    reader = ConnectionReader.configured(ProviderSettings(connections=[{"arn": a} for a in arns]))
    for arn in arns:
        assert reader.describe(_spec(arn)).connection.connection_arn == arn
    assert _gets(emulator) == dict.fromkeys(arns, 1)


def test_a_child_that_dies_leaves_the_rest_to_the_host(
    emulator: EmulatorClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    arns = [emulator.create_connection(f"repo-{i}") for i in range(3)]
    # A "python" that answers the first lookup and dies: what a crash looks like to the host.
    answer = tmp_path / "answer"
    answer.write_bytes(pickle.dumps((0, True, describe_connection(**_arguments(arns[0])))))
    fake = tmp_path / "python"
    fake.write_text(
        f"#!{sys.executable}\nimport sys\nsys.stdin.buffer.read()\n"
        f"sys.stdout.buffer.write(open({str(answer)!r}, 'rb').read())\nsys.exit(3)\n"
    )
    fake.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(fake))

    outcomes = _settled(in_child_process([_arguments(a) for a in arns], CLIENTS, workers=2))

    assert isinstance(outcomes[0], ConnectionDetails)
    assert outcomes[0].connection.connection_arn == arns[0]
    assert [type(o) for o in outcomes[1:]] == [LookupLost, LookupLost]
    assert "stopped" in str(outcomes[1])


def test_the_child_stops_when_the_host_is_gone(emulator: EmulatorClient) -> None:
    arns = [emulator.create_connection(f"repo-{i}") for i in range(40)]
    emulator.add_fault("GetConnection", latency_ms=100, count=-1)
    request = pickle.dumps((CLIENTS, [_arguments(a) for a in arns], 1))
    child = subprocess.Popen(
        lookup_process.child_argv(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=dict(os.environ),
    )
    assert child.stdin is not None and child.stdout is not None
    child.stdout.close()  # the host is gone before the first answer
    child.stdin.write(request)
    child.stdin.close()

    assert child.wait(timeout=30) == 0
    # One lookup at a time, 100 ms each: all 40 would take 4 s; it stops at its first write.
    assert sum(_gets(emulator).values()) <= 2


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
