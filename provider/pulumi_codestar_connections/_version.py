"""The package version, the one place it is written (pyproject.toml reads it from here).

Kept apart so that the user agent and ``codestar-connection --version`` name it without
importing Pulumi.
"""

from __future__ import annotations

__all__ = ["USER_AGENT", "__version__"]

__version__ = "0.1.0"

# Appended to botocore's user agent: lets the emulator's call log (and CloudTrail) tell the
# provider's and the CLI's calls apart from anything else that talks to the service.
USER_AGENT = f"pulumi-codestar-connections/{__version__}"
