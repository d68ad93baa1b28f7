"""The examples' Python passes the project's strict mypy, like the rest of the repository,
and so do the benchmark's floor programs (bench/floor: a program and a plugin folder).

Each example's entry point is a ``__main__.py``, which one mypy run would take for the same
module several times (pyproject.toml excludes examples/ and bench/floor/ from ``mypy .`` for
that reason). Here each is copied under a name of its own — its folder's — and all are checked
in one run with the project's configuration; errors are reported against the original
paths. pulumi-aws and pulumi-policy are not installed in this virtualenv: the configuration
types them as Any.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.examples.mocks import EXAMPLES

REPO_ROOT = EXAMPLES.parent
FLOOR = REPO_ROOT / "bench" / "floor"
_TIMEOUT_SECONDS = 600


def example_sources() -> list[Path]:
    return sorted(
        path
        for path in EXAMPLES.rglob("*.py")
        # plugin/python runs on the generated SDK (sdk/python, not in this venv): the engine
        # test runs it, in the venv that holds the SDK.
        if not {".venv", "venv", "__pycache__", "plugin"} & set(path.relative_to(EXAMPLES).parts)
    )


def floor_sources() -> list[Path]:
    return sorted(path for path in FLOOR.rglob("*.py") if path.parent != FLOOR)


def test_examples_pass_strict_mypy(tmp_path: Path) -> None:
    copies: dict[Path, Path] = {}
    for source in [*example_sources(), *floor_sources()]:
        relative = source.relative_to(FLOOR if source.is_relative_to(FLOOR) else EXAMPLES)
        if source.name == "__main__.py":
            name = "_".join(relative.parent.parts).replace("-", "_") + "__main__.py"
        else:
            name = source.name  # a module the example imports by this name
        assert tmp_path / name not in copies, f"{source} and {copies[tmp_path / name]}: one name"
        copies[tmp_path / name] = source
        shutil.copyfile(source, tmp_path / name)
    assert len(copies) >= 10

    completed = subprocess.run(
        [
            *(sys.executable, "-m", "mypy"),
            *("--config-file", str(REPO_ROOT / "pyproject.toml")),
            *(str(copy) for copy in sorted(copies)),
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "MYPYPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=_TIMEOUT_SECONDS,
        check=False,
    )

    report = completed.stdout + completed.stderr
    for copy, source in copies.items():
        report = report.replace(str(copy), str(source.relative_to(REPO_ROOT)))
    assert completed.returncode == 0, report
