"""Bad input gives one line on stderr and exit 2, never a traceback; --help documents it all."""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

from emulator.client import EmulatorClient
from tests.cli.conftest import ROOT, Cli, assert_usage_error, concurrently

ARN = "arn:aws:codestar-connections:us-east-1:123456789012:connection/0f1e2d3c"


CODECONNECTIONS_HOST = "arn:aws:codeconnections:us-east-1:123456789012:host/gh-0"
# (arguments, what the one line on stderr must say)
BAD_INPUT: list[tuple[list[str], str]] = [
    (["get", "not-an-arn"], "ARN: 'not-an-arn' is not an ARN"),
    (["get", ARN.replace("connection/", "host/")], "is a host ARN, not a connection ARN"),
    (["get", ARN.replace("123456789012", "1234")], "an account id is 12 digits"),
    (["get", "--bogus", ARN], "unrecognized arguments: --bogus"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    ([], "the following arguments are required: COMMAND"),
    (["get"], "give a connection ARN or --name NAME"),
    (["get", ARN, "--name", "x"], "not both"),
    (["get", "--name", ""], "--name: the connection name is empty"),
    (["get", "--name", "   "], "--name: the connection name is empty"),
    (["get", ARN, "--query", "Connection.["], "--query 'Connection.[': "),
    (["get", ARN, "--query", ""], "--query: the expression is empty"),
    (["get", ARN, "--output", "yaml"], "argument --output: invalid choice: 'yaml'"),
    (["get", ARN, "--endpoint-url", "localhost:4599"], "is not an http(s) URL"),
    (["get", "--name", "x", "--region", "mars-1"], "--region: 'mars-1' is not an AWS region"),
    (["get", "--name", "x", "--profile", ""], "--profile: the value is empty"),
    (["check", ARN], "the following arguments are required: --status"),
    (["check", ARN, "--status", ","], "--status: '' is not a connection status"),
    (["wait", ARN, "--status", "AVAILABLE", "--timeout", "soon"], "invalid float value"),
    (["wait", ARN, "--status", "AVAILABLE", "--interval", "0"], "--interval: 0 is not"),
    (["wait", ARN, "--status", "AVAILABLE", "--timeout", "-1"], "--timeout: -1 is negative"),
    (["list", "--host-arn", "host-1"], "--host-arn: 'host-1' is not a host ARN"),
    (["get", ARN, "--provider-type", "GitHub"], "narrow a --name lookup"),
    # Filters the chosen API would refuse: AzureDevOps and codeconnections hosts live in
    # codeconnections only (hypothesis found the host case reaching AWS).
    (
        ["list", "--region", "us-east-1", "--host-arn", CODECONNECTIONS_HOST],
        "is a codeconnections host ARN; codestar-connections takes only codestar-connections "
        "ones; add --service codeconnections",
    ),
    (
        ["get", "--name", "x", "--region", "us-east-1", "--provider-type", "AzureDevOps"],
        "--provider-type: AzureDevOps exists only in codeconnections; add --service",
    ),
]


def test_bad_input_is_a_one_line_usage_error_and_no_aws_call(
    cli: Cli, emulator: EmulatorClient
) -> None:
    # Side by side: two dozen interpreters, each a few tenths of a second.
    results = concurrently(*(functools.partial(cli, *args) for args, _ in BAD_INPUT))

    for (args, mentions), result in zip(BAD_INPUT, results, strict=True):
        try:
            assert_usage_error(result, mentions=mentions)
        except AssertionError as failure:
            raise AssertionError(f"codestar-connection {' '.join(args)}: {failure}") from None
    assert emulator.calls() == []


def test_a_query_that_fails_on_the_document_is_a_usage_error(
    cli: Cli, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("github")

    result = cli("get", arn, "--query", "abs(Connection.ConnectionName)")

    assert_usage_error(result, mentions="In function abs(), invalid type")


def test_an_unknown_provider_type_is_a_usage_error_before_any_call(
    cli: Cli, emulator: EmulatorClient
) -> None:
    result = cli("list", "--provider-type", "SourceForge")

    assert_usage_error(result, mentions="--provider-type: 'SourceForge' is not one of AzureDevOps")
    assert emulator.calls() == []


def test_debug_shows_the_traceback_of_a_usage_error(cli: Cli) -> None:
    result = cli("get", "not-an-arn", "--debug")

    assert result.exit_code == 2
    assert "Traceback" in result.stderr
    assert result.stderr_lines[-1].startswith("codestar-connection: error: ARN: ")


def test_help_documents_exit_codes_and_examples(cli: Cli) -> None:
    result = cli("--help")

    assert result.exit_code == 0
    for line in (
        "  0  ok",
        "  1  AWS or network error",
        "  2  usage",
        "  3  not found",
        "  4  status not as required",
        "  5  timeout",
    ):
        assert line in result.stdout
    assert "codestar-connection wait" in result.stdout
    assert "stack-outputs" in result.stdout
    commands = ("get", "list", "check", "wait", "stack-outputs")
    for sub in concurrently(*(functools.partial(cli, command, "--help") for command in commands)):
        assert sub.exit_code == 0
        assert "examples:" in sub.stdout
        assert "exit codes:" in sub.stdout
        assert "--output" in sub.stdout  # global flags are accepted after the command too


def imported_by(cli: Cli, *args: str) -> set[str]:
    """Every module ``codestar-connection ARGS`` imports (``python -X importtime``)."""
    command = cli.command(*args)
    result = subprocess.run(
        [command[0], "-X", "importtime", *command[1:]],
        cwd=ROOT,
        env=cli.env,
        capture_output=True,
        text=True,
        check=True,
    )
    return {line.split("|")[-1].strip() for line in result.stderr.splitlines()}


def test_help_imports_neither_botocore_nor_pulumi(cli: Cli) -> None:
    imported = imported_by(cli, "--help")

    assert "pulumi_codestar_connections.cli" in imported
    assert not any(name.split(".")[0] in {"botocore", "pulumi", "jmespath"} for name in imported)


def test_get_imports_no_pulumi(cli: Cli, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("github")
    imported = imported_by(cli, "get", arn)

    assert "botocore.session" in imported
    assert not any(name.split(".")[0] in {"pulumi", "grpc", "boto3"} for name in imported)
    assert "pulumi_codestar_connections.dynamic.resource" not in imported


def test_the_console_script_is_installed(cli: Cli, emulator: EmulatorClient) -> None:
    script = Path(cli.command()[0]).parent / "codestar-connection"
    arn = emulator.create_connection("github")

    result = subprocess.run(
        [str(script), "get", arn, "--query", "Connection.ConnectionName", "--output", "text"],
        env=cli.env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert (result.returncode, result.stdout) == (0, "github\n")
