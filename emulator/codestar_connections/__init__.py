"""CodeStar Connections and CodeConnections: the service the emulator answers.

moto-style: the records and their rules (backend.py, records.py, arns.py, the ``--state``
format in persistence.py), the operations (operations.py), the APIs from botocore's models
(apis.py), and the service the generic plumbing in ``emulator.core`` drives (service.py).
"""

from __future__ import annotations

from emulator.codestar_connections.service import CodestarConnections

__all__ = ["CodestarConnections"]
