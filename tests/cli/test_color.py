"""Colour: statuses in colour in a table on a terminal, unless --no-color or NO_COLOR."""

from __future__ import annotations

import os

from emulator.client import EmulatorClient
from tests.cli.conftest import Cli, concurrently, read_terminal


def _table_on_a_terminal(cli: Cli, *args: str, env: dict[str, str] | None = None) -> str:
    leader, follower = os.openpty()
    try:
        process = cli.popen("list", "--output", "table", *args, stdout=follower, env=env)
        os.close(follower)
        process.communicate(timeout=60)
        assert process.returncode == 0
        return read_terminal(leader)
    finally:
        os.close(leader)


def test_statuses_are_coloured_on_a_terminal_only(cli: Cli, emulator: EmulatorClient) -> None:
    emulator.create_connection("ok", status="AVAILABLE")
    emulator.create_connection("bad", status="ERROR")

    coloured, flag, environment, piped = concurrently(
        lambda: _table_on_a_terminal(cli),
        lambda: _table_on_a_terminal(cli, "--no-color"),
        lambda: _table_on_a_terminal(cli, env={"NO_COLOR": "1"}),
        lambda: cli("list", "--output", "table").stdout,
    )

    assert "\x1b[32mAVAILABLE\x1b[0m" in coloured
    assert "\x1b[31mERROR\x1b[0m" in coloured
    for plain in (flag, environment, piped):
        assert "\x1b[" not in plain
        assert "AVAILABLE" in plain
