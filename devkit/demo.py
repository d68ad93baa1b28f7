"""The README's demo: the program on the real Pulumi engine against the embedded emulator.

Starts the emulator, seeds two connections, runs ``pulumi up`` on a local file backend, prints
the stack outputs, flips a status the way a person in the console would, and shows
``pulumi preview --refresh --expect-no-changes`` catching the drift. Cleans up after itself.
Without a Pulumi CLI (``--mocks``), it runs the same program under Pulumi's mocks instead.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

from emulator.client import EmulatorClient

from .awsenv import emulator_env
from .emulator_process import EmulatorProcess
from .pulumi_cli import PulumiCLI
from .sandbox import ProgramSandbox

REGION = "eu-west-1"

__all__ = ["main"]


def _say(title: str) -> None:
    print(f"\n\033[1m== {title}\033[0m", flush=True)


def _aws_env(url: str, scratch: Path) -> dict[str, str]:
    """This process's environment, AWS aimed at the emulator with the demo's region and keys."""
    keys = {"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo"}
    return emulator_env(url, scratch, region=REGION, aws=keys)


def run_on_engine(cli: PulumiCLI, url: str, arn: str, scratch: Path) -> int:
    env = cli.environment(scratch, base=_aws_env(url, scratch))
    sandbox = ProgramSandbox(scratch / "project", cli=cli, env=env)

    _say(f"pulumi up (stack 'demo', backend {env['PULUMI_BACKEND_URL']}, {cli.host} language host)")
    sandbox.init_stack("demo", {"connectionArn": arn})
    print(sandbox.pulumi("up", "--yes", "--skip-preview").stdout)
    _say("pulumi stack output --json  (what a pipeline reads)")
    print(json.dumps(sandbox.stack_outputs(), indent=2))

    _say("someone removes the GitHub app: the connection goes to ERROR")
    EmulatorClient(url).set_status(arn, "ERROR")
    _say("pulumi preview --refresh --expect-no-changes  (the nightly drift check)")
    drift = sandbox.pulumi("preview", "--refresh", "--expect-no-changes", "--diff", check=False)
    print(drift.stdout + drift.stderr)
    print(f"exit code {drift.returncode}: drift caught" if drift.returncode else "NOT caught")
    return 0 if drift.returncode else 1


def run_with_mocks(url: str, arn: str) -> int:
    """Same program, Pulumi's mocks standing in for the engine (no CLI needed)."""
    import runpy

    import pulumi

    from .mocks import check_then_create

    class Mocks(pulumi.runtime.Mocks):
        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
            return check_then_create(args.inputs)

        def call(
            self, args: pulumi.runtime.MockCallArgs
        ) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
            return {}, None

    aws = _aws_env(url, Path(tempfile.gettempdir()))
    os.environ.update({key: value for key, value in aws.items() if key.startswith("AWS_")})
    exports: dict[str, Any] = {}
    pulumi.runtime.set_mocks(Mocks(), project="codestar-connections", stack="demo", preview=False)
    pulumi.runtime.set_all_config({"codestar-connections:connectionArn": arn})
    pulumi.export = exports.__setitem__  # type: ignore[assignment]

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def program() -> Any:
        runpy.run_path(str(Path(__file__).resolve().parents[1] / "__main__.py"))
        return pulumi.Output.all(*exports.values()).apply(
            lambda values: print(json.dumps(dict(zip(exports, values, strict=True)), indent=2))
        )

    _say("the program under Pulumi's mocks (no Pulumi CLI found)")
    program()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/demo", description=__doc__)
    parser.add_argument(
        "--pulumi-bin", type=Path, help="a bin directory laid out by scripts/install-pulumi-cli"
    )
    parser.add_argument("--mocks", action="store_true", help="run under mocks, without the CLI")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="codestar-demo-"))
    try:
        with EmulatorProcess(state_file=scratch / "emulator-state.json") as emulator:
            _say(f"emulator listening on {emulator.url}")
            seed = EmulatorClient(emulator.url)
            arn = seed.create_connection("github-main", region=REGION)
            seed.create_connection(
                "gitlab-pending", provider_type="GitLab", region=REGION, status="PENDING"
            )
            print(
                textwrap.indent(f"seeded {arn} (AVAILABLE) and one PENDING GitLab connection", "  ")
            )
            if args.mocks or args.pulumi_bin is None:
                return run_with_mocks(emulator.url, arn)
            return run_on_engine(PulumiCLI.at(args.pulumi_bin), emulator.url, arn, scratch)
    finally:
        if args.keep:
            print(f"\nscratch directory kept: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
