"""botocore's bundled data files (partitions, service models), read as files.

Not through ``botocore.loaders``: importing botocore (and urllib3 with it) costs a Pulumi
program, which only validates inputs, a quarter of a second, and triples the time the CLI takes
to reject a bad ARN. The files are the same ones botocore reads; only the loading is ours.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
from pathlib import Path
from typing import Any

__all__ = ["load_data", "load_service_model"]


def _data_dir() -> Path:
    spec = importlib.util.find_spec("botocore")
    assert spec is not None and spec.submodule_search_locations, "botocore is not installed"
    return Path(spec.submodule_search_locations[0]) / "data"


def load_data(*parts: str) -> Any:
    """A JSON file under botocore/data (``name.json``, or ``name.json.gz`` as newer wheels ship)."""
    path = _data_dir().joinpath(*parts)
    if path.exists():
        return json.loads(path.read_bytes())
    return json.loads(gzip.decompress(path.with_name(path.name + ".gz").read_bytes()))


def load_service_model(service: str) -> Any:
    """The newest ``service-2`` model of ``service``, as botocore would choose it."""
    newest = max(p.name for p in (_data_dir() / service).iterdir() if p.is_dir())
    return load_data(service, newest, "service-2.json")
