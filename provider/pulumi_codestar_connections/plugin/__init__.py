"""The ``codestar`` provider plugin: ``Connection``, ``getConnection`` and ``getConnections`` for
every Pulumi language, on the same engine steps as the dynamic provider (:mod:`..engine`).

:mod:`.schema` is the package schema the SDKs are generated from; :mod:`.values` converts the
engine's property values; :mod:`.provider` is the provider; :mod:`.server` serves it (the
plugin folder's ``__main__.py`` calls :func:`.server.main`). Built on Pulumi's experimental
Python provider interface (``pulumi.provider.experimental``), which the plugin folder's
requirements.txt pins at the tested ``pulumi`` version.
"""

from __future__ import annotations

__all__: list[str] = []
