"""The wheel and the sdist: only the package, complete metadata, one version, twine's approval."""

from __future__ import annotations

import email
import json
import subprocess
import sys
import tarfile
import zipfile
from email.message import Message
from pathlib import Path

from pulumi_codestar_connections import __version__
from pulumi_codestar_connections.core.vocabulary import CLI_NAME

from .conftest import REPO_ROOT, Distribution

PACKAGE = "pulumi_codestar_connections"


def wheel_metadata(distribution: Distribution) -> Message:
    with zipfile.ZipFile(distribution.wheel) as wheel:
        [name] = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        return email.message_from_string(wheel.read(name).decode("utf-8"))


def test_the_wheel_holds_the_package_and_nothing_else(distribution: Distribution) -> None:
    with zipfile.ZipFile(distribution.wheel) as wheel:
        names = wheel.namelist()
        plugin = json.loads(wheel.read(f"{PACKAGE}/pulumi-plugin.json"))

    assert plugin == {"resource": False}  # Pulumi's hosts: no plugin binary to fetch for it
    top = {name.split("/")[0] for name in names}
    assert top == {PACKAGE, f"{PACKAGE}-{__version__}.dist-info"}
    assert f"{PACKAGE}/py.typed" in names
    sources = {
        str(path.relative_to(REPO_ROOT / "provider"))
        for path in (REPO_ROOT / "provider" / PACKAGE).rglob("*.py")
    }
    assert {name for name in names if name.endswith(".py")} == sources
    assert f"{PACKAGE}-{__version__}.dist-info/licenses/LICENSE" in names


def test_the_sdist_holds_the_package_project_and_not_the_repositorys_tooling(
    distribution: Distribution,
) -> None:
    with tarfile.open(distribution.sdist) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}

    assert {"pyproject.toml", "README.md", "LICENSE", "PKG-INFO"} <= names
    assert f"provider/{PACKAGE}/dynamic/provider.py" in names
    assert not {
        name for name in names if name.split("/")[0] in {"tests", "emulator", "langhost", "devkit"}
    }


def test_the_metadata_is_complete(distribution: Distribution) -> None:
    metadata = wheel_metadata(distribution)

    assert metadata["Name"] == "pulumi-codestar-connections"
    assert metadata["Version"] == __version__
    assert metadata["Requires-Python"] == ">=3.11"
    assert metadata["License-Expression"] == "Apache-2.0"
    assert metadata["License-File"] == "LICENSE"
    assert "Typing :: Typed" in metadata.get_all("Classifier", [])
    urls = {url.split(",")[0] for url in metadata.get_all("Project-URL", [])}
    assert {"Homepage", "Source", "Issues", "Changelog", "Documentation"} <= urls
    requires = metadata.get_all("Requires-Dist", [])
    assert any(r.startswith("pulumi") for r in requires)
    assert any(r.startswith("boto3") for r in requires)
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert metadata.get_payload() == (REPO_ROOT / "README.md").read_text()


def test_the_console_script_is_the_command_the_package_calls_itself(
    distribution: Distribution,
) -> None:
    with zipfile.ZipFile(distribution.wheel) as wheel:
        [name] = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
        entry_points = wheel.read(name).decode()

    assert entry_points.split() == [
        "[console_scripts]",
        CLI_NAME,
        "=",
        f"{PACKAGE}.cli:main",
    ]


def test_twine_check_passes(distribution: Distribution) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "twine",
            "check",
            "--strict",
            distribution.wheel,
            distribution.sdist,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.count("PASSED") == 2


def test_the_version_is_written_once_and_the_cli_shows_it(user_venv: Path) -> None:
    version = subprocess.run(
        [str(user_venv / "bin" / "codestar-connection"), "--version"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    source = (REPO_ROOT / "provider" / PACKAGE / "_version.py").read_text()

    assert version == f"codestar-connection {__version__}\n"
    assert source.count(f'"{__version__}"') == 1
    assert __version__ not in (REPO_ROOT / "pyproject.toml").read_text()
    assert (REPO_ROOT / "CHANGELOG.md").read_text().count(f"## {__version__}") == 1
