"""Every release's state (tests/compat/v*/) previews and refreshes cleanly with today's code."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from devkit.compat import STACK
from devkit.emulator_process import EmulatorProcess
from devkit.pulumi_cli import PulumiCLI
from pulumi_codestar_connections import __version__
from tests.support.engine import program_sandbox

pytestmark = pytest.mark.engine

HERE = Path(__file__).resolve().parent
SNAPSHOTS = sorted(path for path in HERE.iterdir() if path.is_dir() and path.name.startswith("v"))
# Where the first release's state says the provider class lives.
PICKLED_MODULE = b"pulumi_codestar_connections.dynamic.provider"


def pickled_providers(export: dict[str, Any]) -> list[bytes]:
    """The pickled providers in a ``pulumi stack export``."""
    return [
        base64.b64decode(resource["inputs"]["__provider"])
        for resource in export["deployment"]["resources"]
        if isinstance((resource.get("inputs") or {}).get("__provider"), str)
    ]


def test_there_is_a_snapshot_of_this_release() -> None:
    assert HERE / f"v{__version__}" in SNAPSHOTS


@pytest.mark.parametrize("snapshot", SNAPSHOTS, ids=lambda path: path.name)
def test_an_earlier_releases_state_previews_and_refreshes_cleanly(
    tmp_path: Path, pulumi_cli: PulumiCLI, snapshot: Path
) -> None:
    providers = pickled_providers(json.loads((snapshot / "stack.json").read_text()))
    state_file = tmp_path / "emulator-state.json"
    shutil.copyfile(snapshot / "emulator-state.json", state_file)

    with EmulatorProcess(state_file=state_file) as process:
        sandbox = program_sandbox(tmp_path, pulumi_cli, process.url)
        sandbox.pulumi("stack", "init", STACK)
        config = f"Pulumi.{STACK}.yaml"
        shutil.copyfile(snapshot / config, sandbox.directory / config)
        sandbox.pulumi("stack", "import", "--file", str(snapshot / "stack.json"))
        before = sandbox.resources()
        preview = sandbox.pulumi("preview", "--expect-no-changes", "--diff", check=False)
        sandbox.pulumi("refresh", "--yes")
        after = sandbox.resources()
        again = sandbox.pulumi("preview", "--expect-no-changes", check=False)

    assert len(before) == len(providers) == 2
    assert all(PICKLED_MODULE in p and b"ConnectionProvider" in p for p in providers)
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert again.returncode == 0, again.stdout + again.stderr
    assert [r["outputs"] for r in after] == [r["outputs"] for r in before]
