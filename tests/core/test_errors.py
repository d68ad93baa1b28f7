"""Every error of the tree survives pickling whole: the prefetch's child process sends them."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from pulumi_codestar_connections.cli.exit import CliError, ExitCode, UsageError
from pulumi_codestar_connections.core import errors
from pulumi_codestar_connections.core.inventory import InvalidReport

AWS: dict[str, Any] = {"operation": "GetConnection", "code": "NotFound", "attempts": 2}
EXAMPLES: list[errors.CodestarConnectionsError] = [
    errors.CodestarConnectionsError("plain"),
    errors.InvalidConnectionArn("not an ARN"),
    errors.InvalidInput("connectionArn", "connectionArn: not an ARN"),
    errors.ConfigError("stack config codestar:maxAttempts: 0", key="codestar:maxAttempts"),
    errors.AmbiguousConnectionName("two", arns=["arn:a", "arn:b"]),
    errors.AwsLookupError("failed", **AWS),
    errors.ConnectionNotFound("gone", **AWS),
    errors.ConnectionAccessDenied("denied", **AWS),
    errors.ConnectionUnavailable("unavailable", **AWS),
    errors.CredentialsNotFound("no credentials", **AWS),
    errors.EndpointUnreachable("no answer", **AWS),
    CliError("one line", exit_code=ExitCode.USAGE),
    UsageError("bad flag"),
    InvalidReport("not an inventory report"),
]


def _tree(base: type[errors.CodestarConnectionsError]) -> set[type[Exception]]:
    return {base}.union(*(_tree(sub) for sub in base.__subclasses__()))


def test_the_examples_cover_the_whole_tree() -> None:
    # Every subclass defined in the package (the imports above load each module defining one).
    ours = {
        error
        for error in _tree(errors.CodestarConnectionsError)
        if error.__module__.startswith("pulumi_codestar_connections.")
    }

    assert ours == {type(example) for example in EXAMPLES}


@pytest.mark.parametrize("error", EXAMPLES, ids=lambda e: type(e).__name__)
def test_an_error_pickles_with_its_message_and_attributes(
    error: errors.CodestarConnectionsError,
) -> None:
    again = pickle.loads(pickle.dumps(error))

    assert type(again) is type(error)
    assert str(again) == str(error)
    assert again.args == error.args
    assert vars(again) == vars(error)
