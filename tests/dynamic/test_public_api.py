"""The public surface: ``pulumi_codestar_connections`` exports the two resources and the errors,
each from its one home, and nothing else by accident."""

from __future__ import annotations

import subprocess
import sys

import pytest

import pulumi_codestar_connections as package
from pulumi_codestar_connections.core import errors
from pulumi_codestar_connections.dynamic import resource


def test_all_names_the_resources_the_errors_and_the_version() -> None:
    assert sorted(package.__all__) == sorted(
        ["Connection", "Connections", *errors.__all__, "__version__"]
    )


def test_every_public_name_resolves_to_its_one_home() -> None:
    assert package.Connection is resource.Connection
    assert package.Connections is resource.Connections
    for name in errors.__all__:
        assert getattr(package, name) is getattr(errors, name)


def test_the_resources_load_only_when_asked_for() -> None:
    # The CLI shares the package and must start without the Pulumi SDK.
    probe = (
        "import sys, pulumi_codestar_connections as p\n"
        "print('pulumi' in sys.modules)\n"
        "p.Connections\n"
        "print('pulumi' in sys.modules)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )

    assert completed.stdout.split() == ["False", "True"]


def test_an_unknown_name_is_refused() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'Connectionz'"):
        getattr(package, "Connectionz")  # noqa: B009
