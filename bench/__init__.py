"""Benchmarks: how close reading a connection is to one round trip per connection.

Every figure is a ratio against a baseline measured in the same run, reported as the median and
the min to max over repeated runs. ``python -m bench`` runs them all (``--quick`` for the smoke
mode), prints a table and writes ``bench/results.json``; ``bench/RESULTS.md`` records a full run.
"""

from __future__ import annotations

__all__: list[str] = []
