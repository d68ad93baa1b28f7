"""Command line of the language host, parsed the way Go's `flag` package would.

The engine starts a language plugin as `pulumi-language-python [flags] <engine-address>`
(plugin.buildArgsForNewPlugin puts the address last; plugin.buildPluginArguments may prepend
`--logtostderr`, `-v=N` and `--tracing <endpoint>`). Go flags accept one or two dashes and both
`-name value` and `-name=value`, and parsing stops at the first non-flag argument or `--`.
argparse does not model single-dash long options, hence this small parser.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["HostArgs", "UsageError", "parse_args"]

# Flags that never take a separate value (`-version`, not `-version true`).
_BOOL_FLAGS = frozenset({"version", "logtostderr", "alsologtostderr", "logflow", "help", "h"})
# Flags known to take a value. Anything else unknown is treated as boolean so that a future
# engine flag we have never seen does not swallow the engine address that follows it.
_VALUE_FLAGS = frozenset(
    {"tracing", "use-executor", "v", "root", "log_dir", "stderrthreshold", "vmodule"}
)


class UsageError(ValueError):
    """The command line could not be parsed."""


@dataclass(frozen=True)
class HostArgs:
    engine_address: str = ""
    tracing: str = ""
    executor: str = ""
    root: str = ""
    verbose: int = 0
    log_to_stderr: bool = False
    show_version: bool = False
    show_help: bool = False
    # Unknown flags are kept so that they can be logged rather than silently lost.
    ignored_flags: tuple[str, ...] = field(default_factory=tuple)


def _bool_value(name: str, raw: str | None) -> bool:
    if raw is None:
        return True
    lowered = raw.lower()
    if lowered in ("1", "t", "true"):
        return True
    if lowered in ("0", "f", "false"):
        return False
    raise UsageError(f"invalid boolean value {raw!r} for flag -{name}")


def parse_args(argv: Sequence[str]) -> HostArgs:
    """Parse `argv` (without the program name)."""
    values: dict[str, str] = {}
    bools: dict[str, bool] = {}
    ignored: list[str] = []
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--":
            index += 1
            break
        if not arg.startswith("-") or arg == "-":
            break
        body = arg.lstrip("-")
        name, sep, inline = body.partition("=")
        if not name:
            raise UsageError(f"bad flag syntax: {arg}")
        index += 1
        if name in _VALUE_FLAGS:
            if sep:
                values[name] = inline
            elif index < len(argv):
                values[name] = argv[index]
                index += 1
            else:
                raise UsageError(f"flag needs an argument: -{name}")
        elif name in _BOOL_FLAGS:
            bools[name] = _bool_value(name, inline if sep else None)
        else:
            ignored.append(arg)

    positional = list(argv[index:])
    verbose_raw = values.get("v", "0")
    try:
        verbose = int(verbose_raw)
    except ValueError:
        raise UsageError(f"invalid value {verbose_raw!r} for flag -v") from None

    return HostArgs(
        # Like the Go host, the first positional argument is the engine address; anything after
        # it is ignored.
        engine_address=positional[0] if positional else "",
        tracing=values.get("tracing", ""),
        executor=values.get("use-executor", ""),
        root=values.get("root", ""),
        verbose=verbose,
        log_to_stderr=bools.get("logtostderr", False) or bools.get("alsologtostderr", False),
        show_version=bools.get("version", False),
        show_help=bools.get("help", False) or bools.get("h", False),
        ignored_flags=tuple(ignored),
    )
