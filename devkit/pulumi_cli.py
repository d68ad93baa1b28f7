"""The real Pulumi CLI with a Python language host, as scripts/install-pulumi-cli lays it out.

Two hosts can run a Python program on the engine, each in its own bin directory:

    pulumi     Pulumi's own host (Go), the code a user's Pulumi installation runs, built from the
               newest ``sdk/v3`` module that still contains it. It predates the engine sending
               Pulumi.yaml's ``virtualenv`` option over RPC and runs ``python3`` from PATH, so
               the program's virtualenv goes first on PATH, as a user's activated venv would.
    langhost   the repository's host (package ``langhost``): the current protocol, reads the
               ``virtualenv`` option, and runs Python plugins (``RunPlugin``) for new engines.

:func:`install` runs the script (a no-op when the layout is complete; a cold build takes
minutes) and :meth:`PulumiCLI.environment` gives the offline environment every run here uses.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from .tools import ToolUnavailable, run_step

__all__ = [
    "HOSTS",
    "INSTALL_SCRIPT",
    "PULUMI_HOST_RUNS_NO_PLUGINS",
    "REPO_VENV",
    "Host",
    "PulumiCLI",
    "PulumiUnavailable",
    "install",
]

REPO_ROOT = Path(__file__).resolve().parents[1]
INSTALL_SCRIPT = REPO_ROOT / "scripts" / "install-pulumi-cli"
REPO_VENV = REPO_ROOT / ".venv"
Host = Literal["pulumi", "langhost"]
HOSTS: tuple[Host, ...] = get_args(Host)
# Why Python plugins (policy packs, provider plugins) run only under the repository's host here.
PULUMI_HOST_RUNS_NO_PLUGINS = (
    "Pulumi's Python host v3.79 (the newest this machine's module proxy serves) cannot run a "
    "Python plugin for a v3.260 engine: asked to RunPlugin a policy pack, it runs the program's "
    "folder instead of the pack's ('could not read plugin [...]: exit status 1'); a current "
    "Pulumi installation's host runs them"
)
# Long enough for a cold build of the CLI (about 10 minutes on two cores, 13 when busy).
_INSTALL_TIMEOUT_SECONDS = 2400


class PulumiUnavailable(ToolUnavailable):
    """The CLI or the host could not be installed; the message says why."""


@dataclass(frozen=True)
class PulumiCLI:
    """A bin directory holding ``pulumi`` and the Python language host ``host``."""

    bin_dir: Path
    host: Host

    @classmethod
    def at(cls, bin_dir: Path) -> PulumiCLI:
        """The layout in ``bin_dir``, its host read from the ``.host`` file the script writes."""
        try:
            marker = (bin_dir / ".host").read_text().split()
        except OSError as error:
            raise PulumiUnavailable(f"{bin_dir} is not laid out by {INSTALL_SCRIPT}") from error
        host = marker[0] if marker else ""
        if host not in HOSTS:
            raise PulumiUnavailable(f"{bin_dir / '.host'} names an unknown host: {marker}")
        return cls(bin_dir, host)

    @property
    def executable(self) -> Path:
        return self.bin_dir / "pulumi"

    @property
    def runs_plugins(self) -> bool:
        """Whether the host can start Python plugins (see PULUMI_HOST_RUNS_NO_PLUGINS)."""
        return self.host == "langhost"

    def path(self, venv: Path, rest: str) -> str:
        """PATH for running programs whose virtualenv is ``venv``: this bin directory first.

        Pulumi's host runs ``python3`` from PATH, so ``venv``'s ``bin`` goes before it (what
        activating the venv does); the repository's host reads the ``virtualenv`` option.
        """
        first = [str(venv / "bin")] if self.host == "pulumi" else []
        return os.pathsep.join([*first, str(self.bin_dir), *([rest] if rest else [])])

    def environment(
        self, scratch: Path, *, venv: Path = REPO_VENV, base: Mapping[str, str] | None = None
    ) -> dict[str, str]:
        """A hermetic, offline environment for Pulumi runs rooted in ``scratch``.

        A private PULUMI_HOME, a file backend, a passphrase secrets provider, no update checks,
        no plugin downloads, and the CLI (with ``venv`` for Pulumi's host) first on PATH.
        """
        home, state = scratch / "pulumi-home", scratch / "pulumi-state"
        home.mkdir(parents=True, exist_ok=True)
        state.mkdir(parents=True, exist_ok=True)
        # Inherited PULUMI_* settings (a logged-in backend, a token, a default org), PYTHONPATH
        # and an activated venv would make runs depend on the machine they happen on.
        env = {
            k: v
            for k, v in (os.environ if base is None else base).items()
            if not k.startswith("PULUMI_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")
        }
        env.update(
            {
                "PULUMI_HOME": str(home),
                "PULUMI_BACKEND_URL": state.as_uri(),
                "PULUMI_CONFIG_PASSPHRASE": "offline-sandbox",
                "PULUMI_SKIP_UPDATE_CHECK": "true",
                "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
                "PATH": self.path(venv, env.get("PATH", "")),
            }
        )
        return env


def install(host: Host) -> PulumiCLI:
    """The CLI with ``host``, laid out by scripts/install-pulumi-cli (built first if missing)."""
    try:
        printed = run_step([str(INSTALL_SCRIPT), "--host", host], timeout=_INSTALL_TIMEOUT_SECONDS)
    except ToolUnavailable as error:
        raise PulumiUnavailable(str(error)) from error
    lines = printed.strip().splitlines()
    if not lines:
        raise PulumiUnavailable(f"{INSTALL_SCRIPT.name} printed no bin directory")
    cli = PulumiCLI.at(Path(lines[-1]))
    if cli.host != host or not cli.executable.is_file():
        raise PulumiUnavailable(f"{cli.bin_dir} does not hold pulumi with the {host} host")
    return cli
