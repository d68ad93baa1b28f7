"""Running Python plugins (policy packs above all) for the engine's `RunPlugin` call.

Since Pulumi v3.221 the engine no longer starts a Python policy pack through a
`pulumi-analyzer-policy-python` shim: it asks the language host named in PulumiPolicy.yaml to run
it (plugin.newPlugin → langhost.RunPlugin) and reads the pack's port from the stdout stream we
send back. The request carries:

* `info`: root and program directory both the pack (or plugin) directory, entry point ".", and
  the `runtime.options` of PulumiPolicy.yaml / PulumiPlugin.yaml;
* `kind`: "analyzer" for a policy pack, "resource"/... for other plugins;
* `args`: for a policy pack just the engine address;
* `env`: the engine's whole environment as KEY=VALUE (plus per-pack variables);
* `pwd`: the engine's working directory.

What we run, as the Go host does (sdk/python/cmd/pulumi-language-python/main.go):

* policy pack: `<python> -u -m pulumi.policy <args...> <pack dir>` in the pack directory;
* other plugin with a `__main__.py`: `<python> <plugin dir> <args...>` in `pwd`;
* other plugin without one but with a pyproject.toml:
  `<python> -m pulumi.run.plugin <project name> <args...>` in `pwd`.

`<python>` is the `virtualenv` runtime option resolved against the plugin directory; a policy
pack without one uses the host's interpreter lookup, other plugins default to `venv` (both as in
the Go host).

Deliberate differences: the Go host starts a policy pack behind a proxy Analyzer server so that it
can put the stack's name and configuration into the pack's environment (PULUMI_STACK,
PULUMI_CONFIG, ...) before starting it; we start the pack directly, so the engine talks to it
itself (pulumi-policy answers ConfigureStack on its own; only `pulumi.get_stack()` and config
reads inside a policy see no stack). And the request's variables are applied before the virtual
environment is activated, so the venv's `bin` stays first on PATH.
"""

from __future__ import annotations

import os
import queue
import subprocess
import threading
import time
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from langhost.toolchain import activate_virtualenv

__all__ = [
    "ANALYZER_KIND",
    "PluginCommand",
    "PluginError",
    "exit_status",
    "merge_environment",
    "plugin_command",
    "stream_process",
]

ANALYZER_KIND = "analyzer"
_CHUNK_BYTES = 64 * 1024
# After a stopped plugin exits, how long its output may still take to arrive.
_DRAIN_SECONDS = 1.0


class PluginError(ValueError):
    """The plugin directory holds nothing this host knows how to run."""


@dataclass(frozen=True)
class PluginCommand:
    argv: list[str]
    cwd: str


def _project_name(pyproject: Path) -> str:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PluginError(f"loading pyproject: {exc}") from exc
    project = data.get("project")
    name = project.get("name") if isinstance(project, dict) else None
    if not isinstance(name, str) or not name:
        raise PluginError(f"{pyproject} has no [project] name")
    return name


def plugin_command(
    python: str,
    *,
    kind: str,
    plugin_dir: str,
    pwd: str,
    args: Sequence[str],
) -> PluginCommand:
    """What to run for a RunPluginRequest, and where."""
    if kind == ANALYZER_KIND:
        # Policy packs get their directory last and run in it: pulumi.policy's entry point
        # takes `engineAddress program`, and packs have always been started from their folder.
        return PluginCommand([python, "-u", "-m", "pulumi.policy", *args, plugin_dir], plugin_dir)
    root = Path(plugin_dir)
    if not (root / "__main__.py").is_file() and (root / "pyproject.toml").is_file():
        name = _project_name(root / "pyproject.toml")
        return PluginCommand([python, "-m", "pulumi.run.plugin", name, *args], pwd or plugin_dir)
    if not (root / "__main__.py").is_file():
        raise PluginError(
            f"plugin {plugin_dir} is not runnable: it provides neither __main__.py nor a "
            "buildable pyproject.toml"
        )
    return PluginCommand([python, plugin_dir, *args], pwd or plugin_dir)


def merge_environment(
    base: Mapping[str, str], overrides: Sequence[str], venv: Path | None
) -> dict[str, str]:
    """The plugin's environment: ours, then the request's KEY=VALUE entries, then the venv."""
    env = dict(base)
    for entry in overrides:
        key, sep, value = entry.partition("=")
        if sep and key:
            env[key] = value
    return activate_virtualenv(env, venv) if venv is not None else env


def exit_status(returncode: int) -> int:
    """Go's WaitStatus.ExitStatus(): the exit code, or -1 when a signal ended the process."""
    return returncode if returncode >= 0 else -1


# One item of the output queue: (stream, chunk); chunk None means that stream reached EOF.
_Item = tuple[str, bytes | None]


def _pump(name: str, stream: IO[bytes], out: queue.Queue[_Item]) -> None:
    fd = stream.fileno()
    try:
        while chunk := os.read(fd, _CHUNK_BYTES):
            out.put((name, chunk))
    except OSError:
        pass
    finally:
        out.put((name, None))


def stream_process(
    proc: subprocess.Popen[bytes],
    *,
    should_stop: Callable[[], bool],
    stop: Callable[[subprocess.Popen[bytes]], int],
    poll_seconds: float = 0.2,
) -> Iterator[tuple[str, bytes] | int]:
    """Yield ("stdout"|"stderr", chunk) as the process writes, then its return code.

    Output is forwarded as soon as it is read (a policy pack's first stdout line is the port
    the engine waits for). When `should_stop()` turns true the process is ended with `stop`
    and its return code is yielded after whatever output it still wrote.
    """
    assert proc.stdout is not None and proc.stderr is not None
    out: queue.Queue[_Item] = queue.Queue()
    pumps = [
        threading.Thread(target=_pump, args=(name, stream, out), daemon=True)
        for name, stream in (("stdout", proc.stdout), ("stderr", proc.stderr))
    ]
    for pump in pumps:
        pump.start()
    open_streams = 2
    stopped: int | None = None
    drain_until = 0.0
    while open_streams:
        if stopped is None and should_stop():
            stopped = stop(proc)
            drain_until = time.monotonic() + _DRAIN_SECONDS
        try:
            name, chunk = out.get(timeout=poll_seconds)
        except queue.Empty:
            if stopped is not None and time.monotonic() > drain_until:
                # Something outside the plugin's process group still holds its pipes; the
                # plugin itself is gone, so stop waiting for their end (the readers are daemon
                # threads and end with those holders).
                break
            continue
        if chunk is None:
            open_streams -= 1
        else:
            yield name, chunk
    if not open_streams:
        for stream in (proc.stdout, proc.stderr):
            stream.close()
    yield stopped if stopped is not None else proc.wait()
