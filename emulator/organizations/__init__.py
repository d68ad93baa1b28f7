"""AWS Organizations: the organization, its root, OUs and accounts, read through the API.

moto-style: the records and their rules (backend.py, records.py, ids.py), AWS's errors
(errors.py), the operations (operations.py), the API from botocore's model (apis.py), and the
service the generic plumbing in ``emulator.core`` drives (service.py).
"""

from __future__ import annotations

from emulator.organizations.service import Organizations

__all__ = ["Organizations"]
