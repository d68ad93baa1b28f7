"""examples/ is laid out as its README promises: every example documented and indexed, every
program a complete Pulumi project importing the installed package its requirements pin (at
this checkout's version), and every pin the same as in the virtualenv the tests run them in."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest

from devkit.tools import requirements_by_name
from pulumi_codestar_connections import __version__
from tests.examples.mocks import EXAMPLES

# PyYAML ships no type information (see test_ci_drift_check.py).
yaml: Any = importlib.import_module("yaml")

REPO_ROOT = EXAMPLES.parent
EXAMPLE_DIRS = sorted(
    p for p in EXAMPLES.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != "venv"
)
# The Python programs on the dynamic provider; plugin/ holds one program per language, on the
# provider plugin (tests/plugin/ runs them).
PROGRAMS = sorted(
    p.parent
    for p in EXAMPLES.rglob("Pulumi.yaml")
    if not {".venv", "plugin"} & set(p.relative_to(EXAMPLES).parts)
)


def test_examples_are_the_seven_of_the_index() -> None:
    assert [p.name for p in EXAMPLE_DIRS] == [
        "ci-drift-check",
        "codebuild",
        "codepipeline",
        "multi-account",
        "plugin",
        "policy",
        "stack-reference",
    ]


@pytest.mark.parametrize("example", EXAMPLE_DIRS, ids=lambda p: p.name)
def test_each_example_has_a_readme_and_is_linked_from_both_indexes(example: Path) -> None:
    assert (example / "README.md").is_file()
    assert f"]({example.name}/)" in (EXAMPLES / "README.md").read_text()
    assert f"](examples/{example.name}/)" in (REPO_ROOT / "README.md").read_text()


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_each_program_is_a_complete_pulumi_project(program: Path) -> None:
    project = yaml.safe_load((program / "Pulumi.yaml").read_text())

    assert project["name"].startswith("codestar-example-")
    assert project["runtime"] == {
        "name": "python",
        "options": {"toolchain": "pip", "virtualenv": "venv"},
    }
    assert (program / "__main__.py").is_file()
    assert (program / "requirements.txt").is_file()
    readme = (
        program / "README.md" if (program / "README.md").is_file() else program.parent / "README.md"
    )
    assert "pip install -r requirements.txt" in readme.read_text()


def test_project_names_are_unique() -> None:
    names = [yaml.safe_load((p / "Pulumi.yaml").read_text())["name"] for p in PROGRAMS]
    assert len(names) == len(set(names)) == 6


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_programs_import_the_installed_package_their_requirements_pin(program: Path) -> None:
    source = (program / "__main__.py").read_text()
    pins = requirements_by_name(program / "requirements.txt")

    assert "sys.path" not in source and "PYTHONPATH" not in source  # installed, not path hacks
    assert "from provider" not in source and "import provider" not in source
    if "pulumi_codestar_connections" in source:
        assert pins["pulumi-codestar-connections"] == f"pulumi-codestar-connections=={__version__}"
    else:
        assert "pulumi-codestar-connections" not in pins


@pytest.mark.parametrize(
    "requirements",
    sorted(
        p
        for p in EXAMPLES.glob("*/**/requirements.txt")
        if not {".venv", "venv", "plugin"} & set(p.relative_to(EXAMPLES).parts)
    ),
    ids=lambda p: str(p.parent.relative_to(EXAMPLES)),
)
def test_each_examples_requirements_match_the_tested_virtualenv(requirements: Path) -> None:
    tested = requirements_by_name(EXAMPLES / "requirements.txt")
    wanted = requirements_by_name(requirements)

    assert wanted
    assert {name: tested.get(name) for name in wanted} == wanted
    assert all("==" in line for name, line in wanted.items() if name.startswith("pulumi"))


def test_examples_virtualenv_pins_pulumi_aws_and_pulumi_policy() -> None:
    tested = requirements_by_name(EXAMPLES / "requirements.txt")

    assert re.fullmatch(r"pulumi-aws==\d+\.\d+\.\d+", tested["pulumi-aws"])
    assert re.fullmatch(r"pulumi-policy==\d+\.\d+\.\d+", tested["pulumi-policy"])
    assert tested["pulumi"] == requirements_by_name(REPO_ROOT / "requirements.txt")["pulumi"]
