"""Imports point one way: core <- aws <- engine <- dynamic and plugin; aws <- cli.

The core imports neither Pulumi nor botocore.

Read from the source (every import statement, module level or inside a function), so a lazy
import that crosses a layer is caught too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.imports import imported

PACKAGE = Path(__file__).resolve().parents[2] / "provider" / "pulumi_codestar_connections"
# What each layer may import from the package (besides itself and the top-level _version).
ALLOWED = {
    "core": set(),
    "aws": {"core"},
    "engine": {"core", "aws"},
    "dynamic": {"core", "aws", "engine"},
    "plugin": {"core", "aws", "engine"},
    "cli": {"core", "aws"},
}
FORBIDDEN_THIRD_PARTY = {
    "core": {"pulumi", "botocore", "boto3"},
    "aws": {"pulumi"},
    "cli": {"pulumi"},
}


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_a_layer_imports_only_the_layers_beneath_it(layer: str) -> None:
    crossing = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for name in imported(path, PACKAGE.parent):
            parts = name.split(".")
            if parts[0] == "pulumi_codestar_connections" and len(parts) > 1:
                target = parts[1]
                if target not in {layer, "_version", *ALLOWED[layer]}:
                    crossing.append(f"{path.relative_to(PACKAGE)} imports {name}")
            elif parts[0] in FORBIDDEN_THIRD_PARTY.get(layer, set()):
                crossing.append(f"{path.relative_to(PACKAGE)} imports {name}")

    assert crossing == []


def test_the_check_sees_relative_and_lazy_imports() -> None:
    names = imported(PACKAGE / "engine" / "reader.py", PACKAGE.parent)

    assert "pulumi_codestar_connections.aws" in names  # a lazy import inside a method
    assert "pulumi_codestar_connections.engine.prefetch" in names  # `from .prefetch import`
