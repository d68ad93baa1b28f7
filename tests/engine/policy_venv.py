"""A small cached virtualenv for running examples/policy on the engine: pulumi + pulumi-policy.

The pack's own requirements (examples/policy/requirements.txt) and nothing else: examples/.venv
would do too (our language host asks for no provider plugins whatever is installed), but it
holds pulumi-aws, which the pack must not need. The venv is a devkit/venvs.py cached venv,
keyed by the requirements and the Python version, so it is built once (about 35 s from pip's
cache) and reused.
"""

from __future__ import annotations

from pathlib import Path

from devkit.venvs import VenvUnavailable, cached_venv

__all__ = ["POLICY_REQUIREMENTS", "PolicyVenvUnavailable", "ensure_policy_venv"]

REPO_ROOT = Path(__file__).resolve().parents[2]
POLICY_REQUIREMENTS = REPO_ROOT / "examples" / "policy" / "requirements.txt"
PolicyVenvUnavailable = VenvUnavailable


def ensure_policy_venv() -> Path:
    """The venv's directory, building it first if these requirements have none yet."""
    requirements = [
        line.strip()
        for line in POLICY_REQUIREMENTS.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    venv = cached_venv("policy", requirements)
    assert venv is not None
    return venv
