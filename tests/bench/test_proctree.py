"""The benchmarks' process roles: each process of a `pulumi` run is counted where it belongs."""

from __future__ import annotations

import pytest

from bench.proctree import role_of
from pulumi_codestar_connections.engine.lookup_process import child_argv


@pytest.mark.parametrize(
    ("command", "role"),
    [
        (" ".join(child_argv()), "lookup process (prefetch)"),
        ("/p/.venv/bin/python -u -m pulumi.dynamic 127.0.0.1:40000", "provider host (dynamic)"),
        ("python -m pulumi_codestar_connections.plugin 127.0.0.1:1", "provider plugin"),
        ("python -P -m langhost -use-executor x 127.0.0.1:1", "language host"),
        ("/bin/sh -c true", "other"),
    ],
)
def test_each_process_has_its_role(command: str, role: str) -> None:
    assert role_of(command) == role
