"""The codestar-connections policy pack: see codestar_policies.py and README.md.

Pulumi runs this folder (``pulumi preview --policy-pack examples/policy``); the engine runs
the pack's Python with the folder on sys.path, so the sibling module imports as is.
"""

from __future__ import annotations

from codestar_policies import POLICIES
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(
    name="codestar-connections",
    policies=POLICIES,
    enforcement_level=EnforcementLevel.MANDATORY,
)
