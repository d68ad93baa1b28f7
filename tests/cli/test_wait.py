"""``wait``: poll with backoff until the status is wanted (0) or time runs out (5)."""

from __future__ import annotations

import os
import re
import threading
import time

from emulator.client import EmulatorClient
from tests.cli.conftest import Cli, read_terminal

_STAMPED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ waiting for github to be AVAILABLE: ")


def _flip_after_polls(
    emulator: EmulatorClient, arn: str, polls: int, status: str
) -> threading.Thread:
    """Set ``status`` once the CLI has read the connection ``polls`` times, as a person would."""

    def flip() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if len(emulator.calls("GetConnection")) >= polls:
                emulator.set_status(arn, status)
                return
            time.sleep(0.05)

    thread = threading.Thread(target=flip, daemon=True)
    thread.start()
    return thread


def test_wait_succeeds_when_the_status_flips_mid_wait(cli: Cli, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("github", status="PENDING")
    flipper = _flip_after_polls(emulator, arn, 2, "AVAILABLE")

    process = cli.popen(
        "wait", arn, "--status", "AVAILABLE", "--interval", "0.2", "--timeout", "30"
    )
    stdout, stderr = process.communicate(timeout=60)
    flipper.join()

    assert process.returncode == 0, stderr
    assert '"ConnectionStatus": "AVAILABLE"' in stdout
    lines = stderr.splitlines()
    # Not a terminal: a timestamped line per poll, no control characters.
    assert all(_STAMPED.match(line) for line in lines), lines
    assert "PENDING after" in lines[0]
    assert "next check in" in lines[0]
    assert "AVAILABLE after" in lines[-1]
    assert "\r" not in stderr
    assert "\x1b" not in stderr
    assert len(emulator.calls("GetConnection")) >= 3


def test_wait_times_out_with_exit_5(cli: Cli, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("github", status="PENDING")

    started = time.monotonic()
    result = cli("wait", arn, "--status", "AVAILABLE", "--interval", "0.1", "--timeout", "3")
    took = time.monotonic() - started

    assert result.exit_code == 5
    assert result.stderr_lines[-1] == (
        f"codestar-connection: timed out after 3s waiting for {arn} to be AVAILABLE: it is PENDING"
    )
    assert result.json()["Connection"]["ConnectionStatus"] == "PENDING"
    assert took < 15
    # Backoff 0.1, 0.2, 0.4, 0.8, 1.6 s: a handful of polls in 3 s, not the 30 a fixed 0.1 s
    # interval would make. The lower bound allows for a slow start on a loaded machine.
    assert 2 <= len(emulator.calls("GetConnection")) <= 10


def test_wait_by_name_lists_once_then_gets_by_arn(cli: Cli, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("github", status="PENDING")
    flipper = _flip_after_polls(emulator, arn, 2, "AVAILABLE")

    result = cli("wait", "--name", "github", "--status", "AVAILABLE", "--interval", "0.2")
    flipper.join()

    assert result.exit_code == 0, result
    assert len(emulator.calls("ListConnections")) == 1
    assert {call["Arn"] for call in emulator.calls("GetConnection")} == {arn}


def test_wait_rides_out_throttling(cli: Cli, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("github", status="AVAILABLE")
    emulator.add_fault("GetConnection", error_code="ThrottlingException", http_status=400, count=2)

    result = cli(
        "wait",
        arn,
        "--status",
        "AVAILABLE",
        "--interval",
        "0.1",
        "--timeout",
        "20",
        env={"AWS_MAX_ATTEMPTS": "1"},
    )

    assert result.exit_code == 0, result
    assert "ThrottlingException (still trying" in result.stderr
    assert len(emulator.calls("GetConnection")) == 3


def test_wait_stops_at_once_when_the_connection_is_missing(
    cli: Cli, emulator: EmulatorClient
) -> None:
    arn = "arn:aws:codestar-connections:us-east-1:123456789012:connection/gone"

    result = cli("wait", arn, "--status", "AVAILABLE", "--interval", "0.1", "--timeout", "30")

    assert result.exit_code == 3
    assert len(emulator.calls("GetConnection")) == 1


def test_wait_rewrites_one_line_on_a_terminal(cli: Cli, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("github", status="PENDING")
    flipper = _flip_after_polls(emulator, arn, 2, "AVAILABLE")
    leader, follower = os.openpty()
    try:
        process = cli.popen(
            "wait",
            arn,
            "--status",
            "AVAILABLE",
            "--interval",
            "0.2",
            stderr=follower,
            env={"COLUMNS": "200"},
        )
        os.close(follower)
        stdout, _ = process.communicate(timeout=60)
        terminal = read_terminal(leader)
    finally:
        os.close(leader)
    flipper.join()

    assert process.returncode == 0
    assert terminal.count("\r\x1b[K") >= 2  # each poll rewrites the line
    assert terminal.count("\n") == 1  # and it is ended once, when the wait is over
    assert "waiting for github to be AVAILABLE: PENDING after" in terminal
    assert '"AVAILABLE"' in stdout
