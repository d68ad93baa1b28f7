"""How a message names an input: as the program that wrote it spells it.

A Python program passes ``connection_arn=`` to the dynamic resource; a YAML, TypeScript or Go
program sets ``connectionArn`` through the plugin's schema, and its default region is
``codestar:region``, not ``aws:region``. The rules are the same; only the words differ. Each
host runs its steps under its naming (:func:`named`); the dynamic provider's is the default.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from pulumi_codestar_connections.core.records import camel_to_snake

__all__ = ["PYTHON", "SCHEMA", "Naming", "assignment", "label", "named", "region_setting"]


@dataclass(frozen=True, slots=True)
class Naming:
    """The words of one kind of program."""

    label: Callable[[str], str]
    """An input's state name (``connectionArn``) as the program writes it."""
    assign: str
    """How the program sets an input to a value: a format of ``key`` and ``value``."""
    region_setting: str
    """The stack config key of the default region."""


PYTHON = Naming(camel_to_snake, "{key}='{value}'", "aws:region")
SCHEMA = Naming(str, "{key}: {value}", "codestar:region")
_CURRENT: ContextVar[Naming] = ContextVar("naming", default=PYTHON)


@contextlib.contextmanager
def named(naming: Naming) -> Iterator[None]:
    """Messages made in this block (and this thread) use ``naming``."""
    token = _CURRENT.set(naming)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def label(key: str) -> str:
    """``connectionArn`` as the current program writes it."""
    return _CURRENT.get().label(key)


def assignment(key: str, value: str) -> str:
    """Setting ``key`` to ``value``, as the current program writes it."""
    return _CURRENT.get().assign.format(key=label(key), value=value)


def region_setting() -> str:
    """The stack config key of the current program's default region."""
    return _CURRENT.get().region_setting
