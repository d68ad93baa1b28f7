"""What a source file imports, read from its syntax tree (module level and inside functions)."""

from __future__ import annotations

import ast
from pathlib import Path

__all__ = ["imported"]


def imported(path: Path, root: Path) -> set[str]:
    """Absolute names of every module ``path`` imports, relative ones resolved.

    ``root`` is the folder its top-level package sits in (its names start there).
    """
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            names.add(".".join(part for part in (base, node.module or "") if part))
    return names
