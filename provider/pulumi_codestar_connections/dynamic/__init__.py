"""The Python dynamic provider: the ``Connection`` resource and its lifecycle.

:mod:`.resource` is what programs construct; :mod:`.provider` is the ``ResourceProvider`` the
engine drives (pickled by reference into state: its module path is a public contract);
:mod:`.inputs` validates the resource's inputs; :mod:`.stack_config` reads the program's stack
config and the ``codestar:*`` settings; :mod:`.reader` makes each lookup with those defaults,
and :mod:`.prefetch` starts the lookups the stack config names early.
"""

from __future__ import annotations

__all__: list[str] = []
