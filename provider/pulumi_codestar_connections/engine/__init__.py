"""What both provider hosts share: the resources' inputs, the stack's settings, the reader.

:mod:`.inputs` validates a ``Connection``'s inputs into a lookup and a listing's into a
listing (:mod:`.naming`: how messages name them, per host); :mod:`.stack_config` reads the
stack config and the ``codestar:*`` settings; :mod:`.reader` makes each lookup with those
defaults and :mod:`.prefetch` starts the lookups the stack config names early (many of them
in a child process: :mod:`.lookup_process`); :mod:`.steps` is what each engine step does,
once for every kind of resource, and :mod:`.listing` what is a ``Connections`` listing's
own. The hosts are :mod:`..dynamic` (Python programs) and
:mod:`..plugin` (every language).
"""

from __future__ import annotations

__all__: list[str] = []
