"""The real Pulumi engine running Python programs through the repository's language host.

Each test builds a throwaway project in tmp_path whose Pulumi.yaml points `virtualenv` at the
repository's venv (absolute path) and drives the CLI through stack init, config, up, preview,
refresh, stack output/export and destroy.
"""

from __future__ import annotations

import base64
import functools
import json
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest

from devkit.pulumi_cli import REPO_VENV, PulumiCLI
from devkit.sandbox import REPO_ROOT, PulumiFailed, run_pulumi

pytestmark = [pytest.mark.engine, pytest.mark.timeout(1800)]

VENV = REPO_VENV

CONFIG_PROGRAM = """
import os
import sys

import pulumi

config = pulumi.Config()
pulumi.export("greeting", f"hello {config.require('name')}")
pulumi.export("token_length", config.require_secret("token").apply(len))
pulumi.export("count", config.get_int("count") or 7)
pulumi.export("stack", pulumi.get_stack())
# The language host runs from the repository; the program must not see that on its path.
pulumi.export("host_leaks", [p for p in sys.path if p == REPO] + [os.environ.get("PYTHONPATH")])
print("a line on the program's stdout")
"""

# The provider class lives in its own module so that dill pickles it *by reference*
# ("echo_provider.EchoProvider"); the provider process must then be able to import that module.
PROVIDER_MODULE = """
from __future__ import annotations

import os
from typing import Any

import pulumi
from pulumi.dynamic import (
    CreateResult, DiffResult, ReadResult, Resource, ResourceProvider, UpdateResult,
)


class EchoProvider(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = {"value": props["value"], "cwd": os.getcwd()}
        return CreateResult(id_="echo-" + props["value"], outs=outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_=id_, outs=props)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return DiffResult(changes=olds.get("value") != news.get("value"))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs={"value": news["value"], "cwd": os.getcwd()})


class Echo(Resource):
    value: pulumi.Output[str]
    cwd: pulumi.Output[str]

    def __init__(self, name: str, value: str) -> None:
        super().__init__(EchoProvider(), name, {"value": value, "cwd": None})
"""

DYNAMIC_PROGRAM = """
import pulumi
from echo_provider import Echo

echo = Echo("echo", pulumi.Config().get("value") or "first")
pulumi.export("value", echo.value)
pulumi.export("id", echo.id)
pulumi.export("provider_cwd", echo.cwd)
"""


@pytest.fixture
def pulumi_env(tmp_path: Path, langhost_cli: PulumiCLI) -> dict[str, str]:
    return langhost_cli.environment(tmp_path / "scratch")


def pulumi(
    cli: PulumiCLI, args: list[str], project: Path, env: dict[str, str], check: bool = True
) -> subprocess.CompletedProcess[str]:
    """``pulumi ARGS`` in ``project``; with ``check``, a failure fails the test with the output."""
    try:
        return run_pulumi(cli, project, env, args, check=check)
    except PulumiFailed as failed:
        pytest.fail(str(failed), pytrace=False)


def make_project(
    directory: Path, name: str, files: dict[str, str], virtualenv: str | None = None
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    venv = virtualenv if virtualenv is not None else str(VENV)
    (directory / "Pulumi.yaml").write_text(
        f"name: {name}\n"
        "runtime:\n"
        "  name: python\n"
        "  options:\n"
        "    toolchain: pip\n"
        f"    virtualenv: {venv}\n"
    )
    for filename, text in files.items():
        (directory / filename).write_text(textwrap.dedent(text).lstrip())
    return directory


def outputs(cli: PulumiCLI, project: Path, env: dict[str, str]) -> dict[str, Any]:
    result = pulumi(cli, ["stack", "output", "--json", "--show-secrets"], project, env)
    decoded: dict[str, Any] = json.loads(result.stdout)
    return decoded


def export(cli: PulumiCLI, project: Path, env: dict[str, str], *extra: str) -> dict[str, Any]:
    result = pulumi(cli, ["stack", "export", *extra], project, env)
    decoded: dict[str, Any] = json.loads(result.stdout)
    return decoded


def test_config_program_full_lifecycle(
    langhost_cli: PulumiCLI, pulumi_env: dict[str, str], tmp_path: Path
) -> None:
    program = CONFIG_PROGRAM.replace("REPO", repr(str(REPO_ROOT)))
    project = make_project(tmp_path / "config", "lh-config", {"__main__.py": program})
    run = functools.partial(pulumi, langhost_cli)
    run(["stack", "init", "dev"], project, pulumi_env)
    run(["config", "set", "name", "world"], project, pulumi_env)
    run(["config", "set", "--secret", "token", "abc123"], project, pulumi_env)

    up = run(["up", "--yes", "--skip-preview"], project, pulumi_env)
    assert "a line on the program's stdout" in up.stdout
    # The engine found the host next to `pulumi`, not just on PATH (no "from $PATH" warning).
    assert "from $PATH" not in up.stdout + up.stderr
    assert outputs(langhost_cli, project, pulumi_env) == {
        "greeting": "hello world",
        "token_length": 6,
        "count": 7,
        "stack": "dev",
        "host_leaks": [None],
    }

    run(["preview", "--expect-no-changes"], project, pulumi_env)
    run(["refresh", "--yes"], project, pulumi_env)

    masked = json.loads(run(["stack", "output", "--json"], project, pulumi_env).stdout)
    assert masked["token_length"] == "[secret]"

    state = export(langhost_cli, project, pulumi_env)
    (stack,) = state["deployment"]["resources"]
    assert stack["type"] == "pulumi:pulumi:Stack"
    assert "ciphertext" in stack["outputs"]["token_length"]

    run(["config", "set", "count", "9"], project, pulumi_env)
    changed = run(["preview", "--diff"], project, pulumi_env)
    assert "9" in changed.stdout

    run(["destroy", "--yes"], project, pulumi_env)
    assert export(langhost_cli, project, pulumi_env)["deployment"].get("resources") in (None, [])


def test_dynamic_provider_full_lifecycle(
    langhost_cli: PulumiCLI, pulumi_env: dict[str, str], tmp_path: Path
) -> None:
    project = make_project(
        tmp_path / "dynamic",
        "lh-dynamic",
        {"__main__.py": DYNAMIC_PROGRAM, "echo_provider.py": PROVIDER_MODULE},
    )
    run = functools.partial(pulumi, langhost_cli)
    run(["stack", "init", "dev"], project, pulumi_env)
    up = run(["up", "--yes"], project, pulumi_env)
    assert "from $PATH" not in up.stdout + up.stderr
    created = outputs(langhost_cli, project, pulumi_env)
    assert created["value"] == "first"
    assert created["id"] == "echo-first"
    # The engine starts the provider in the program directory; that is why the by-reference
    # pickle below can be imported there.
    assert created["provider_cwd"] == str(project)

    state = export(langhost_cli, project, pulumi_env, "--show-secrets")
    resource = next(
        r for r in state["deployment"]["resources"] if r["type"].startswith("pulumi-python:")
    )
    pickled = resource["inputs"]["__provider"]
    if isinstance(pickled, dict):  # a secret in the exported state
        pickled = pickled["plaintext"]
        pickled = json.loads(pickled) if pickled.startswith('"') else pickled
    provider_bytes = base64.b64decode(pickled)
    assert b"echo_provider" in provider_bytes
    assert b"EchoProvider" in provider_bytes

    run(["preview", "--expect-no-changes"], project, pulumi_env)
    run(["config", "set", "value", "second"], project, pulumi_env)
    updated = run(["up", "--yes"], project, pulumi_env)
    assert "updated" in updated.stdout
    assert outputs(langhost_cli, project, pulumi_env)["value"] == "second"
    run(["refresh", "--yes"], project, pulumi_env)
    run(["preview", "--expect-no-changes"], project, pulumi_env)
    run(["destroy", "--yes"], project, pulumi_env)
    assert export(langhost_cli, project, pulumi_env)["deployment"].get("resources") in (None, [])


def test_program_errors_surface_with_their_message(
    langhost_cli: PulumiCLI, pulumi_env: dict[str, str], tmp_path: Path
) -> None:
    project = make_project(
        tmp_path / "failing",
        "lh-failing",
        {"__main__.py": "import pulumi\nraise ValueError('boom-7f3a from the program')\n"},
    )
    pulumi(langhost_cli, ["stack", "init", "dev"], project, pulumi_env)
    failed = pulumi(langhost_cli, ["preview"], project, pulumi_env, check=False)
    assert failed.returncode != 0
    text = failed.stdout + failed.stderr
    assert "Program failed with an unhandled exception" in text
    assert "ValueError: boom-7f3a from the program" in text

    (project / "__main__.py").write_text("import pulumi\npulumi.Config().require('absent')\n")
    missing = pulumi(langhost_cli, ["up", "--yes"], project, pulumi_env, check=False)
    assert missing.returncode != 0
    assert "Missing required configuration variable 'lh-failing:absent'" in missing.stdout


def test_missing_virtualenv_is_reported(
    langhost_cli: PulumiCLI, pulumi_env: dict[str, str], tmp_path: Path
) -> None:
    project = make_project(
        tmp_path / "novenv", "lh-novenv", {"__main__.py": "import pulumi\n"}, virtualenv="venv"
    )
    pulumi(langhost_cli, ["stack", "init", "dev"], project, pulumi_env)
    failed = pulumi(langhost_cli, ["preview"], project, pulumi_env, check=False)
    assert failed.returncode != 0
    assert f"'{project / 'venv'}' doesn't exist" in failed.stdout + failed.stderr

    # A relative `virtualenv` is resolved against the project; a symlink to a venv works.
    (project / "venv").symlink_to(VENV)
    pulumi(langhost_cli, ["preview"], project, pulumi_env)


def test_about_and_install_use_the_language_host(
    langhost_cli: PulumiCLI, pulumi_env: dict[str, str], tmp_path: Path
) -> None:
    project = make_project(tmp_path / "about", "lh-about", {"__main__.py": "import pulumi\n"})
    pulumi(langhost_cli, ["stack", "init", "dev"], project, pulumi_env)
    about = json.loads(pulumi(langhost_cli, ["about", "--json"], project, pulumi_env).stdout)
    language = about["runtime"]
    assert language["language"] == "python"
    assert Path(language["executable"]).parent == VENV / "bin"
    installed = pulumi(langhost_cli, ["install"], project, pulumi_env)
    assert "does not create virtual environments or run pip" in installed.stdout


def test_the_plugins_a_project_names_under_packages_are_read_from_its_pulumi_yaml(
    tmp_path: Path,
) -> None:
    from langhost.host import project_packages

    (tmp_path / "Pulumi.yaml").write_text(
        "name: x\npackages:\n  codestar:\n    source: ./p\n    version: 1.0.0\n"
        "  other: ../q\nruntime: python\nconfig:\n  name: y\n"
    )

    assert project_packages(tmp_path) == {"codestar", "other"}
    assert project_packages(tmp_path / "missing") == set()
