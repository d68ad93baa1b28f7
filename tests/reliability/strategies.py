"""Hypothesis strategies for hostile and valid inputs: ARNs, names, filters, regions, roles.

Each input strategy mixes values that must work with values that must be refused: near-misses
(one part of an ARN wrong, a region with a trailing newline, a non-ASCII letter where AWS allows
only ASCII) and plain junk of every JSON type.
"""

from __future__ import annotations

import string
from typing import Any

import botocore.loaders
from hypothesis import strategies as st

from pulumi_codestar_connections.engine.inputs import INPUT_FIELDS, LISTING_INPUT_FIELDS

__all__ = [
    "ACCOUNT",
    "ALL_PROVIDER_TYPES",
    "REGIONS",
    "SERVICES",
    "STATUSES",
    "cli_arguments",
    "connection_arns",
    "connections_config",
    "host_arns",
    "input_maps",
    "json_values",
    "listing_maps",
    "regions",
    "role_arns",
]

SERVICES = ("codestar-connections", "codeconnections")
REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1")
ACCOUNT = "123456789012"
PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b")
STATUSES = ("PENDING", "AVAILABLE", "ERROR")
# From the model, not from our code: the strategies must not share a mistake with it.
ALL_PROVIDER_TYPES: tuple[str, ...] = tuple(
    botocore.loaders.create_loader().load_service_model("codeconnections", "service-2")["shapes"][
        "ProviderType"
    ]["enum"]
)

# Characters that look harmless and are not: whitespace AWS's patterns reject, line breaks,
# non-ASCII letters and digits that Python's \w and \d accept, a NUL.
_TRICKY = "\n\r\t \x00\x85\u2028\u00e9\u0661_:/"
_text = st.text(max_size=40)
_tricky_text = st.text(alphabet=string.ascii_letters + string.digits + "-" + _TRICKY, max_size=20)

json_values: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


def _near(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A valid value, or one with a tricky character or space inserted, prepended or appended."""

    def spoil(value: str, extra: str, where: int) -> str:
        where = where % (len(value) + 1)
        return value[:where] + extra + value[where:]

    return valid | st.builds(spoil, valid, st.sampled_from(list(_TRICKY)), st.integers(0, 300))


_valid_regions = st.sampled_from(REGIONS)
regions: st.SearchStrategy[str] = _near(_valid_regions) | _tricky_text | _text
_accounts = st.just(ACCOUNT) | st.from_regex(r"[0-9]{12}", fullmatch=True)
_ids = st.from_regex(r"[A-Za-z0-9_-]{1,40}", fullmatch=True)


@st.composite
def _arn_parts(draw: st.DrawFn, resource: str) -> str:
    partition = draw(st.sampled_from(PARTITIONS) | _tricky_text)
    service = draw(st.sampled_from(SERVICES) | st.sampled_from(("codestar", "iam", "")))
    region = draw(regions)
    account = draw(_accounts | _tricky_text)
    kind = draw(st.sampled_from((resource, resource, "host", "connection", "")) | _tricky_text)
    return f"arn:{partition}:{service}:{region}:{account}:{kind}/{draw(_ids | _tricky_text)}"


def _valid_arn(kind: str) -> st.SearchStrategy[str]:
    return st.builds(
        lambda service, region, id_: f"arn:aws:{service}:{region}:{ACCOUNT}:{kind}/{id_}",
        st.sampled_from(SERVICES),
        st.sampled_from(("us-east-1", "eu-west-1")),
        _ids,
    )


def connection_arns(known: tuple[str, ...] = ()) -> st.SearchStrategy[str]:
    """ARNs that exist (``known``), valid ones that do not, near-misses and junk strings."""
    exists = st.sampled_from(known) if known else st.nothing()
    return exists | _near(_valid_arn("connection")) | _arn_parts("connection") | _text


host_arns: st.SearchStrategy[str] = (
    _near(_valid_arn("host"))
    | _arn_parts("host")
    # As long as AWS allows and a little longer.
    | st.builds(
        lambda n: f"arn:aws:codestar-connections:us-east-1:{ACCOUNT}:host/{'h' * n}",
        st.integers(200, 260),
    )
    | _text
)
# Few valid roles: each new one costs a botocore session and an AssumeRole.
_roles = st.sampled_from(
    (f"arn:aws:iam::{ACCOUNT}:role/reader", f"arn:aws:iam::{ACCOUNT}:role/ci/x")
)
role_arns: st.SearchStrategy[str] = (
    _near(_roles)
    | st.builds(lambda name: f"arn:aws:iam::{ACCOUNT}:role/{name}", _tricky_text)
    | _text
)
_names = st.sampled_from(("github-main", "gitlab")) | st.text(max_size=36)
_statuses = (
    st.sampled_from(STATUSES)
    | st.lists(st.sampled_from(STATUSES) | _text, max_size=3)
    | _near(st.sampled_from(STATUSES))
)
_session_names = _near(st.sampled_from(("ci", "pipeline-reader"))) | _tricky_text | _text
_external_ids = _near(st.sampled_from(("tools-ci", "a/b:c"))) | _tricky_text | _text

# Values a careful user would write, field by field...
_VALID: dict[str, st.SearchStrategy[Any]] = {
    "connectionName": st.sampled_from(("github-main", "gitlab", "x" * 32)),
    "providerType": st.sampled_from(("GitHub", "GitLab", "Bitbucket")),
    "hostArn": _valid_arn("host"),
    "requireStatus": st.sampled_from(STATUSES) | st.lists(st.sampled_from(STATUSES), min_size=1),
    "region": _valid_regions,
    "service": st.sampled_from(SERVICES),
    "profile": st.sampled_from(("default", "pipeline")),
    "assumeRoleArn": _roles,
    "externalId": st.sampled_from(("tools-ci", "a/b:c")),
    "sessionName": st.sampled_from(("ci", "pipeline-reader")),
}
# ...and what else arrives: near-misses, junk strings, any JSON type.
_HOSTILE: dict[str, st.SearchStrategy[Any]] = {
    "connectionName": _names,
    "providerType": st.sampled_from(ALL_PROVIDER_TYPES) | _near(st.just("GitHub")),
    "hostArn": host_arns,
    "requireStatus": _statuses,
    "region": regions,
    "service": _near(st.just("codeconnections")),
    "profile": st.text(min_size=1, max_size=10) | st.just(""),
    "assumeRoleArn": role_arns,
    "externalId": _external_ids,
    "sessionName": _session_names,
}
_FIELD_VALUES = {key: _VALID[key] | _HOSTILE[key] | json_values for key in _VALID}


@st.composite
def _careful_inputs(
    draw: st.DrawFn, known: tuple[str, ...], *, spoil: bool = True
) -> dict[str, Any]:
    """What a careful user writes (ARN xor name), then (with ``spoil``) maybe one value spoiled.

    Careful means coherent: a region or service next to an ARN is the ARN's own, a host ARN
    belongs to the lookup's service, the role's extras come with a role.
    """
    inputs: dict[str, Any] = {}
    if draw(st.booleans()):
        exists = st.sampled_from(known) if known else st.nothing()
        arn = draw(exists | _valid_arn("connection"))
        inputs["connectionArn"] = arn
        service, region = arn.split(":")[2:4]
    else:
        inputs["connectionName"] = draw(_VALID["connectionName"])
        service, region = draw(st.sampled_from(SERVICES)), draw(_valid_regions)
        if draw(st.booleans()):
            name = draw(_ids)
            inputs["hostArn"] = f"arn:aws:{service}:{region}:{ACCOUNT}:host/{name}"
    optional = {"region": region, "service": service}
    for key in draw(st.sets(st.sampled_from(sorted(optional)))):
        inputs[key] = optional[key]
    for key in draw(st.sets(st.sampled_from(("providerType", "requireStatus", "profile")))):
        inputs[key] = draw(_VALID[key])
    if draw(st.booleans()):
        inputs["assumeRoleArn"] = draw(_VALID["assumeRoleArn"])
        for key in draw(st.sets(st.sampled_from(("externalId", "sessionName")))):
            inputs[key] = draw(_VALID[key])
    if spoil and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(INPUT_FIELDS)))
        spoiled = connection_arns(known) if key == "connectionArn" else _HOSTILE[key]
        inputs[key] = draw(spoiled | json_values)
    return inputs


def input_maps(known: tuple[str, ...] = ()) -> st.SearchStrategy[dict[str, Any]]:
    """A resource's inputs by state name: careful ones with one spoiled value, or anything."""
    fields = {**_FIELD_VALUES, "connectionArn": connection_arns(known) | json_values}
    assert set(fields) == set(INPUT_FIELDS)
    return _careful_inputs(known) | st.fixed_dictionaries({}, optional=fields)


# A listing's (Connections') inputs: the lookup's filters under their listing names.
_LISTING_NAMES = {"providerTypeFilter": "providerType", "hostArnFilter": "hostArn"}


def listing_maps() -> st.SearchStrategy[dict[str, Any]]:
    """A listing's inputs by state name: values a careful user writes, or any of them valid,
    near-missing or any JSON value."""
    inputs = {key: _LISTING_NAMES.get(key, key) for key in LISTING_INPUT_FIELDS}
    careful = {key: _VALID[field] for key, field in inputs.items()}
    anything = {key: _FIELD_VALUES[field] for key, field in inputs.items()}
    return st.fixed_dictionaries({}, optional=careful) | st.fixed_dictionaries(
        {}, optional=anything
    )


# A program's stack config: `connections` entries use arn/name for connectionArn/connectionName.
_ENTRY_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    **{key: value for key, value in _FIELD_VALUES.items() if key != "connectionName"},
    "arn": connection_arns(),
    "name": _FIELD_VALUES["connectionName"],
    "key": st.sampled_from(("github", "github")) | _text,
}
_CONFIG_NAMES = {"connectionArn": "arn", "connectionName": "name"}


def _entry(inputs: dict[str, Any]) -> dict[str, Any]:
    return {_CONFIG_NAMES.get(key, key): value for key, value in inputs.items()}


_entries = (
    st.fixed_dictionaries(
        {}, optional={key: value | json_values for key, value in _ENTRY_FIELDS.items()}
    )
    | _careful_inputs(()).map(_entry)
    | st.dictionaries(
        st.sampled_from((*_ENTRY_FIELDS, "connectionArn", "tags")) | _text,
        json_values,
        max_size=3,
    )
)
# A config a careful user writes: a few entries, each with its own key.
_careful_config = st.lists(
    _careful_inputs((), spoil=False).map(_entry), min_size=1, max_size=3
).map(lambda entries: [{**entry, "key": f"k{index}"} for index, entry in enumerate(entries)])
connections_config: st.SearchStrategy[Any] = (
    _careful_config | st.lists(_entries, max_size=4) | json_values | st.just([])
)


@st.composite
def cli_arguments(draw: st.DrawFn, known: tuple[str, ...] = ()) -> list[str]:
    """argv for get / check / list / stack-outputs: mostly the command's own flags, in any
    order, with values of any kind; sometimes a flag it lacks or a command that does not exist.
    """
    # A command-line argument cannot hold NUL; everything else may arrive.
    arg = st.text(alphabet=st.characters(exclude_characters="\x00"), max_size=30)

    def no_nul(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return strategy.filter(lambda value: "\x00" not in value) | arg

    lookup = {
        "--name": no_nul(_names),
        "--provider-type": st.sampled_from(("GitHub", "gitlab")) | no_nul(_text),
        "--host-arn": no_nul(host_arns),
    }
    common = {
        "--region": no_nul(regions),
        "--service": st.sampled_from(SERVICES) | arg,
        "--output": st.sampled_from(("json", "text", "table")) | arg,
        "--query": st.sampled_from(("Connection.ConnectionStatus", "Connections[].x")) | arg,
    }
    status = {"--status": no_nul(_near(st.sampled_from(STATUSES)))}
    own = {
        "get": {**lookup, **common},
        "check": {**lookup, **common, **status},
        "list": {
            "--provider-type": lookup["--provider-type"],
            "--host-arn": lookup["--host-arn"],
            **common,
        },
        "stack-outputs": {**common, **status},
    }
    command = draw(st.sampled_from(sorted(own)) | arg)
    flags = dict(own.get(command, common))
    if draw(st.integers(0, 9)) == 0:
        flags["--bogus"] = arg
        flags.update(status)
    argv = [command]
    if command != "list" and draw(st.booleans()):
        argv.append(draw(no_nul(connection_arns(known))))
    for flag in draw(st.lists(st.sampled_from(sorted(flags)), max_size=3, unique=True)):
        argv += [flag, draw(flags[flag])]
    return argv
