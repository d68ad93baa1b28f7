"""examples/policy on the real engine: `pulumi preview --policy-pack` through our RunPlugin.

The engine (v3.221+) asks the language host named in PulumiPolicy.yaml to run a Python pack
(LanguageRuntime.RunPlugin, kind "analyzer"); langhost runs `python -u -m pulumi.policy` in the
pack's virtualenv and streams its port back. The pack is the example's own files, copied next
to a `venv` link to a cached venv with just pulumi + pulumi-policy (devkit/tools.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from devkit.pulumi_cli import PULUMI_HOST_RUNS_NO_PLUGINS, PulumiCLI
from emulator.client import EmulatorClient
from tests.support.engine import copy_policy_pack, program_sandbox

pytestmark = pytest.mark.engine


@pytest.fixture
def policy_pack(tmp_path: Path, policy_python: Path) -> Path:
    return copy_policy_pack(tmp_path, policy_python)


@pytest.mark.cold_cache
def test_preview_fails_on_a_pending_connection_and_passes_once_available(
    tmp_path: Path, pulumi_cli: PulumiCLI, emulator: EmulatorClient, policy_pack: Path
) -> None:
    if not pulumi_cli.runs_plugins:
        pytest.skip(PULUMI_HOST_RUNS_NO_PLUGINS)
    arn = emulator.create_connection("handshake-pending", status="PENDING")
    sandbox = program_sandbox(tmp_path, pulumi_cli, emulator.url)
    sandbox.init_stack("test", {"connectionArn": arn})

    failed = sandbox.pulumi("preview", "--policy-pack", str(policy_pack), check=False)

    output = failed.stdout + failed.stderr
    assert failed.returncode != 0, output
    assert "❌ codestar-connections@v0.1.0" in output
    assert "[mandatory]  codestar-connection-available" in output
    assert f"connection {arn} is PENDING, not AVAILABLE" in output

    emulator.set_status(arn, "AVAILABLE")
    passed = sandbox.pulumi("preview", "--policy-pack", str(policy_pack), check=False)

    output = passed.stdout + passed.stderr
    assert passed.returncode == 0, output
    assert "✅ codestar-connections@v0.1.0" in output
    assert "is PENDING" not in output
