"""One import name: ``pulumi_codestar_connections``, never a second copy under another name.

A checkout's root holds ``provider/pulumi_codestar_connections``; with the root on sys.path (as
in a test run or a careless PYTHONPATH), Python could import the package a second time as
``provider.pulumi_codestar_connections``, with classes unequal to the first copy's and state
the other cannot read. The package refuses that name.
"""

from __future__ import annotations

import subprocess
import sys

from .conftest import REPO_ROOT

PROBE = """
import sys
import pulumi_codestar_connections
from pulumi_codestar_connections import Connection
from pulumi_codestar_connections.dynamic.provider import ConnectionProvider

try:
    import provider.pulumi_codestar_connections
except ImportError as error:
    print("refused:", error)
names = [name for name in sys.modules if "pulumi_codestar_connections" in name]
print("copies:", sorted({name.split(".")[0] for name in names}))
print("pickled as:", ConnectionProvider.__module__)
"""


def test_the_package_refuses_a_second_name_and_exists_once() -> None:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO_ROOT,  # the checkout's root first on sys.path
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    lines = completed.stdout.splitlines()
    assert lines[0].startswith(
        "refused: import this package as pulumi_codestar_connections, "
        "not provider.pulumi_codestar_connections"
    )
    assert lines[1] == "copies: ['pulumi_codestar_connections']"
    assert lines[2] == "pickled as: pulumi_codestar_connections.dynamic.provider"
