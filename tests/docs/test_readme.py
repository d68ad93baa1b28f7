"""The README a newcomer reads first: complete samples, the map early, the product only."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
README = REPO_ROOT / "README.md"
DOCS = sorted(
    [README, REPO_ROOT / "CONTRIBUTING.md", *(REPO_ROOT / "examples").rglob("README.md")],
    key=str,
)


def python_samples(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(), re.DOTALL)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_docs_speak_of_the_product_not_of_a_tracker(doc: Path) -> None:
    text = doc.read_text()

    assert not re.search(r"\b[Ii]ssues? #?\d+|(?<![\w/&])#\d+\b", text), doc


def test_every_python_sample_in_the_readme_is_complete_code(tmp_path: Path) -> None:
    samples = python_samples(README)
    for index, sample in enumerate(samples):
        (tmp_path / f"sample_{index}.py").write_text(sample.replace("…", ""))

    # Undefined names (a sample using pulumi.export without importing pulumi) and syntax.
    completed = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "F,E9", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert len(samples) >= 2
    assert completed.returncode == 0, completed.stdout


def test_the_first_screen_has_the_install_a_complete_example_the_two_commands_and_the_map() -> None:
    text = README.read_text()
    first_screen = text[: text.index("## The map") + len("## The map")]

    assert "pip install pulumi-codestar-connections" in first_screen
    assert "from pulumi_codestar_connections import Connection" in first_screen
    assert "./scripts/demo" in first_screen and "./scripts/test" in first_screen
    assert len(first_screen.splitlines()) < 60
    assert "(CONTRIBUTING.md)" in text
