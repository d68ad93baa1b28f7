"""Snapshot the state a release writes, so that every later release is tested against it.

    python -m devkit.compat tests/compat/v<version>
    python -m devkit.compat tests/compat/v<version> --listing-only

Runs the repository's program on the real engine against an emulator with ``--state``: one
connection by ARN (``connectionArn``) and one by name (``connections``), ``pulumi up``, then
keeps what a user's stack would keep: ``pulumi stack export`` (each resource's pickled
provider, its inputs and outputs), the stack's config file, and the emulator's state (the same
connections, the same ARNs). Then, in ``listing/``, the same for a program of ``Connections``
listings over those connections (:data:`LISTING_PROGRAM`, kept beside its state as
``__main__.py``): the other pickled provider class. ``--listing-only`` adds ``listing/`` to a
snapshot made before ``Connections`` existed, from its emulator state (read, left unchanged).

tests/compat replays every snapshot with the current code: import, ``preview
--expect-no-changes``, ``refresh``. A release that moves a pickled provider class must keep its
old module path importable, or those tests fail.
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

__all__ = [
    "LISTING",
    "LISTING_FILES",
    "LISTING_PROGRAM",
    "SNAPSHOT_FILES",
    "STACK",
    "main",
    "snapshot",
    "snapshot_listing",
]

STACK = "compat"
SNAPSHOT_FILES = ("stack.json", f"Pulumi.{STACK}.yaml", "emulator-state.json")
# The listing snapshot's folder in a snapshot, and its files (its emulator state is the
# snapshot's own).
LISTING = "listing"
LISTING_FILES = ("stack.json", f"Pulumi.{STACK}.yaml", "__main__.py")
LISTING_PROGRAM = '''\
"""The program that wrote this state: Connections listings of the snapshot's connections."""

import pulumi

from pulumi_codestar_connections import Connections

every = Connections("every", region="us-east-1")
gitlab = Connections(
    "gitlab", region="eu-west-1", provider_type_filter="GitLab", require_status="AVAILABLE"
)
pulumi.export("byName", every.by_name)
pulumi.export("count", every.count)
pulumi.export("gitlab", gitlab.connections)
'''


def snapshot(cli: PulumiCLI, out: Path) -> None:
    """Write SNAPSHOT_FILES into ``out`` (created), and LISTING_FILES into ``out/listing``."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="codestar-compat-") as scratch_dir:
        scratch = Path(scratch_dir)
        with EmulatorProcess(state_file=out / "emulator-state.json") as process:
            seed = EmulatorClient(process.url)
            arn = seed.create_connection("compat-github", provider_type="GitHub", tags={"a": "b"})
            seed.create_connection("compat-gitlab", provider_type="GitLab", region="eu-west-1")
            sandbox = _sandbox(cli, process.url, scratch / "program")
            sandbox.init_stack(STACK, {"connectionArn": arn})
            sandbox.pulumi("config", "set", "--path", "connections[0].name", "compat-gitlab")
            sandbox.pulumi("config", "set", "--path", "connections[0].region", "eu-west-1")
            sandbox.pulumi("up", "--yes", "--skip-preview")
            _keep(sandbox, out)
            _keep_listing(cli, process.url, scratch / "listing", out / LISTING)


def snapshot_listing(cli: PulumiCLI, out: Path) -> None:
    """Write LISTING_FILES into ``out/listing``, over a copy of ``out``'s emulator state."""
    with tempfile.TemporaryDirectory(prefix="codestar-compat-") as scratch_dir:
        scratch = Path(scratch_dir)
        state = scratch / "emulator-state.json"
        shutil.copyfile(out / "emulator-state.json", state)
        with EmulatorProcess(state_file=state) as process:
            _keep_listing(cli, process.url, scratch / "listing", out / LISTING)


def _sandbox(
    cli: PulumiCLI, url: str, scratch: Path, main_source: str | None = None
) -> ProgramSandbox:
    """The program (or ``main_source``) in ``scratch``/project, with a backend of its own."""
    env = cli.environment(scratch, base=emulator_env(url, scratch))
    return ProgramSandbox(scratch / "project", cli=cli, env=env, main_source=main_source)


def _keep(sandbox: ProgramSandbox, out: Path) -> None:
    """What a user's stack keeps: ``pulumi stack export`` and the stack's config file."""
    (out / "stack.json").write_text(sandbox.pulumi("stack", "export").stdout)
    shutil.copy2(sandbox.directory / f"Pulumi.{STACK}.yaml", out)


def _keep_listing(cli: PulumiCLI, url: str, scratch: Path, out: Path) -> None:
    sandbox = _sandbox(cli, url, scratch, LISTING_PROGRAM)
    sandbox.init_stack(STACK, {})
    sandbox.pulumi("up", "--yes", "--skip-preview")
    out.mkdir(parents=True, exist_ok=True)
    _keep(sandbox, out)
    (out / "__main__.py").write_text(LISTING_PROGRAM)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devkit.compat",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("out", type=Path, help="the snapshot's folder, e.g. tests/compat/v0.1.0")
    parser.add_argument(
        "--listing-only",
        action="store_true",
        help="add only listing/ to an existing snapshot, from its emulator state",
    )
    args = parser.parse_args(argv)
    if args.listing_only:
        snapshot_listing(install("langhost"), args.out)
        written = [f"{LISTING}/{name}" for name in LISTING_FILES]
    else:
        snapshot(install("langhost"), args.out)
        written = [*SNAPSHOT_FILES, *(f"{LISTING}/{name}" for name in LISTING_FILES)]
    print(f"wrote {', '.join(written)} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
