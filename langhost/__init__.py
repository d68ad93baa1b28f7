"""A minimal Pulumi language host for Python programs, written in Python.

Pulumi's own host (`pulumi-language-python`, a Go module) cannot be fetched on this machine, so
`scripts/install-pulumi-cli` installs a shim under that name which runs `python -m langhost`.
It implements the `pulumirpc.LanguageRuntime` service with the SDK's generated gRPC stubs and
runs programs through the SDK's `pulumi-language-python-exec` script, as the Go host does.
"""

from __future__ import annotations

__all__: list[str] = []
