"""The Python dynamic provider: the ``Connection`` and ``Connections`` resources, their providers.

:mod:`.resource` is what programs construct; :mod:`.provider` holds the ``ResourceProvider``
classes the engine drives (pickled by reference into state: their module path is a public
contract). Both build on :mod:`..engine`, which the provider plugin shares.
"""

from __future__ import annotations

__all__: list[str] = []
