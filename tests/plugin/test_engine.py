"""The plugin on the real engine, from a program in each language, against the emulator.

Each language's example (examples/plugin/<language>/) runs the same scenario: ``up`` with
stack outputs from the resource and from both functions; a status change caught by
``pulumi preview --expect-no-changes`` (non-zero, field named) with one GetConnection per
resource; the ``requireStatus`` gate failing a preview; bad input refused on its property
before any call; ``destroy`` with no AWS call.

The engine starts the plugin (a Python plugin folder) through the repository's language host,
the one whose ``RunPlugin`` works with this engine (devkit/pulumi_cli.py says why).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from devkit.pulumi_cli import REPO_VENV, PulumiCLI
from devkit.sandbox import run_pulumi
from emulator.client import EmulatorClient
from pulumi_codestar_connections import __version__
from tests.support.call_log import provider_calls
from tests.support.credentials import assert_no_secret, assumed_role_secrets
from tests.support.engine import copy_policy_pack, engine_env
from tests.support.hosts import PLANTED

REPO_ROOT = Path(__file__).resolve().parents[2]
PLUGIN_SOURCE = REPO_ROOT / "provider" / "cmd" / "pulumi-resource-codestar"
EXAMPLES = REPO_ROOT / "examples" / "plugin"
ROLE = "arn:aws:iam::210987654321:role/codestar-reader"
EXTERNAL_ID = "external-id-planted-0001"
_PACKAGES_LINE = re.compile(r"^(  codestar: ).*$", re.MULTILINE)

SDK = REPO_ROOT / "sdk"


def _run(argv: list[str], cwd: Path, timeout: float = 600) -> None:
    completed = subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert completed.returncode == 0, f"{argv} failed:\n{completed.stdout}\n{completed.stderr}"


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What a release publishes (scripts/package-plugin): plugin archive, Python SDK, npm."""
    out = tmp_path_factory.mktemp("release")
    _run([str(REPO_ROOT / "scripts" / "package-plugin"), "--out", str(out)], REPO_ROOT)
    return out


@pytest.fixture(scope="session")
def typescript_sdk(release: Path) -> Path:
    """The npm package a release publishes (sdk/nodejs compiled, packed)."""
    [package] = (release / "nodejs").glob("*.tgz")
    return package


def _prepare(language: str, project: Path, request: pytest.FixtureRequest) -> None:
    """What a user does after copying the example: install its SDK (from this checkout)."""
    if language == "python":
        venv = request.getfixturevalue("plugin_python").parent.parent
        (project / "venv").symlink_to(venv)
    elif language == "typescript":
        package = project / "package.json"
        manifest = json.loads(package.read_text())
        sdk = request.getfixturevalue("typescript_sdk")
        manifest["dependencies"]["@pulumi-codestar-connections/codestar"] = f"file:{sdk}"
        package.write_text(json.dumps(manifest, indent=4))
        _run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], project)
        _run(["npx", "tsc", "--noEmit"], project)  # the program type-checks, strict
    elif language == "go":
        module = project / "go.mod"
        module.write_text(module.read_text().replace("=> ../../../sdk", f"=> {SDK}"))
        _run(["go", "mod", "tidy"], project)


LANGUAGES = ("go", "python", "typescript", "yaml")


def _use_repository_venv(plugin: Path) -> None:
    """Point a plugin folder's virtualenv at the repository's, which holds the package."""
    manifest = plugin / "PulumiPlugin.yaml"
    text = manifest.read_text()
    assert "virtualenv: venv" in text
    manifest.write_text(text.replace("virtualenv: venv", f"virtualenv: {REPO_VENV}"))


@pytest.fixture
def plugin_dir(tmp_path: Path) -> Path:
    """The plugin folder as a user installs it, its virtualenv the repository's."""
    target = tmp_path / "pulumi-resource-codestar"
    shutil.copytree(PLUGIN_SOURCE, target)
    _use_repository_venv(target)
    return target


class Project:
    """One example program in a scratch folder, run by the CLI against the emulator."""

    def __init__(
        self,
        language: str,
        *,
        tmp_path: Path,
        cli: PulumiCLI,
        plugin: Path,
        url: str,
        request: pytest.FixtureRequest,
    ):
        self.directory = tmp_path / language
        shutil.copytree(EXAMPLES / language, self.directory)
        manifest = self.directory / "Pulumi.yaml"
        text, count = _PACKAGES_LINE.subn(rf"\g<1>{plugin}", manifest.read_text())
        assert count == 1, "the example's Pulumi.yaml names the plugin folder under packages:"
        manifest.write_text(text)
        _prepare(language, self.directory, request)
        self.cli = cli
        self.env = engine_env(cli, tmp_path / "scratch", url)

    def pulumi(self, *args: str, check: bool = True) -> str:
        """Stdout and stderr of ``pulumi ARGS``; ``check=False``: it must fail."""
        completed = run_pulumi(self.cli, self.directory, self.env, args, check=check)
        output = completed.stdout + completed.stderr
        if not check:
            assert completed.returncode != 0, output
        return output

    def outputs(self) -> dict[str, Any]:
        completed = run_pulumi(self.cli, self.directory, self.env, ("stack", "output", "--json"))
        outputs: dict[str, Any] = json.loads(completed.stdout)
        return outputs

    def config(self, **values: str) -> None:
        for key, value in values.items():
            self.pulumi("config", "set", key, value)

    def require_status(self, *statuses: str) -> None:
        for index, status in enumerate(statuses):
            self.pulumi("config", "set", "--path", f"requireStatus[{index}]", status)


@pytest.fixture
def projects(
    tmp_path: Path,
    langhost_cli: PulumiCLI,
    plugin_dir: Path,
    emulator: EmulatorClient,
    request: pytest.FixtureRequest,
) -> Callable[[str], Project]:
    """Make the example of a language ready to run (installed, type-checked)."""

    def make(language: str) -> Project:
        return Project(
            language,
            tmp_path=tmp_path,
            cli=langhost_cli,
            plugin=plugin_dir,
            url=emulator.url,
            request=request,
        )

    return make


# A Go program compiles on its first run: minutes with an empty Go build cache.
@pytest.mark.timeout(900)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_plugin_from_each_language_looks_up_gates_and_shows_drift(
    language: str, emulator: EmulatorClient, projects: Callable[[str], Project]
) -> None:
    arn = emulator.create_connection("github-main", tags={"team": "platform"})
    emulator.create_connection("gitlab-main", provider_type="GitLab", status="PENDING")
    project = projects(language)
    project.pulumi("stack", "init", "dev")
    project.config(connectionArn=arn, connectionName="github-main")
    project.require_status("AVAILABLE", "ERROR")

    project.pulumi("up", "--yes")
    outputs = project.outputs()
    assert outputs["connectionArn"] == outputs["byNameArn"] == arn
    assert outputs["connectionStatus"] == outputs["byNameStatus"] == "AVAILABLE"
    assert outputs["tags"] == {"team": "platform"}
    assert sorted(outputs["names"]) == ["github-main", "gitlab-main"]
    assert project.pulumi("preview", "--expect-no-changes")
    # A refresh with nothing changed keeps the inputs the up recorded: still no changes.
    project.pulumi("refresh", "--yes")
    project.pulumi("preview", "--expect-no-changes")

    # Drift: named in a plain preview, with one GetConnection for the one resource.
    emulator.set_status(arn, "ERROR")
    emulator.clear_calls()
    drift = project.pulumi("preview", "--expect-no-changes", "--diff", check=False)
    assert re.search(r"connectionStatus\s*:\s*\"AVAILABLE\"\s*=>\s*\"ERROR\"", drift), drift
    assert len(provider_calls(emulator, "GetConnection")) == 1

    # A refresh brings the outputs up to date; the drift stays visible until `up` accepts it.
    project.pulumi("refresh", "--yes")
    assert "connectionStatus" in project.pulumi("preview", "--expect-no-changes", check=False)
    emulator.clear_calls()
    project.pulumi("up", "--yes", "--skip-preview")  # one engine phase
    assert len(provider_calls(emulator, "GetConnection")) == 1  # Check's; Update reuses it
    assert project.outputs()["connectionStatus"] == "ERROR"
    project.pulumi("preview", "--expect-no-changes")

    # The gate: a status the program does not accept fails the preview, saying what to do.
    emulator.set_status(arn, "PENDING")
    gated = project.pulumi("preview", check=False)
    assert "is PENDING, not AVAILABLE or ERROR as required" in gated, gated
    assert "Update pending connection" in gated
    assert "Traceback" not in _diagnostic(gated)

    # Bad input: refused on its property, before any AWS call.
    emulator.clear_calls()
    project.config(connectionArn="arn:aws:s3:::not-a-connection")
    refused = project.pulumi("preview", check=False)
    assert "connectionArn" in _diagnostic(refused), refused
    assert "Traceback" not in _diagnostic(refused)
    assert provider_calls(emulator, "GetConnection") == []

    # Destroy forgets the connection without a call.
    emulator.set_status(arn, "AVAILABLE")
    project.config(connectionArn=arn)
    emulator.clear_calls()
    project.pulumi("destroy", "--yes")
    assert emulator.calls() == []
    assert emulator.boto3_client().get_connection(ConnectionArn=arn)["Connection"]


@pytest.mark.cold_cache
def test_the_python_sdk_venv_holds_the_generated_sdk_at_this_version(plugin_python: Path) -> None:
    script = "from pulumi_codestar import _utilities as u; print(u.get_version())"
    completed = subprocess.run(
        [str(plugin_python), "-c", script],
        capture_output=True,
        text=True,
        check=True,
    )

    assert completed.stdout.strip() == __version__


def _diagnostic(output: str) -> str:
    """What the engine printed under the Connection in Diagnostics (the program's own lines,
    a Python traceback when the engine stops it after the resource failed, are not ours)."""
    section = output.split("  codestar:index:Connection (connection):", 1)
    assert len(section) == 2, output
    return section[1].split("\n\n", 1)[0]


def test_the_policy_pack_judges_the_plugins_connection_by_its_type_token(
    emulator: EmulatorClient,
    projects: Callable[[str], Project],
    policy_python: Path,
    tmp_path: Path,
) -> None:
    arn = emulator.create_connection("handshake-pending", status="PENDING")
    project = projects("yaml")
    project.pulumi("stack", "init", "dev")
    project.config(connectionArn=arn, connectionName="handshake-pending")
    project.require_status("PENDING", "AVAILABLE")  # the program accepts it; the policy does not
    pack = copy_policy_pack(tmp_path, policy_python)

    failed = project.pulumi("preview", "--policy-pack", str(pack), check=False)

    assert "[mandatory]  codestar-connection-available" in failed, failed
    assert f"connection {arn} is PENDING, not AVAILABLE" in failed
    emulator.set_status(arn, "AVAILABLE")
    passed = project.pulumi("preview", "--policy-pack", str(pack))
    assert "is PENDING" not in passed


def test_the_released_plugin_installs_and_serves_a_program_that_does_not_name_it(
    release: Path,
    emulator: EmulatorClient,
    langhost_cli: PulumiCLI,
    tmp_path: Path,
) -> None:
    [archive] = release.glob(f"pulumi-resource-codestar-v{__version__}.tar.gz")
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked, filter="data")
    assert sorted(p.name for p in unpacked.iterdir()) == [
        "PulumiPlugin.yaml",
        "__main__.py",
        "requirements.txt",
    ]
    _use_repository_venv(unpacked)
    arn = emulator.create_connection("github-main")
    program = tmp_path / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text(
        "name: installed-plugin\nruntime: yaml\nresources:\n  connection:\n"
        f"    type: codestar:Connection\n    properties:\n      connectionArn: {arn}\n"
        "outputs:\n  status: ${connection.connectionStatus}\n"
    )
    env = engine_env(langhost_cli, tmp_path / "scratch", emulator.url)

    run_pulumi(
        langhost_cli,
        program,
        env,
        ("plugin", "install", "resource", "codestar", __version__, "--file", str(unpacked)),
    )
    run_pulumi(langhost_cli, program, env, ("stack", "init", "dev"))
    run_pulumi(langhost_cli, program, env, ("up", "--yes"))
    outputs = run_pulumi(langhost_cli, program, env, ("stack", "output", "--json")).stdout

    assert json.loads(outputs) == {"status": "AVAILABLE"}


def test_a_secret_input_stays_secret_and_no_credential_reaches_state_or_logs(
    emulator: EmulatorClient,
    langhost_cli: PulumiCLI,
    plugin_dir: Path,
    moto_sts: str,
    tmp_path: Path,
) -> None:
    arn = emulator.create_connection("github-main")
    program = tmp_path / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text(
        f"name: plugin-secrets\nruntime: yaml\npackages:\n  codestar: {plugin_dir}\n"
        "resources:\n  connection:\n    type: codestar:Connection\n    properties:\n"
        f"      connectionArn: {arn}\n      assumeRoleArn: {ROLE}\n"
        f"      externalId:\n        fn::secret: {EXTERNAL_ID}\n"
        "outputs:\n  status: ${connection.connectionStatus}\n"
        "  externalId: ${connection.externalId}\n"
    )
    aws = {**PLANTED, "AWS_ENDPOINT_URL_STS": moto_sts}
    env = engine_env(langhost_cli, tmp_path / "scratch", emulator.url, aws=aws)

    def pulumi(*args: str) -> str:
        return run_pulumi(langhost_cli, program, env, args).stdout

    pulumi("stack", "init", "dev")
    up = pulumi("up", "--yes", "--logtostderr", "-v=9")
    exported = pulumi("stack", "export")
    outputs = json.loads(pulumi("stack", "output", "--json"))

    # Read through the role (with the external id), and the id is a secret everywhere after.
    assert outputs == {"status": "AVAILABLE", "externalId": "[secret]"}
    signed = {call["AccessKeyId"] for call in provider_calls(emulator)}
    assert signed and signed <= assumed_role_secrets()
    [resource] = [r for r in json.loads(exported)["deployment"]["resources"] if r.get("id") == arn]
    for where in ("inputs", "outputs"):
        assert resource[where]["externalId"]["4dabf18193072939515e22adb298388d"] == (
            "1b47061264138c4ac30d75fd1eb44270"  # Pulumi's secret signature: ciphertext follows
        )
    assert_no_secret(
        {"`pulumi up -v=9`": up, "`pulumi stack export`": exported},
        {EXTERNAL_ID, *PLANTED.values(), *assumed_role_secrets()},
    )
