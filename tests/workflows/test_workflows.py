"""The GitHub Actions workflows cannot run here: actionlint checks them, and the release
workflow's promises are read off its definition (tag only, tests first, trusted publishing)."""

from __future__ import annotations

import importlib
import subprocess
from pathlib import Path
from typing import Any

import pytest

# PyYAML ships no type information (see tests/examples/test_ci_drift_check.py).
yaml: Any = importlib.import_module("yaml")

REPO_ROOT = Path(__file__).resolve().parents[2]
RELEASE = REPO_ROOT / ".github" / "workflows" / "release.yml"
WORKFLOWS = sorted(
    [
        *(REPO_ROOT / ".github" / "workflows").glob("*.yml"),
        *(REPO_ROOT / "examples" / "ci-drift-check" / "github-actions").glob("*.yml"),
    ]
)


@pytest.mark.cold_cache
def test_actionlint_finds_nothing_in_any_workflow(actionlint: Path) -> None:
    completed = subprocess.run(
        [str(actionlint), "-no-color", *map(str, WORKFLOWS)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert RELEASE in WORKFLOWS and len(WORKFLOWS) >= 3
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_actionlint_would_catch_a_broken_workflow(actionlint: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(RELEASE.read_text().replace("needs: build", "needs: biuld"))

    completed = subprocess.run(
        [str(actionlint), "-no-color", str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 1
    assert "biuld" in completed.stdout


def release() -> dict[Any, Any]:
    workflow: dict[Any, Any] = yaml.safe_load(RELEASE.read_text())
    return workflow


def test_release_runs_only_on_a_version_tag() -> None:
    # PyYAML reads the key `on` as True (YAML 1.1).
    assert release()[True] == {"push": {"tags": ["v*"]}}


def test_release_publishes_only_what_passed_the_tests_and_was_built_once() -> None:
    jobs = release()["jobs"]

    assert jobs["build"]["needs"] == "test"
    assert jobs["publish"]["needs"] == "build"
    assert any(step.get("run") == "bash .ci/run" for step in jobs["test"]["steps"])
    build_script = "\n".join(step.get("run", "") for step in jobs["build"]["steps"])
    assert "python -m build" in build_script and "twine check --strict" in build_script
    assert 'version="${GITHUB_REF_NAME#v}"' in build_script  # the tag must name the version
    publish_uses = [step.get("uses", "") for step in jobs["publish"]["steps"]]
    assert publish_uses[-1] == "pypa/gh-action-pypi-publish@release/v1"
    assert "checkout" not in " ".join(publish_uses)  # publishes the built artifact, nothing else


def test_release_publishes_with_trusted_publishing_and_no_stored_secret() -> None:
    workflow = release()
    text = RELEASE.read_text()

    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["jobs"]["publish"]["permissions"] == {"id-token": "write"}
    assert workflow["jobs"]["publish"]["environment"]["name"] == "pypi"
    assert workflow["jobs"]["publish-plugin"]["permissions"] == {
        "id-token": "write",
        "contents": "write",
    }
    publishers = {"publish", "publish-plugin"}
    others = [job for name, job in workflow["jobs"].items() if name not in publishers]
    assert all("permissions" not in job for job in others)
    assert "secrets." not in text and "password" not in text and "NPM_TOKEN" not in text


def test_release_publishes_the_plugin_and_its_sdks_from_the_one_build() -> None:
    jobs = release()["jobs"]
    build_script = "\n".join(step.get("run", "") for step in jobs["build"]["steps"])
    publish = jobs["publish-plugin"]
    publish_script = "\n".join(step.get("run", "") for step in publish["steps"])

    assert "scripts/package-plugin --out dist-plugin" in build_script
    assert publish["needs"] == "build"
    assert "checkout" not in " ".join(step.get("uses", "") for step in publish["steps"])
    assert "npm publish --provenance" in publish_script
    assert "refs/tags/sdk/v${version}" in publish_script  # the Go module's tag
    assert "pulumi-resource-codestar-" in publish_script  # the plugin archive
