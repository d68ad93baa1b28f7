"""``codestar-connection``: connection facts for pipelines, without Pulumi.

    codestar-connection get ARN | --name NAME          print the connection
    codestar-connection list                           every connection of a region
    codestar-connection check ARN --status AVAILABLE   exit 0 / 4
    codestar-connection wait ARN --status AVAILABLE    poll; exit 5 on timeout
    codestar-connection stack-outputs [FILE|-]         every connection a stack exports
    codestar-connection inventory [--organization …]   every account and region, one report

Exit codes: 0 ok, 1 AWS or network error, 2 usage, 3 not found, 4 status not as required,
5 timeout (see ``--help``). Start-up matters in pipelines, so this module imports only the
standard library at first: botocore comes in with the first AWS call, jmespath with --query,
and the Pulumi SDK never.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from pulumi_codestar_connections.core.errors import CodestarConnectionsError

# (CLI_NAME, not sys.argv[0]: under `python -m pulumi_codestar_connections` that is "__main__.py")
from pulumi_codestar_connections.core.vocabulary import CLI_NAME

from .exit import ExitCode, UsageError, exit_code_for

__all__ = ["main"]


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run one command; return its exit code (the console script exits with it)."""
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    arguments = list(sys.argv[1:] if argv is None else argv)
    # Known before parsing, so even a parse failure can show its traceback.
    debug = "--debug" in arguments
    try:
        return _run(arguments, stdin, stdout, stderr)
    except CodestarConnectionsError as error:
        if debug:
            _print_traceback(stderr)
        stderr.write(f"{CLI_NAME}: error: {_one_line(str(error))}\n")
        return exit_code_for(error)
    except KeyboardInterrupt:
        stderr.write("\n")
        return 130
    except Exception as error:
        # A bug of ours, not bad input: still one line, unless --debug asks for the traceback.
        if debug:
            _print_traceback(stderr)
        hint = "" if debug else " (run with --debug for the traceback)"
        stderr.write(
            f"{CLI_NAME}: internal error: {type(error).__name__}: {_one_line(str(error))}{hint}\n"
        )
        return ExitCode.AWS_ERROR


def _run(arguments: list[str], stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    from .args import GlobalOptions, build_parser

    namespace = build_parser().parse_args(arguments)
    options = GlobalOptions(namespace)
    for flag, value in (("--profile", options.profile), ("--region", options.region)):
        if value is not None and not value.strip():
            raise UsageError(f"{flag}: the value is empty")
    query = None
    if options.query is not None:
        from .query import compile_query

        query = compile_query(options.query)
    if options.output == "html" and (namespace.command != "inventory" or query is not None):
        raise UsageError("--output html: only inventory prints a page, and without --query")

    from .commands import COMMANDS
    from .debug import DebugLog
    from .env import use_endpoint_url
    from .lookup import AwsOptions
    from .render import render, wants_color

    debug = DebugLog(stderr) if options.debug else None
    if options.endpoint_url is not None:
        use_endpoint_url(options.endpoint_url)
        if debug:
            debug.line("endpoint from --endpoint-url")
    aws = AwsOptions(
        profile=options.profile,
        region_flag=options.region,
        service=options.service,
        debug=debug,
    )
    outcome = COMMANDS[namespace.command](namespace, aws, stdin, stderr)
    if outcome.document is not None:
        document = outcome.document if query is None else query.apply(outcome.document)
        color = wants_color(stdout, no_color_flag=options.no_color)
        _write(stdout, render(document, options.output, color=color))
    for problem in outcome.problems:
        stderr.write(f"{CLI_NAME}: {_one_line(problem)}\n")
    return outcome.exit_code


def _write(stdout: TextIO, text: str) -> None:
    try:
        stdout.write(text)
        stdout.flush()
    except BrokenPipeError:
        # The reader went away (`| head -1`): the exit code still tells the result. Point
        # stdout at /dev/null so the interpreter's final flush does not complain.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, stdout.fileno())
        except (OSError, ValueError):
            pass
        finally:
            os.close(devnull)


def _one_line(message: str) -> str:
    return " ".join(message.split()) or "(no message)"


def _print_traceback(stderr: TextIO) -> None:
    import traceback

    traceback.print_exc(file=stderr)
