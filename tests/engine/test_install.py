"""scripts/install-pulumi-cli lays out a bin directory per language host, and the engine uses it.

The host a program runs under is read from the program itself (its parent process is the
language host the engine started), so the ``pulumi_cli`` parameter cannot silently run both
halves of the suite under the same host.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from devkit.pulumi_cli import INSTALL_SCRIPT, PulumiCLI
from emulator.client import EmulatorClient
from tests.support.engine import program_sandbox

pytestmark = pytest.mark.engine

PARENT_PROGRAM = """\
import os
import pulumi

# The program runs inside pulumi-language-python-exec, which the language host started.
with open(f"/proc/{os.getppid()}/cmdline", "rb") as cmdline:
    pulumi.export("host", [part.decode() for part in cmdline.read().split(b"\\0") if part])
"""


def install(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(INSTALL_SCRIPT), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.cold_cache
def test_the_program_runs_under_the_host_the_fixture_names(
    tmp_path: Path, pulumi_cli: PulumiCLI, emulator: EmulatorClient
) -> None:
    sandbox = program_sandbox(tmp_path, pulumi_cli, emulator.url, main_source=PARENT_PROGRAM)
    sandbox.init_stack("test", {})

    sandbox.pulumi("up", "--yes", "--skip-preview")
    host = sandbox.stack_outputs()["host"]

    binary = pulumi_cli.bin_dir / "pulumi-language-python"
    if pulumi_cli.host == "pulumi":
        assert Path(host[0]) == binary, host
        assert binary.read_bytes()[:4] == b"\x7fELF"  # Pulumi's Go program, not a script
    else:
        assert host[1:4] == ["-P", "-m", "langhost"], host


@pytest.mark.parametrize("host", ["pulumi", "langhost"])
def test_a_bin_directory_anywhere_holds_the_cli_and_the_host_asked_for(
    tmp_path: Path, langhost_cli: PulumiCLI, host: str
) -> None:
    # (langhost_cli: the CLI is built, so this lays it out, building at most Pulumi's host.)
    bin_dir = tmp_path / "bin"

    first = install("--host", host, "--bin-dir", str(bin_dir))
    again = install("--host", host, "--bin-dir", str(bin_dir))

    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().splitlines()[-1] == str(bin_dir)
    assert again.returncode == 0 and again.stderr == "", again.stderr  # nothing to do
    laid_out = PulumiCLI.at(bin_dir)
    assert laid_out.host == host
    version = subprocess.run(
        [str(laid_out.executable), "version"],
        env={"PULUMI_SKIP_UPDATE_CHECK": "true", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert version == (langhost_cli.bin_dir / ".version").read_text().strip()
    for name in (
        "pulumi-language-python-exec",
        "pulumi-resource-pulumi-python",
        "pulumi-resource-pulumi-nodejs",
    ):
        assert (bin_dir / name).stat().st_mode & 0o111, name
    host_binary = (bin_dir / "pulumi-language-python").read_bytes()
    assert host_binary.startswith(b"\x7fELF" if host == "pulumi" else b"#!/bin/sh")
    # Pulumi's hosts for TypeScript, Go and YAML programs, whichever Python host was asked for.
    for name in ("pulumi-language-nodejs", "pulumi-language-go", "pulumi-language-yaml"):
        binary = bin_dir / name
        assert binary.stat().st_mode & 0o111, name
        with binary.open("rb") as opened:
            assert opened.read(4) == b"\x7fELF", name  # a Go program


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--host", "node"], "--host must be 'langhost' or 'pulumi', not 'node'"),
        (["--host"], "--host needs a value"),
        (["--frobnicate"], "unknown argument '--frobnicate'"),
    ],
)
def test_a_usage_error_exits_2_saying_what_is_wrong(args: list[str], message: str) -> None:
    completed = install(*args)

    assert completed.returncode == 2
    assert completed.stdout == ""
    assert message in completed.stderr
