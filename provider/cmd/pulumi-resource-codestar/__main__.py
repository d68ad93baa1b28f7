"""The `codestar` provider plugin: the engine runs this folder with the venv's python."""

from pulumi_codestar_connections.plugin.server import main

main()
