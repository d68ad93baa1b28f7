"""Every release's state (tests/compat/v*/) previews and refreshes cleanly with today's code.

A snapshot holds the repository's program's state (``Connection``s) and, in ``listing/``, a
program of ``Connections`` listings with its state: each is replayed with the program that
wrote it.
"""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from devkit.compat import LISTING, STACK
from devkit.emulator_process import EmulatorProcess
from devkit.pulumi_cli import PulumiCLI
from pulumi_codestar_connections import __version__
from tests.support.engine import program_sandbox

pytestmark = pytest.mark.engine

HERE = Path(__file__).resolve().parent
SNAPSHOTS = sorted(path for path in HERE.iterdir() if path.is_dir() and path.name.startswith("v"))
# Where the first release's state says the provider classes live (test_pickled_paths.py
# loads each one without the engine).
PICKLED_MODULE = b"pulumi_codestar_connections.dynamic.provider"
# What each replay is: the snapshot's own program's state, or its listing/ (the program that
# wrote it beside it), with the resource type and the provider class its state holds.
REPLAYS = {
    "program": ("Connection", b"ConnectionProvider"),
    LISTING: ("Connections", b"ConnectionsProvider"),
}


def pickled_providers(export: dict[str, Any]) -> list[bytes]:
    """The pickled providers in a ``pulumi stack export``."""
    return [
        base64.b64decode(resource["inputs"]["__provider"])
        for resource in export["deployment"]["resources"]
        if isinstance((resource.get("inputs") or {}).get("__provider"), str)
    ]


def test_there_is_a_snapshot_of_this_release() -> None:
    assert HERE / f"v{__version__}" in SNAPSHOTS


@pytest.mark.parametrize(
    ("snapshot", "replay"),
    [
        (snapshot, replay)
        for snapshot in SNAPSHOTS
        for replay in REPLAYS
        if replay == "program" or (snapshot / replay).is_dir()
    ],
    ids=lambda value: value.name if isinstance(value, Path) else value,
)
def test_an_earlier_releases_state_previews_and_refreshes_cleanly(
    tmp_path: Path, pulumi_cli: PulumiCLI, snapshot: Path, replay: str
) -> None:
    written = snapshot if replay == "program" else snapshot / replay
    program = written / "__main__.py"
    resource_type, provider_class = REPLAYS[replay]
    providers = pickled_providers(json.loads((written / "stack.json").read_text()))
    state_file = tmp_path / "emulator-state.json"
    shutil.copyfile(snapshot / "emulator-state.json", state_file)

    with EmulatorProcess(state_file=state_file) as process:
        sandbox = program_sandbox(
            tmp_path,
            pulumi_cli,
            process.url,
            main_source=program.read_text() if program.is_file() else None,
        )
        sandbox.pulumi("stack", "init", STACK)
        config = f"Pulumi.{STACK}.yaml"
        shutil.copyfile(written / config, sandbox.directory / config)
        sandbox.pulumi("stack", "import", "--file", str(written / "stack.json"))
        before = sandbox.resources(resource_type)
        preview = sandbox.pulumi("preview", "--expect-no-changes", "--diff", check=False)
        sandbox.pulumi("refresh", "--yes")
        after = sandbox.resources(resource_type)
        again = sandbox.pulumi("preview", "--expect-no-changes", check=False)

    assert len(before) == len(providers) == 2
    assert all(r["type"].endswith(f":{resource_type}") for r in before)
    assert all(PICKLED_MODULE in p and provider_class in p for p in providers)
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert again.returncode == 0, again.stdout + again.stderr
    assert [r["outputs"] for r in after] == [r["outputs"] for r in before]
