"""A state file: a JSON document replaced atomically, read back strictly.

A service decides what its document holds (codestar_connections/persistence.py); this keeps the
file itself safe: a reader, or a restart after ``kill -9``, sees the old document or the new one,
never half of one, and a file that exists but cannot be used is an error, never an empty start.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

__all__ = ["StateFileError", "read_document", "write_document"]


class StateFileError(Exception):
    """The state file exists but cannot be used; starting empty would silently lose it."""


def write_document(path: Path, document: object) -> None:
    """Write ``document`` as JSON beside ``path``, then rename it over ``path``.

    No fsync: surviving a process kill is the goal, not surviving a power cut.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=1)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def read_document(path: Path) -> object | None:
    """The JSON document in ``path``; None when the file does not exist yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StateFileError(f"cannot read state file {path}: {error}") from error
    try:
        document: object = json.loads(text)
    except ValueError as error:
        raise StateFileError(f"state file {path} is not valid: {error}") from error
    return document
