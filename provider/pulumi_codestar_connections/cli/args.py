"""The command line: commands, flags, help text with examples and the exit-code table.

Global flags are accepted before or after the command (``codestar-connection get ARN --output
json`` and ``codestar-connection --output json get ARN``), as the AWS CLI accepts them.
"""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from pulumi_codestar_connections._version import __version__
from pulumi_codestar_connections.core.vocabulary import (
    CLI_NAME,
    DEFAULT_SERVICE,
    SERVICES,
    STATUSES,
)

from .exit import EXIT_CODE_TABLE, UsageError
from .render import OUTPUT_FORMATS
from .wait import DEFAULT_MAX_INTERVAL

__all__ = ["GlobalOptions", "build_parser"]

_EXAMPLE_ARN = "arn:aws:codestar-connections:eu-west-1:123456789012:connection/0f1e2d3c-…"

_EXIT_CODES = "exit codes:\n" + "\n".join(f"  {code:d}  {text}" for code, text in EXIT_CODE_TABLE)

_EPILOG = f"""\
examples:
  {CLI_NAME} get {_EXAMPLE_ARN}
  {CLI_NAME} get --name github --region eu-west-1 --query Connection.ConnectionStatus --output text
  {CLI_NAME} list --provider-type GitHub --output table
  {CLI_NAME} check "$CONNECTION_ARN" --status AVAILABLE || echo "finish the handshake first"
  {CLI_NAME} wait "$CONNECTION_ARN" --status AVAILABLE --timeout 900
  pulumi stack output --json | {CLI_NAME} stack-outputs --status AVAILABLE
  {CLI_NAME} inventory --organization --role-name Audit --all-regions --output html > report.html

{_EXIT_CODES}

The region of an ARN lookup is the ARN's; --region (else AWS_REGION, AWS_DEFAULT_REGION, the
profile's region) applies to --name lookups and list. Credentials come from the usual AWS chain.
Every AWS call is read-only (GetConnection, ListConnections).
"""


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting: main() prints one line."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32)


def _global_flags() -> _Parser:
    # SUPPRESS: a flag absent after the command must not overwrite one given before it.
    flags = _Parser(add_help=False, argument_default=argparse.SUPPRESS)
    group = flags.add_argument_group("global options")
    group.add_argument("--region", help="region of --name lookups and list")
    group.add_argument("--profile", help="AWS profile (default: AWS_PROFILE, or none)")
    group.add_argument("--endpoint-url", metavar="URL", help="send AWS calls to URL instead")
    group.add_argument(
        "--service",
        choices=SERVICES,
        help=f"API of --name lookups and list (default: {DEFAULT_SERVICE})",
    )
    group.add_argument(
        "--output", choices=OUTPUT_FORMATS, help=f"output format (default: {OUTPUT_FORMATS[0]})"
    )
    group.add_argument("--query", metavar="JMESPATH", help="JMESPath over the JSON document")
    group.add_argument(
        "--no-color", action="store_true", help="no colour (also: NO_COLOR set, not a terminal)"
    )
    group.add_argument(
        "--debug",
        action="store_true",
        help="log each AWS call (operation, ARN, outcome, attempts, time) to stderr",
    )
    return flags


def _target_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("arn", nargs="?", metavar="ARN", help="the connection's ARN")
    parser.add_argument("--name", help="look the connection up by name instead (all pages)")
    parser.add_argument("--provider-type", metavar="TYPE", help="narrow --name (GitHub, …)")
    parser.add_argument("--host-arn", metavar="ARN", help="narrow --name to one host")


def _status_argument(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument(
        "--status",
        action="append",
        required=required,
        metavar="STATUS",
        help=f"wanted status: {', '.join(STATUSES)} (repeat or comma-separate for several)",
    )


def build_parser() -> argparse.ArgumentParser:
    flags = _global_flags()
    parser = _Parser(
        prog=CLI_NAME,
        description="Look up AWS CodeStar connections from pipelines: read-only, fast to start.",
        epilog=_EPILOG,
        formatter_class=_Formatter,
        parents=[flags],
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, summary: str, examples: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name,
            help=summary,
            description=summary,
            epilog=f"examples:\n{examples}\n\n{_EXIT_CODES}",
            formatter_class=_Formatter,
            parents=[flags],
            allow_abbrev=False,
        )

    get = command(
        "get",
        "print one connection (--output json is get-connection's document)",
        f"  {CLI_NAME} get {_EXAMPLE_ARN}\n"
        f"  {CLI_NAME} get --name github --query Connection.ConnectionStatus --output text",
    )
    _target_arguments(get)

    listing = command(
        "list",
        "print every connection of a region (all pages)",
        f"  {CLI_NAME} list --region eu-west-1 --output table\n"
        f"  {CLI_NAME} list --provider-type GitHub --query 'Connections[].ConnectionArn' "
        "--output text",
    )
    listing.add_argument("--provider-type", metavar="TYPE", help="only this provider type")
    listing.add_argument("--host-arn", metavar="ARN", help="only connections of this host")

    check = command(
        "check",
        "exit 0 if the connection's status is one of --status, 4 if not",
        f'  {CLI_NAME} check "$CONNECTION_ARN" --status AVAILABLE\n'
        f"  {CLI_NAME} check --name github --status AVAILABLE,PENDING",
    )
    _target_arguments(check)
    _status_argument(check, required=True)

    wait = command(
        "wait",
        "poll until the status is one of --status (exit 5 when --timeout passes)",
        f'  {CLI_NAME} wait "$CONNECTION_ARN" --status AVAILABLE --timeout 900\n'
        f"  {CLI_NAME} wait --name github --status AVAILABLE --interval 10",
    )
    _target_arguments(wait)
    _status_argument(wait, required=True)
    wait.add_argument(
        "--timeout", type=float, default=600.0, metavar="SECONDS", help="give up after (600)"
    )
    wait.add_argument(
        "--interval",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="first delay between polls (5); doubles up to --max-interval, with jitter",
    )
    wait.add_argument(
        "--max-interval",
        type=float,
        default=DEFAULT_MAX_INTERVAL,
        metavar="SECONDS",
        help=f"delay cap ({DEFAULT_MAX_INTERVAL:g})",
    )

    stack = command(
        "stack-outputs",
        "look up every connection ARN in `pulumi stack output --json`",
        f"  pulumi stack output --json | {CLI_NAME} stack-outputs --output table\n"
        f"  {CLI_NAME} stack-outputs outputs.json --status AVAILABLE",
    )
    stack.add_argument(
        "file", nargs="?", metavar="FILE", help="the JSON file; - or nothing: standard input"
    )
    stack.add_argument(
        "--status",
        action="append",
        metavar="STATUS",
        help="exit 4 unless every connection has one of these statuses",
    )
    inventory = command(
        "inventory",
        "every connection of many accounts and regions, as one report (see README)",
        f"  {CLI_NAME} inventory --all-regions --output table\n"
        f"  {CLI_NAME} inventory --organization --role-name Audit --regions eu-west-1,us-east-1 "
        "--status AVAILABLE\n"
        f"  {CLI_NAME} inventory --organization --role-name Audit --shard 2/8 > shard-2.json\n"
        f"  {CLI_NAME} inventory merge shard-*.json --output html > report.html",
    )
    from .inventory import add_arguments

    add_arguments(inventory)
    return parser


class GlobalOptions:
    """The global flags after parsing, with their defaults applied."""

    def __init__(self, namespace: argparse.Namespace) -> None:
        values: dict[str, Any] = vars(namespace)
        self.region: str | None = values.get("region")
        self.profile: str | None = values.get("profile")
        self.endpoint_url: str | None = values.get("endpoint_url")
        self.service: str = values.get("service", DEFAULT_SERVICE)
        self.output: str = values.get("output", OUTPUT_FORMATS[0])
        self.query: str | None = values.get("query")
        self.no_color: bool = bool(values.get("no_color", False))
        self.debug: bool = bool(values.get("debug", False))
