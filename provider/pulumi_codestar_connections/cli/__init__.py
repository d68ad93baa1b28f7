"""``codestar-connection``: connection facts for pipelines, without Pulumi.

:func:`main` is the console script; ``python -m pulumi_codestar_connections`` runs it too.
"""

from __future__ import annotations

from .main import main

__all__ = ["main"]
