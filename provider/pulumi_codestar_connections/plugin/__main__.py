"""``python -m pulumi_codestar_connections.plugin <engine address>``: serve the plugin."""

from __future__ import annotations

from .server import main

main()
