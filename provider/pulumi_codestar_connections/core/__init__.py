"""The rules every host shares: ARNs, the vocabulary, validation, records, statuses, errors.

Pure: no network, no client, no Pulumi. The only I/O is reading botocore's bundled data files
(partitions and service models, :mod:`.botocore_data`), so that a Pulumi program validating its
inputs never imports botocore. Everything else in the package imports from here; this imports
nothing else of the package.
"""

from __future__ import annotations

__all__: list[str] = []
