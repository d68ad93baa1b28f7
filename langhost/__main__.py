"""`python -m langhost`: the Pulumi Python language host (see langhost.server)."""

from __future__ import annotations

from langhost.server import main

__all__: list[str] = []

if __name__ == "__main__":
    raise SystemExit(main())
