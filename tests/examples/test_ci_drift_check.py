"""examples/ci-drift-check: the CI definitions are valid, call only flags that exist, and the
deploy gate behaves as documented against the emulator.

Every ``pulumi …`` and ``codestar-connection …`` command line in the GitHub workflows, the
GitLab file and connection-gate.sh is checked against ``--help`` of the command it runs: the
Pulumi CLI in .pulumi-bin (scripts/install-pulumi-cli) and this repository's CLI.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devkit.pulumi_cli import PulumiCLI
from emulator.client import EmulatorClient
from tests.examples.mocks import EXAMPLES

# PyYAML ships no type information; importing it by name keeps strict mypy quiet without a
# `type: ignore` that would turn "unused" once someone installs types-PyYAML.
yaml: Any = importlib.import_module("yaml")

HERE = EXAMPLES / "ci-drift-check"
REPO_ROOT = EXAMPLES.parent
GATE = HERE / "connection-gate.sh"
WORKFLOWS = {path.name: path for path in sorted((HERE / "github-actions").glob("*.yml"))}
GITLAB = HERE / "gitlab-ci" / ".gitlab-ci.yml"
PROGRAMS = ("pulumi", "codestar-connection")
SEPARATORS = {";", "&&", "||", "|", "&", "(", ")", ";;", "|&"}
SHELL_WORDS = {"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}"}


def load(path: Path) -> dict[Any, Any]:
    document = yaml.safe_load(path.read_text())
    assert isinstance(document, dict), f"{path} is not a mapping"
    return document


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 (PyYAML) reads the bare key `on` as the boolean True.
    on = workflow.get("on", workflow.get(True))
    assert isinstance(on, dict)
    return on


def github_scripts(workflow: dict[Any, Any]) -> list[str]:
    return [
        step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step
    ]


def gitlab_scripts(job: dict[str, Any]) -> list[str]:
    return [
        line for key in ("before_script", "script", "after_script") for line in job.get(key, [])
    ]


def gitlab_jobs(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    reserved = {"stages", "variables", "default", "workflow", "include"}
    return {k: v for k, v in document.items() if k not in reserved and isinstance(v, dict)}


def simple_commands(script: str) -> Iterator[list[str]]:
    """The simple commands of a shell script: words split at ;, &&, ||, | and newlines."""
    for line in script.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        command: list[str] = []
        for token in [*lexer, ";"]:
            if token in SEPARATORS:
                if command:
                    yield command
                command = []
            elif command or token not in SHELL_WORDS:
                command.append(token)


def invocations(script: str) -> Iterator[list[str]]:
    """Each `pulumi …` / `codestar-connection …` command, by the program's base name."""
    for command in simple_commands(script):
        words = [w for w in command if not re.fullmatch(r"[A-Za-z_]\w*=.*", w)] or [""]
        program = Path(words[0]).name
        if program in PROGRAMS:
            yield [program, *words[1:]]


def all_scripts() -> list[tuple[str, str]]:
    """(where, script) for every script of the three CI files and the gate script."""
    scripts = [
        (name, run) for name, path in WORKFLOWS.items() for run in github_scripts(load(path))
    ]
    document = load(GITLAB)
    for name, job in {"default": document.get("default", {}), **gitlab_jobs(document)}.items():
        scripts.extend((f".gitlab-ci.yml:{name}", line) for line in gitlab_scripts(job))
    scripts.append((GATE.name, GATE.read_text()))
    return scripts


ALL_INVOCATIONS = [
    pytest.param(command, id=f"{where}: {' '.join(command)[:70]}")
    for where, script in all_scripts()
    for command in invocations(script)
]


def used_flags(arguments: list[str]) -> list[str]:
    return [a.split("=", 1)[0] for a in arguments if a.startswith("-") and a not in ("-", "--")]


def _help(argv: list[str]) -> str:
    env = {**os.environ, "PULUMI_SKIP_UPDATE_CHECK": "true", "NO_COLOR": "1"}
    completed = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert completed.returncode == 0, f"`{' '.join(argv)}` failed: {completed.stderr}"
    return completed.stdout


def help_flags(text: str) -> set[str]:
    """Every flag an argparse or cobra help lists (the option column only)."""
    flags: set[str] = set()
    for line in text.splitlines():
        if line.strip().startswith("-"):
            option_column = re.split(r"\s{2,}", line.strip())[0]
            flags.update(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", option_column))
    return flags


@functools.cache
def pulumi_help(pulumi: Path, path: tuple[str, ...]) -> str:
    return _help([str(pulumi), *path, "--help"])


def is_pulumi_subcommand(pulumi: Path, path: tuple[str, ...], word: str) -> bool:
    """Whether ``pulumi *path word`` is a command (aliases included), not an argument.

    Cobra answers ``--help`` of a non-command word with the parent's help, so a command is a
    word whose help differs from its parent's.
    """
    try:
        child = pulumi_help(pulumi, (*path, word))
    except AssertionError:  # `pulumi nosuchcommand --help` fails
        return False
    return child != pulumi_help(pulumi, path)


@functools.cache
def cli_help(subcommand: str | None) -> str:
    return _help(
        [
            sys.executable,
            "-m",
            "pulumi_codestar_connections",
            *([subcommand] if subcommand else []),
            "-h",
        ]
    )


def test_every_ci_file_parses_and_the_gate_script_is_valid_bash() -> None:
    assert set(WORKFLOWS) == {"drift-check.yml", "deploy.yml"}
    for path in [*WORKFLOWS.values(), GITLAB]:
        assert load(path)
    assert os.access(GATE, os.X_OK)
    subprocess.run(["bash", "-n", str(GATE)], check=True)


def test_github_drift_check_runs_nightly_and_fails_on_drift() -> None:
    workflow = load(WORKFLOWS["drift-check.yml"])

    [schedule] = triggers(workflow)["schedule"]
    assert len(schedule["cron"].split()) == 5
    assert "workflow_dispatch" in triggers(workflow)
    previews = [
        c for s in github_scripts(workflow) for c in invocations(s) if c[1:2] == ["preview"]
    ]
    assert [p for p in previews if {"--refresh", "--expect-no-changes"} <= set(p)] == previews != []


def test_github_deploy_gates_on_the_connection_before_pulumi_up() -> None:
    workflow = load(WORKFLOWS["deploy.yml"])
    scripts = github_scripts(workflow)

    assert triggers(workflow)["push"]["branches"] == ["main"]
    gate = next(i for i, s in enumerate(scripts) if "connection-gate.sh" in s)
    up = next(i for i, s in enumerate(scripts) for c in invocations(s) if c[1:2] == ["up"])
    assert gate < up


def test_github_actions_are_pinned_to_a_version() -> None:
    for name, path in WORKFLOWS.items():
        for job in load(path)["jobs"].values():
            for step in job["steps"]:
                if "uses" in step:
                    assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", step["uses"]), (name, step)


def test_gitlab_drift_check_runs_on_schedule_and_deploy_is_gated() -> None:
    jobs = gitlab_jobs(load(GITLAB))

    drift = jobs["drift-check"]
    assert drift["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}]
    [preview] = [c for s in drift["script"] for c in invocations(s)]
    assert {"preview", "--refresh", "--expect-no-changes"} <= set(preview)
    deploy = jobs["deploy"]["script"]
    assert "connection-gate.sh" in deploy[0]
    assert any(c[1:2] == ["up"] for s in deploy[1:] for c in invocations(s))
    assert set(load(GITLAB)["stages"]) == {job["stage"] for job in jobs.values()}


@pytest.mark.parametrize("command", ALL_INVOCATIONS)
def test_command_uses_only_subcommands_and_flags_that_exist(
    command: list[str], langhost_cli: PulumiCLI
) -> None:
    program, *arguments = command
    pulumi = langhost_cli.executable
    if program == "pulumi":
        path: tuple[str, ...] = ()
        for word in arguments:
            if word.startswith("-") or not is_pulumi_subcommand(pulumi, path, word):
                break
            path = (*path, word)
        assert path, f"`pulumi {' '.join(arguments)}` names no pulumi command"
        known = help_flags(pulumi_help(pulumi, path))
    else:
        subcommand = next((w for w in arguments if not w.startswith("-")), None)
        assert subcommand and f"    {subcommand} " in cli_help(None), command
        known = help_flags(cli_help(subcommand))
    unknown = [flag for flag in used_flags(arguments) if flag not in known]
    assert unknown == [], f"{' '.join(command)}: no such flag(s) {unknown}"


def test_flag_check_knows_real_flags_and_catches_a_misspelt_one(langhost_cli: PulumiCLI) -> None:
    pulumi = langhost_cli.executable
    known = help_flags(pulumi_help(pulumi, ("preview",)))

    assert {"--refresh", "--expect-no-changes", "--stack", "-s", "--diff"} <= known
    assert "--expect-no-change" not in known
    assert is_pulumi_subcommand(pulumi, ("stack",), "output")
    assert is_pulumi_subcommand(pulumi, ("stack",), "init")  # an alias (of `stack new`) counts
    assert not is_pulumi_subcommand(pulumi, ("config", "set"), "connectionArn")  # an argument


def test_the_command_scan_finds_every_documented_command() -> None:
    found = {(c[0], c[1]) for _, script in all_scripts() for c in invocations(script)}

    assert found >= {
        ("pulumi", "preview"),
        ("pulumi", "up"),
        ("pulumi", "install"),
        ("pulumi", "stack"),
        ("codestar-connection", "check"),
        ("codestar-connection", "wait"),
        ("codestar-connection", "stack-outputs"),
    }


@pytest.fixture
def gate_env(aws_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """aws_env, with `codestar-connection` on PATH running this repository's CLI."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "codestar-connection"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m pulumi_codestar_connections "$@"\n')
    shim.chmod(0o755)
    return {
        **aws_env,
        "PATH": f"{bin_dir}{os.pathsep}{aws_env['PATH']}",
        "PYTHONPATH": str(REPO_ROOT),
    }


def gate(env: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(GATE), *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize(
    ("status", "wait_seconds", "expected"),
    [
        ("AVAILABLE", [], (0, "is AVAILABLE")),
        ("PENDING", [], (4, "PENDING means nobody completed the handshake")),
        ("ERROR", [], (4, "ERROR means the provider-side app lost access")),
        ("PENDING", ["1"], (5, "was still not AVAILABLE after 1s")),
    ],
)
def test_gate_exit_code_and_message_per_status(
    gate_env: dict[str, str],
    emulator: EmulatorClient,
    status: str,
    wait_seconds: list[str],
    expected: tuple[int, str],
) -> None:
    code, says = expected
    arn = emulator.create_connection("pipeline-source", status=status)

    completed = gate(gate_env, arn, *wait_seconds)

    assert completed.returncode == code, completed.stdout + completed.stderr
    assert says in completed.stdout + completed.stderr


def test_gate_says_not_found_for_a_deleted_connection(
    gate_env: dict[str, str], emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("gone")
    emulator.delete_connection(arn)

    completed = gate(gate_env, arn)

    assert completed.returncode == 3
    assert f"{arn} does not exist in that account and region" in completed.stderr


def test_gate_without_an_arn_is_a_usage_error(gate_env: dict[str, str]) -> None:
    completed = gate(gate_env)

    assert completed.returncode == 2
    assert "usage:" in completed.stderr
