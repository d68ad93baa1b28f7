"""The tools some tests need, each from one session fixture that makes it when it is missing.

    pulumi_cli         the Pulumi CLI, once with each Python language host (devkit/pulumi_cli.py):
                       every test that asks for it runs under Pulumi's own host and under ours
    langhost_cli       the Pulumi CLI with the repository's host only (tests of that host)
    aws_cli            the AWS CLI, in its own cached venv (devkit/tools.py)
    policy_python      the policy pack's venv (pulumi + pulumi-policy)
    examples_python    the examples' venv (pulumi-aws, pulumi-policy, the test runner)
    plugin_python      the venv of a program on the plugin's generated Python SDK
    actionlint         actionlint, built from its Go module (the workflows cannot run here)
    chromium           Debian's Chromium (/usr/bin/chromium), apt-get installed when missing (as
                       root): the HTML inventory report is tested in a real headless browser

No test may count on another having run first or on what an earlier run left in a cache: a
tool is looked for, and built when missing, by the fixture of the test that needs it. A tool
that cannot be made fails those tests on CI and skips them loudly elsewhere.

``--cold-cache-job`` (``scripts/test --cold``, run by CI with empty caches) runs only the tests
marked ``cold_cache``, and refuses to start unless they ask for every tool fixture (and every
host): each fixture is then seen building its tool from nothing, and the tool working.
"""

from __future__ import annotations

import fcntl
import functools
import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

import pytest

from devkit.pulumi_cli import HOSTS, REPO_VENV, Host, PulumiCLI, PulumiUnavailable, install
from devkit.tools import (
    ACTIONLINT,
    AWS_CLI,
    EXAMPLES,
    PLUGIN_PYTHON,
    POLICY,
    GoTool,
    Tool,
    ToolUnavailable,
    cache_root,
    run_step,
)
from tests.support.required import unavailable

__all__ = [
    "TOOL_FIXTURES",
    "actionlint",
    "aws_cli",
    "chromium",
    "examples_python",
    "langhost_cli",
    "plugin_python",
    "policy_python",
    "pulumi_cli",
    "pytest_addoption",
    "pytest_collection_modifyitems",
    "pytest_terminal_summary",
]

# Every fixture here that makes a tool, with the ids of its params (None: not parametrized).
TOOL_FIXTURES: dict[str, tuple[str, ...] | None] = {
    "pulumi_cli": tuple(f"{host}-host" for host in HOSTS),
    "langhost_cli": None,
    "aws_cli": None,
    "policy_python": None,
    "examples_python": None,
    "plugin_python": None,
    "actionlint": None,
    "chromium": None,
}


# Seconds each tool took to find or build this session (the terminal summary shows them: a
# cold cache shows as minutes).
_SECONDS: dict[str, float] = {}


@functools.cache
def _installed(host: Host) -> PulumiCLI | str:
    """The CLI with ``host``, or why it cannot be had (asked once per session and host)."""
    if not (REPO_VENV / "bin" / "python").is_file():
        return f"{REPO_VENV} is missing (scripts/bootstrap makes it); programs run in it"
    started = time.monotonic()
    try:
        return install(host)
    except PulumiUnavailable as error:
        return str(error)
    finally:
        _SECONDS[f"the Pulumi CLI ({host} host)"] = time.monotonic() - started


def _cli(host: Host) -> PulumiCLI:
    cli = _installed(host)
    if isinstance(cli, str):
        unavailable(
            f"the Pulumi CLI with the {host} language host",
            f"ENGINE TESTS SKIPPED, Pulumi CLI ({host} host) unavailable",
            cli,
        )
    return cli


@pytest.fixture(scope="session", params=HOSTS, ids=TOOL_FIXTURES["pulumi_cli"])
def pulumi_cli(request: pytest.FixtureRequest) -> PulumiCLI:
    """The real Pulumi CLI, with Pulumi's own Python language host and with the repository's."""
    host: Host = request.param
    return _cli(host)


@pytest.fixture(scope="session")
def langhost_cli() -> PulumiCLI:
    """The real Pulumi CLI with the repository's language host (its own tests)."""
    return _cli("langhost")


def _cached_tool(tool: Tool | GoTool) -> Path:
    started = time.monotonic()
    try:
        executable = tool.ensure()
    except ToolUnavailable as error:
        unavailable(
            f"{tool.name} ({tool.purpose})",
            f"SKIPPED, {tool.name} is unavailable",
            str(error),
        )
    finally:
        _SECONDS[tool.name] = time.monotonic() - started
    assert executable is not None
    return executable


@pytest.fixture(scope="session")
def aws_cli() -> Path:
    """The ``aws`` executable (AWS CLI v1) of its cached venv."""
    return _cached_tool(AWS_CLI)


@pytest.fixture(scope="session")
def policy_python() -> Path:
    """The interpreter of the policy pack's venv (pulumi + pulumi-policy, nothing else)."""
    return _cached_tool(POLICY)


@pytest.fixture(scope="session")
def examples_python() -> Path:
    """The interpreter of the examples' venv (pulumi-aws, pulumi-policy, pytest)."""
    return _cached_tool(EXAMPLES)


@pytest.fixture(scope="session")
def plugin_python() -> Path:
    """The interpreter of a venv with Pulumi and the plugin's Python SDK (sdk/python)."""
    return _cached_tool(PLUGIN_PYTHON)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--cold-cache-job",
        action="store_true",
        help="run only the tests marked cold_cache, which must ask for every tool fixture "
        "(CI runs them with empty caches: scripts/test --cold)",
    )


def _asked_for(items: Iterable[pytest.Item]) -> set[str]:
    """The tool fixtures the items ask for: ``name``, or ``name[param id]`` if parametrized."""
    asked: set[str] = set()
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        for name in set(getattr(item, "fixturenames", ())) & TOOL_FIXTURES.keys():
            ids = TOOL_FIXTURES[name]
            if ids is None:
                asked.add(name)
            elif name in params:
                asked.add(f"{name}[{ids[HOSTS.index(params[name])]}]")
    return asked


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--cold-cache-job"):
        return
    kept = [item for item in items if item.get_closest_marker("cold_cache")]
    wanted = {
        f"{name}[{i}]" if ids else name for name, ids in TOOL_FIXTURES.items() for i in ids or [""]
    }
    missing = wanted - _asked_for(kept)
    if missing:
        raise pytest.UsageError(
            f"the cold-cache job would not build {', '.join(sorted(missing))}: mark a test "
            "that asks for each @pytest.mark.cold_cache"
        )
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = kept


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _SECONDS:
        found = ", ".join(f"{tool} {seconds:.1f} s" for tool, seconds in sorted(_SECONDS.items()))
        terminalreporter.write_line(f"tools found or built: {found}")


@pytest.fixture(scope="session")
def actionlint() -> Path:
    """actionlint, built from its Go module."""
    return _cached_tool(ACTIONLINT)


# Debian's package: the registries reach Debian's archive, and no browser build of Playwright's
# own can be downloaded here. The chromium-driver package is not needed (Playwright speaks CDP).
CHROMIUM = Path("/usr/bin/chromium")


def _ensure_chromium() -> Path:
    """/usr/bin/chromium, installed first with apt-get when it is missing.

    apt installs system-wide, not under the cache: a machine that has it keeps it, and the
    cold-cache job sees it installed only on a machine that never had it. apt-get needs root
    (as on CI and the developers' machines here); anywhere else the tests skip (fail on CI).
    """
    if not CHROMIUM.is_file():
        apt_get = shutil.which("apt-get")
        if apt_get is None or os.geteuid() != 0:
            raise ToolUnavailable(f"{CHROMIUM} is missing; `apt-get install chromium` (as root)")
        cache_root().mkdir(parents=True, exist_ok=True)
        with (cache_root() / ".chromium.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not CHROMIUM.is_file():
                # Wait for another apt (up to the step's limit) rather than fail on its lock.
                apt = [apt_get, "-q", "-o", "DPkg::Lock::Timeout=600"]
                run_step([*apt, "update"], DEBIAN_FRONTEND="noninteractive")
                run_step(
                    [*apt, "install", "-y", "--no-install-recommends", "chromium"],
                    DEBIAN_FRONTEND="noninteractive",
                )
    run_step([str(CHROMIUM), "--version"], timeout=60)  # it runs, not only exists
    return CHROMIUM


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium, for tests in a real headless browser (driven by Playwright)."""
    started = time.monotonic()
    try:
        return _ensure_chromium()
    except ToolUnavailable as error:
        unavailable(
            "Chromium (the HTML report's browser tests)",
            "SKIPPED, Chromium is unavailable",
            str(error),
        )
    finally:
        _SECONDS["chromium"] = time.monotonic() - started
