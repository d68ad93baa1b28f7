"""What both provider hosts share: the resource's inputs, the stack's settings, the reader.

:mod:`.inputs` validates a ``Connection``'s inputs into a lookup (:mod:`.naming`: how messages
name them, per host); :mod:`.stack_config` reads the stack config and the ``codestar:*``
settings; :mod:`.reader` makes each lookup with those defaults and :mod:`.prefetch` starts the
lookups the stack config names early; :mod:`.steps` is what each engine step does. The hosts
are :mod:`..dynamic` (Python programs) and :mod:`..plugin` (every language).
"""

from __future__ import annotations

__all__: list[str] = []
