"""The Python dynamic provider: the ``Connection`` resource and its provider.

:mod:`.resource` is what programs construct; :mod:`.provider` is the ``ResourceProvider`` the
engine drives (pickled by reference into state: its module path is a public contract). Both
build on :mod:`..engine`, which the provider plugin shares.
"""

from __future__ import annotations

__all__: list[str] = []
