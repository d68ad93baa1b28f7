"""Snapshot the state a release writes, so that every later release is tested against it.

    python -m devkit.compat tests/compat/v<version>

Runs the repository's program on the real engine against an emulator with ``--state``: one
connection by ARN (``connectionArn``) and one by name (``connections``), ``pulumi up``, then
keeps what a user's stack would keep: ``pulumi stack export`` (each resource's pickled
provider, its inputs and outputs), the stack's config file, and the emulator's state (the same
connections, the same ARNs). tests/compat replays every snapshot with the current code: import,
``preview --expect-no-changes``, ``refresh``. A release that moves the pickled provider class must
keep its old module path importable, or those tests fail.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from emulator.client import EmulatorClient

from .awsenv import emulator_env
from .emulator_process import EmulatorProcess
from .pulumi_cli import PulumiCLI, install
from .sandbox import ProgramSandbox

__all__ = ["SNAPSHOT_FILES", "STACK", "main", "snapshot"]

STACK = "compat"
SNAPSHOT_FILES = ("stack.json", f"Pulumi.{STACK}.yaml", "emulator-state.json")


def snapshot(cli: PulumiCLI, out: Path) -> None:
    """Write SNAPSHOT_FILES into ``out`` (created)."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="codestar-compat-") as scratch_dir:
        scratch = Path(scratch_dir)
        with EmulatorProcess(state_file=out / "emulator-state.json") as process:
            seed = EmulatorClient(process.url)
            arn = seed.create_connection("compat-github", provider_type="GitHub", tags={"a": "b"})
            seed.create_connection("compat-gitlab", provider_type="GitLab", region="eu-west-1")
            env = cli.environment(scratch, base=emulator_env(process.url, scratch))
            sandbox = ProgramSandbox(scratch / "project", cli=cli, env=env)
            sandbox.init_stack(STACK, {"connectionArn": arn})
            sandbox.pulumi("config", "set", "--path", "connections[0].name", "compat-gitlab")
            sandbox.pulumi("config", "set", "--path", "connections[0].region", "eu-west-1")
            sandbox.pulumi("up", "--yes", "--skip-preview")
            (out / "stack.json").write_text(sandbox.pulumi("stack", "export").stdout)
            shutil.copy2(sandbox.directory / f"Pulumi.{STACK}.yaml", out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devkit.compat", description=__doc__)
    parser.add_argument("out", type=Path, help="the snapshot's folder, e.g. tests/compat/v0.1.0")
    args = parser.parse_args(argv)
    snapshot(install("langhost"), args.out)
    print(f"wrote {', '.join(SNAPSHOT_FILES)} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
