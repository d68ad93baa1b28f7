"""Which Python runs a Pulumi program, and with what environment.

This mirrors the `pip` toolchain of Pulumi's Go language host (sdk/python/toolchain/pip.go): the
`runtime.options` of Pulumi.yaml select a virtual environment, relative paths are resolved against
the project root (the directory holding Pulumi.yaml), and the program is started with that
environment's `bin/python` and an "activated" environment (venv `bin` first on PATH, VIRTUAL_ENV
set, PYTHONHOME removed). Only the pip toolchain exists here: poetry and uv would have to resolve
or create environments through the network, which this offline host deliberately never does.
"""

from __future__ import annotations

import enum
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "PythonOptions",
    "RuntimeOptionsError",
    "Toolchain",
    "TypeChecker",
    "VirtualEnvError",
    "activate_virtualenv",
    "is_virtualenv",
    "parse_options",
    "python_command",
]


class RuntimeOptionsError(ValueError):
    """`runtime.options` in Pulumi.yaml has a value this host cannot honour."""


class VirtualEnvError(RuntimeError):
    """The configured virtual environment is missing or is not a virtual environment."""


class Toolchain(enum.Enum):
    # AUTO is what the Go host uses when no `toolchain` option is given; it then looks for
    # uv.lock/poetry.lock and otherwise falls back to pip. We only implement the pip fallback.
    AUTO = "auto"
    PIP = "pip"
    POETRY = "poetry"
    UV = "uv"


class TypeChecker(enum.Enum):
    NONE = "none"
    MYPY = "mypy"
    PYRIGHT = "pyright"


@dataclass(frozen=True)
class PythonOptions:
    """The subset of `runtime.options` that changes how a program is run."""

    root: Path
    program_dir: Path
    virtualenv: str = ""
    toolchain: Toolchain = Toolchain.AUTO
    typechecker: TypeChecker = TypeChecker.NONE

    @property
    def virtualenv_path(self) -> Path | None:
        """Absolute venv path, or None to use the ambient interpreter.

        Relative paths are joined to the project root, not to the program directory or the
        process cwd: that is what the Go host does (resolveVirtualEnvironmentPath), so a
        Pulumi.yaml with `main: src/` still finds `venv` next to Pulumi.yaml.
        """
        if not self.virtualenv:
            return None
        path = Path(self.virtualenv)
        return path if path.is_absolute() else self.root / path


def _string_option(options: Mapping[str, object], key: str) -> str | None:
    value = options.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise RuntimeOptionsError(f"{key} option must be a string")
    return value


def parse_options(
    root: str, program_dir: str, options: Mapping[str, object], *, is_plugin: bool = False
) -> PythonOptions:
    """Validate `runtime.options` the way the Go host does and return them typed.

    Unknown options are ignored (the Go host ignores them too); known options with a wrong type
    or an unsupported value are errors, because silently running with the wrong interpreter is
    worse than failing.
    """
    virtualenv = _string_option(options, "virtualenv") or ""

    typechecker = TypeChecker.NONE
    raw_checker = _string_option(options, "typechecker")
    if raw_checker is not None:
        try:
            typechecker = TypeChecker(raw_checker)
        except ValueError:
            raise RuntimeOptionsError(f"unsupported typechecker option: {raw_checker}") from None
        if typechecker is TypeChecker.NONE:
            # "none" is our internal spelling, not a value Pulumi.yaml accepts.
            raise RuntimeOptionsError(f"unsupported typechecker option: {raw_checker}")

    toolchain = Toolchain.AUTO
    raw_toolchain = _string_option(options, "toolchain")
    if raw_toolchain is not None:
        try:
            toolchain = Toolchain(raw_toolchain)
        except ValueError:
            raise RuntimeOptionsError(f"unsupported toolchain option: {raw_toolchain}") from None
        if toolchain is Toolchain.AUTO:
            raise RuntimeOptionsError(f"unsupported toolchain option: {raw_toolchain}")
    if toolchain in (Toolchain.POETRY, Toolchain.UV):
        raise RuntimeOptionsError(
            f"toolchain {toolchain.value!r} is not supported by this offline language host; "
            "use `toolchain: pip` with a `virtualenv` option"
        )

    # Plugins never run in the ambient interpreter: the Go host defaults them to `venv`.
    if is_plugin and not virtualenv:
        virtualenv = "venv"

    return PythonOptions(
        root=Path(root) if root else Path(program_dir or "."),
        program_dir=Path(program_dir or root or "."),
        virtualenv=virtualenv,
        toolchain=toolchain,
        typechecker=typechecker,
    )


def is_virtualenv(path: Path) -> bool:
    """A directory is a venv when it has `bin/python` (the Go host's IsVirtualEnv test)."""
    return (path / "bin" / "python").is_file()


def _virtualenv_error(option: str, path: Path) -> VirtualEnvError:
    problem = "doesn't exist" if not path.exists() else "doesn't appear to be a virtual environment"
    return VirtualEnvError(
        f"The 'virtualenv' option in Pulumi.yaml is set to {option!r}, but {str(path)!r} "
        f"{problem}; create it and install the program's requirements into it:\n\n"
        f"    1. python3 -m venv {path}\n"
        f"    2. {path}/bin/python -m pip install -r requirements.txt\n\n"
        "(this language host never creates virtual environments itself: it runs offline)"
    )


def activate_virtualenv(environ: Mapping[str, str], venv: Path) -> dict[str, str]:
    """Return `environ` as `source venv/bin/activate` would leave it.

    PYTHONHOME is dropped because it would make the venv interpreter load another
    installation's standard library.
    """
    env = {k: v for k, v in environ.items() if k not in ("PYTHONHOME", "VIRTUAL_ENV")}
    venv_bin = str(venv / "bin")
    path = env.get("PATH")
    env["PATH"] = f"{venv_bin}{os.pathsep}{path}" if path else venv_bin
    env["VIRTUAL_ENV"] = str(venv)
    return env


def python_command(opts: PythonOptions, environ: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """The interpreter to run and the environment to run it with.

    Without a virtualenv the Go host looks up PULUMI_PYTHON_CMD, then python3, then python on
    PATH; we do the same so that behaviour does not change when swapping hosts.
    """
    venv = opts.virtualenv_path
    if venv is not None:
        if not is_virtualenv(venv):
            raise _virtualenv_error(opts.virtualenv, venv)
        return str(venv / "bin" / "python"), activate_virtualenv(environ, venv)

    search_path = environ.get("PATH")
    candidates = (
        [environ["PULUMI_PYTHON_CMD"]]
        if environ.get("PULUMI_PYTHON_CMD")
        else [
            "python3",
            "python",
        ]
    )
    for candidate in candidates:
        found = shutil.which(candidate, path=search_path)
        if found:
            return found, dict(environ)
    raise VirtualEnvError(
        f"failed to locate any of {candidates} on your PATH; set `virtualenv` in the "
        "runtime options of Pulumi.yaml or install Python 3"
    )
