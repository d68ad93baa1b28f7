"""Small scripts run *inside the program's interpreter* to learn about its environment.

They run in the target venv rather than in the host process because the host itself lives in the
repository's venv, which need not be the program's. Each prints one JSON document on stdout.
Only the standard library is used so they work in any Python 3 environment.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping, Sequence

__all__ = [
    "ABOUT_SCRIPT",
    "HAS_MODULE_SCRIPT",
    "PULUMI_PACKAGES_SCRIPT",
    "ProbeError",
    "run_probe",
]

ABOUT_SCRIPT = """
import json, platform, sys
try:
    from importlib.metadata import version
    pip = version("pip")
except Exception:
    pip = ""
print(json.dumps({"executable": sys.executable, "version": platform.python_version(), "pip": pip}))
"""

# The Go host decides which installed distributions are Pulumi packages needing a plugin binary:
# those with a pulumi-plugin.json in their top-level package (unless it says "resource": false),
# or, for old packages without that file, a name starting with "pulumi-". We only report them
# (as a warning); see LanguageHost.GetRequiredPackages for why they are not returned.
PULUMI_PACKAGES_SCRIPT = """
import importlib.metadata, importlib.util, json, os, re
NO_PLUGIN = {"pulumi-policy", "pulumi-esc-sdk"}
found = []
for dist in importlib.metadata.distributions():
    raw = dist.metadata["Name"] or ""
    name = re.sub(r"[-_.]+", "-", raw.lower())
    if not name or name in NO_PLUGIN:
        continue
    plugin = None
    try:
        spec = importlib.util.find_spec(raw.replace("-", "_"))
        for loc in (spec.submodule_search_locations or []) if spec else []:
            path = os.path.join(str(loc), "pulumi-plugin.json")
            if os.path.isfile(path):
                with open(path, encoding="utf-8") as handle:
                    plugin = json.load(handle)
                break
    except Exception:
        plugin = None
    if plugin is not None and not plugin.get("resource"):
        continue
    if plugin is None and not name.startswith("pulumi-"):
        continue
    plugin_name = (plugin or {}).get("name") or name[len("pulumi-"):]
    found.append({"package": name, "version": dist.version, "plugin": plugin_name})
print(json.dumps(sorted(found, key=lambda item: item["package"])))
"""

HAS_MODULE_SCRIPT = """
import importlib.util, json, sys
print(json.dumps(importlib.util.find_spec(sys.argv[1]) is not None))
"""


class ProbeError(RuntimeError):
    """A probe could not be run or printed something that is not JSON."""


def run_probe(
    python: str,
    script: str,
    env: Mapping[str, str],
    args: Sequence[str] = (),
    timeout: float = 60.0,
) -> object:
    """Run `script` with `python` and return its decoded JSON output."""
    try:
        completed = subprocess.run(
            [python, "-c", script, *args],
            env=dict(env),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ProbeError(f"could not run {python}: {exc}") from exc
    if completed.returncode != 0:
        detail = completed.stderr.strip() or f"exit code {completed.returncode}"
        raise ProbeError(f"{python} failed: {detail}")
    try:
        return json.loads(completed.stdout)
    except json.JSONDecodeError as exc:
        raise ProbeError(f"{python} printed unexpected output: {completed.stdout!r}") from exc
