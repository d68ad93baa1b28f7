"""Bad input, property-based: every input either works or gets a clear validation error.

"Clear" means our own exception type (``InvalidInput`` / ``InvalidConnectionArn`` /
``ConfigError``), a Pulumi CheckFailure on the property at fault, or the CLI's exit code 2 with
one line on stderr — never a traceback, and never an API call for input that is invalid (the
emulator's call log is the witness). What is accepted must also be acceptable to AWS: a region
botocore can build a client for, and values that match the service models' patterns and
lengths, so that no "valid" input comes back as a ValidationException after a round trip.

Pure validators run in-process with the profile's example count (500 in CI, 10,000 with
``HYPOTHESIS_PROFILE=deep``); the gRPC host and the CLI subprocess get a few examples each.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.loaders
import botocore.utils
import pytest
from botocore.exceptions import InvalidRegionError
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from pulumi.dynamic import CheckFailure, CheckResult

from devkit.dynamic_host import DynamicHost
from emulator.client import EmulatorClient
from pulumi_codestar_connections import aws
from pulumi_codestar_connections.cli.main import main as cli_main
from pulumi_codestar_connections.core.arns import (
    ConnectionArn,
    parse_connection_arn,
    partition_of_region,
)
from pulumi_codestar_connections.core.errors import ConfigError, InvalidConnectionArn, InvalidInput
from pulumi_codestar_connections.dynamic.provider import ConnectionProvider
from pulumi_codestar_connections.engine.inputs import (
    INPUT_FIELDS,
    LISTING_INPUT_FIELDS,
    ListingSpec,
    LookupSpec,
    parse_inputs,
)
from pulumi_codestar_connections.engine.listing import LISTING
from pulumi_codestar_connections.engine.reader import ConnectionReader
from pulumi_codestar_connections.engine.stack_config import entries_from_config
from tests.support.call_log import provider_calls
from tests.support.hosts import host_env

from .strategies import (
    STATUSES,
    cli_arguments,
    connection_arns,
    connections_config,
    input_maps,
    json_values,
    listing_maps,
    regions,
)

ROOT = Path(__file__).resolve().parents[2]
# Java regular expressions (AWS's) stop `.` at these line terminators; Python's only at "\n".
_JAVA_DOT = "[^\n\r\x85\u2028\u2029]"


def _model_shape(service: str, shape: str) -> dict[str, Any]:
    model = botocore.loaders.create_loader().load_service_model(service, "service-2")
    return dict(model["shapes"][shape])


# HostArn as each service model states it (pattern and length), read with Java's meaning and
# anchored: the pattern says what a whole value looks like. From the models, not from our code,
# so that the test cannot share a mistake with the validator.
_AWS_HOST_ARN = {
    service: (
        re.compile(
            _model_shape(service, "HostArn")["pattern"].replace(".+", f"{_JAVA_DOT}+"), re.ASCII
        ),
        int(_model_shape(service, "HostArn")["max"]),
    )
    for service in ("codestar-connections", "codeconnections")
}
# IAM/STS's patterns for what the role inputs become (RoleArn, RoleSessionName, ExternalId).
_AWS_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}", re.ASCII)
_AWS_EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]{2,1224}", re.ASCII)
_AWS_ROLE_ARN = re.compile(r"arn:aws(-\w+)*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}", re.ASCII)
_FUNCTION_FIXTURES = [HealthCheck.function_scoped_fixture]
# What AWS answers a request that breaks the model: we must never send one.
_REFUSALS = ("ValidationException", "SerializationException")


def _region_is_usable(region: str) -> None:
    """A region we accept: an AWS region, and one botocore will make a client for."""
    assert partition_of_region(region) is not None
    try:
        botocore.utils.validate_region_name(region)
    except InvalidRegionError:
        pytest.fail(f"accepted region {region!r} that botocore refuses to make a client for")


def _assert_clear(message: str) -> None:
    assert message.strip(), "an empty error message"
    assert "\n" not in message, f"a multi-line message: {message!r}"
    assert "Traceback" not in message


def _assert_acceptable_to_aws(spec: LookupSpec) -> None:
    assert (spec.arn is None) != (spec.name is None)
    if spec.region is not None:
        _region_is_usable(spec.region)
    if spec.arn is not None:
        _region_is_usable(spec.arn.region)
    if spec.name is not None:
        assert 1 <= len(spec.name) <= 32
    if spec.host_arn is not None:
        pattern, longest = _AWS_HOST_ARN[spec.service]
        assert len(spec.host_arn) <= longest, f"a {len(spec.host_arn)}-character host ARN"
        assert pattern.fullmatch(spec.host_arn), (
            f"accepted host ARN {spec.host_arn!r} that {spec.service}'s model refuses"
        )
    assert set(spec.require_status) <= set(STATUSES)
    if spec.role is not None:
        assert _AWS_ROLE_ARN.fullmatch(spec.role.role_arn), spec.role.role_arn
        assert _AWS_SESSION_NAME.fullmatch(spec.role.session_name), spec.role.session_name
        if spec.role.external_id is not None:
            assert _AWS_EXTERNAL_ID.fullmatch(spec.role.external_id), spec.role.external_id


# ---- pure validators, in-process, the profile's example count --------------------------------


@given(value=connection_arns() | json_values)
def test_property_connection_arn_parses_exactly_or_fails_with_our_error(value: object) -> None:
    try:
        parsed = parse_connection_arn(value, field="connection_arn")
    except InvalidConnectionArn as error:
        _assert_clear(str(error))
        assert str(error).startswith("connection_arn: ")
        return
    assert isinstance(parsed, ConnectionArn)
    assert str(parsed) == value
    _region_is_usable(parsed.region)


@given(region=regions | json_values)
def test_property_region_is_recognised_only_when_botocore_can_use_it(region: Any) -> None:
    if not isinstance(region, str):
        return
    if partition_of_region(region) is not None:
        _region_is_usable(region)


@given(inputs=input_maps(), default_region=st.none() | st.sampled_from(("eu-west-1",)))
@example(
    inputs={"connectionName": "github-main", "connectionArn": None}, default_region="eu-west-1"
)
def test_property_inputs_validate_to_a_lookup_aws_accepts_or_name_the_bad_one(
    inputs: dict[str, Any], default_region: str | None
) -> None:
    try:
        spec = parse_inputs(inputs, default_region=default_region)
    except InvalidInput as error:
        event(f"refused on {error.key}")
        assert error.key in INPUT_FIELDS
        _assert_clear(str(error))
        return
    event("accepted")
    assert spec is not None  # nothing here is unknown
    _assert_acceptable_to_aws(spec)
    if inputs.get("connectionArn") is not None:  # None is an absent input, as the engine sends it
        assert str(spec.arn) == inputs["connectionArn"]
    else:
        assert spec.arn is None


@given(inputs=listing_maps(), default_region=st.none() | st.sampled_from(("eu-west-1",)))
def test_property_listing_inputs_validate_to_a_listing_aws_accepts_or_name_the_bad_one(
    inputs: dict[str, Any], default_region: str | None
) -> None:
    try:
        spec = LISTING.parse(LISTING.given(inputs), default_region=default_region)
    except InvalidInput as error:
        event(f"refused on {error.key}")
        assert error.key in LISTING_INPUT_FIELDS
        _assert_clear(str(error))
        return
    event("accepted")
    assert isinstance(spec, ListingSpec)  # nothing here is unknown
    # The same promises as a lookup's: as a name lookup with the listing's filters.
    _assert_acceptable_to_aws(
        LookupSpec(
            arn=None,
            name="listed",
            provider_type=spec.provider_type,
            host_arn=spec.host_arn,
            require_status=spec.require_status,
            region=spec.region,
            service=spec.service,
            profile=spec.profile,
            role=spec.role,
        )
    )


@given(connection_arn=st.none() | connection_arns(), connections=connections_config)
def test_property_stack_config_yields_entries_or_a_config_error_naming_the_key(
    connection_arn: str | None, connections: Any
) -> None:
    try:
        single, listed = entries_from_config(connection_arn, connections)
    except ConfigError as error:
        event("refused")
        _assert_clear(str(error))
        assert str(error).startswith("stack config ")
        return
    event(f"accepted with {len(listed)} entries")
    assert single is not None or listed
    if single is not None:
        assert single.arguments == {"connection_arn": connection_arn}
    keys = [entry.key for entry in listed]
    assert len(set(keys)) == len(keys) and all(isinstance(k, str) and k for k in keys)
    for entry in listed:
        # What the program hands to Connection(...) validates the same way in the provider.
        camel = {
            re.sub(r"_([a-z])", lambda m: m[1].upper(), key): value
            for key, value in entry.arguments.items()
        }
        spec = parse_inputs(camel, default_region="us-east-1")
        assert spec is not None
        _assert_acceptable_to_aws(spec)


# ---- the provider's Check in-process against the emulator -------------------------------------


@pytest.fixture
def in_process_aws(
    aws_env: dict[str, str], moto_sts: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """The AWS layer's clients aimed at the emulator, STS at moto (cached clients dropped)."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", moto_sts)
    aws.clear_client_cache()
    yield
    aws.clear_client_cache()


def test_property_check_makes_no_call_for_invalid_inputs_and_no_invalid_call(
    in_process_aws: None, emulator: EmulatorClient
) -> None:
    known = (
        emulator.create_connection("github-main", region="us-east-1"),
        emulator.create_connection("gitlab", provider_type="GitLab", region="eu-west-1"),
    )
    provider = ConnectionProvider()
    provider._reader = ConnectionReader(region="us-east-1")  # what configure() reads, aws:region

    # Seeded once; the examples share the emulator (the provider never changes it).
    @given(inputs=input_maps(known))
    def check_one(inputs: dict[str, Any]) -> None:
        emulator.clear_calls()

        result = provider.check({}, inputs)

        calls = emulator.calls()
        assert isinstance(result, CheckResult)
        for failure in result.failures or []:
            assert isinstance(failure, CheckFailure)
            assert failure.property in INPUT_FIELDS
            _assert_clear(failure.reason)
        try:
            parse_inputs(inputs, default_region="us-east-1")
        except InvalidInput as error:
            event("invalid")
            assert calls == [], f"API calls for invalid input {inputs!r}: {calls}"
            failures = [(f.property, f.reason) for f in result.failures or []]
            assert failures == [(error.key, str(error))]
            return
        event("valid: looked up" if not result.failures else "valid: AWS said no")
        refused = [c for c in calls if c["ErrorCode"] in _REFUSALS]
        assert refused == [], f"AWS would refuse what we accepted: {inputs!r} -> {refused}"

    check_one()


# ---- a few examples through the real gRPC host --------------------------------------------------


@pytest.fixture(scope="module")
def grpc_host(
    emulator_server: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DynamicHost]:
    running = DynamicHost(
        host_env(emulator_server.url, tmp_path_factory.mktemp("aws")), {"aws:region": "us-east-1"}
    )
    yield running
    running.close()


@settings(max_examples=25, suppress_health_check=_FUNCTION_FIXTURES)
@given(inputs=input_maps())
def test_property_check_through_the_grpc_host_fails_on_a_property_never_with_a_crash(
    grpc_host: DynamicHost, emulator: EmulatorClient, inputs: dict[str, Any]
) -> None:
    emulator.clear_calls()

    _, failures = grpc_host.check(inputs)

    for property_, reason in failures:
        assert property_ in INPUT_FIELDS
        _assert_clear(reason)
    try:
        parse_inputs(inputs, default_region="us-east-1")
    except InvalidInput:
        assert emulator.calls() == []
        assert len(failures) == 1


# ---- the CLI's arguments ------------------------------------------------------------------------

_EXIT_CODES = {0, 1, 2, 3, 4}


def _assert_cli_contract(
    argv: list[str], code: int, stdout: str, stderr: str, calls: list[Any]
) -> None:
    assert code in _EXIT_CODES, (argv, code, stderr)
    assert "Traceback" not in stderr, (argv, stderr)
    assert "internal error" not in stderr, (argv, stderr)
    if code != 0 or stderr:
        assert stderr.startswith("codestar-connection: "), (argv, stderr)
    if code == 2:
        assert len(stderr.splitlines()) == 1, (argv, stderr)
        assert stdout == ""
        assert calls == [], f"API calls before a usage error for {argv!r}: {calls}"


def test_property_cli_arguments_work_or_exit_2_with_one_line_before_any_call(
    in_process_aws: None, emulator: EmulatorClient
) -> None:
    known = (emulator.create_connection("github-main"),)
    documents = st.sampled_from(("", "{}", f'{{"a": "{known[0]}"}}')) | st.text(max_size=30)

    @given(argv=cli_arguments(known), stdin_text=documents)
    def run_one(argv: list[str], stdin_text: str) -> None:
        emulator.clear_calls()
        stdout, stderr = io.StringIO(), io.StringIO()

        code = cli_main(argv, stdin=io.StringIO(stdin_text), stdout=stdout, stderr=stderr)

        event(f"exit {code}")
        calls = provider_calls(emulator)
        _assert_cli_contract(argv, code, stdout.getvalue(), stderr.getvalue(), calls)

    run_one()


@settings(max_examples=6, suppress_health_check=_FUNCTION_FIXTURES)
@given(data=st.data())
def test_property_cli_process_arguments_work_or_exit_2_with_one_line(
    aws_env: dict[str, str], emulator: EmulatorClient, data: st.DataObject
) -> None:
    emulator.reset()
    known = (emulator.create_connection("github-main"),)
    argv = data.draw(cli_arguments(known).filter(lambda a: a[0] != "stack-outputs"), label="argv")
    emulator.clear_calls()

    completed = subprocess.run(
        [sys.executable, "-m", "pulumi_codestar_connections", *argv],
        cwd=ROOT,
        env={**aws_env, "AWS_EC2_METADATA_DISABLED": "true"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    _assert_cli_contract(
        argv, completed.returncode, completed.stdout, completed.stderr, provider_calls(emulator)
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["list", "--provider-type", "GitHubb"],
        ["get", "--name", "x", "--host-arn", "arn:aws:codestar-connections:us-east-1:1:host/h"],
    ],
)
def test_cli_refuses_filters_aws_would_refuse_before_any_call(
    in_process_aws: None, emulator: EmulatorClient, argv: list[str]
) -> None:
    stderr = io.StringIO()

    code = cli_main(argv, stdin=io.StringIO(), stdout=io.StringIO(), stderr=stderr)

    assert code == 2
    assert provider_calls(emulator) == []
