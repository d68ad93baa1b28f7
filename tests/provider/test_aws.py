"""The AWS layer in-process: the client cache under the provider host's threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from emulator.client import EmulatorClient
from pulumi_codestar_connections.aws import clients
from pulumi_codestar_connections.aws.lookups import (
    clear_client_cache,
    client_for,
    find_connection_by_arn,
    find_connection_by_name,
    list_connections,
)
from pulumi_codestar_connections.core.errors import (
    AmbiguousConnectionName,
    CodestarConnectionsError,
    ConnectionNotFound,
)


def test_concurrent_lookups_share_one_client_per_service_and_region(
    aws_env: dict[str, str], emulator: EmulatorClient
) -> None:
    clear_client_cache()
    arns = [
        emulator.create_connection(f"c{i}", region=("us-east-1", "eu-west-1")[i % 2])
        for i in range(16)
    ]

    with ThreadPoolExecutor(max_workers=8) as pool:
        records = list(pool.map(find_connection_by_arn, arns))

    assert [r.connection_name for r in records] == [f"c{i}" for i in range(16)]
    default = (None, None)  # (profile, role)
    assert set(clients._clients) == {
        ("codestar-connections", "us-east-1", default),
        ("codestar-connections", "eu-west-1", default),
    }
    assert (
        client_for("codestar-connections", "us-east-1")
        is clients._clients[("codestar-connections", "us-east-1", default)]
    )
    clear_client_cache()


def test_list_connections_reads_every_page_with_the_largest_page_size(
    aws_env: dict[str, str], emulator: EmulatorClient
) -> None:
    clear_client_cache()
    arns = {emulator.create_connection(f"c{i}") for i in range(250)}

    records = list_connections(region="us-east-1")

    assert {r.connection_arn for r in records} == arns
    assert len(emulator.calls("ListConnections")) == 3  # 100 + 100 + 50


def test_find_by_name_honours_the_filters(
    aws_env: dict[str, str], emulator: EmulatorClient
) -> None:
    clear_client_cache()
    emulator.create_connection("shared", provider_type="GitHub")
    gitlab = emulator.create_connection("shared", provider_type="GitLab")

    found = find_connection_by_name("shared", region="us-east-1", provider_type="GitLab")

    assert found.connection_arn == gitlab


def test_find_by_name_without_match_says_how_many_were_searched_where(
    aws_env: dict[str, str], emulator: EmulatorClient
) -> None:
    clear_client_cache()
    emulator.create_connection("other", region="eu-west-1")
    emulator.create_connection("another", region="eu-west-1")

    with pytest.raises(ConnectionNotFound) as raised:
        find_connection_by_name("missing", region="eu-west-1")

    assert str(raised.value) == (
        "no connection named 'missing' among the 2 connection(s) of account 123456789012 in "
        "codestar-connections in eu-west-1: check the name (it is case-sensitive), the region "
        "and the account"
    )


def test_find_by_name_with_two_matches_names_both_arns(
    aws_env: dict[str, str], emulator: EmulatorClient
) -> None:
    clear_client_cache()
    first = emulator.create_connection("twin")
    second = emulator.create_connection("twin")

    with pytest.raises(AmbiguousConnectionName) as raised:
        find_connection_by_name("twin", region="us-east-1")

    assert sorted(raised.value.arns) == sorted([first, second])
    assert first in str(raised.value) and second in str(raised.value)


def test_the_data_loader_reads_botocore_s_own_data_for_the_services_we_use(
    tmp_path: Path,
) -> None:
    import botocore.exceptions
    import botocore.loaders

    loader = clients._loader(None)
    standard = botocore.loaders.create_loader()

    # Same search path, same models: only the "does this service exist" listing is narrowed.
    assert loader.search_paths == standard.search_paths
    assert loader.list_available_services("service-2") == sorted(clients._SERVICES)
    for service in clients._SERVICES:
        for kind in ("service-2", "endpoint-rule-set-1"):
            assert loader.load_service_model(service, kind) == standard.load_service_model(
                service, kind
            )
    # AWS_DATA_PATH (a session's data_path) stays first, as botocore orders it.
    assert clients._loader(str(tmp_path)).search_paths[0] == str(tmp_path)
    # Every session the AWS layer makes shares the loader; a service we never use is refused.
    session = clients._new_session(None)
    assert session.get_component("data_loader") is loader
    with pytest.raises(botocore.exceptions.UnknownServiceError):
        session.create_client("s3", region_name="us-east-1")


@pytest.mark.parametrize(
    ("error_code", "http_status", "says"),
    [
        ("ValidationException", 400, "AWS refused ListConnections for the codestar-connections "),
        ("AccessDeniedException", 400, "not allowed to read the codestar-connections connections"),
    ],
)
def test_a_listing_error_names_the_service_and_region_once(
    aws_env: dict[str, str], emulator: EmulatorClient, error_code: str, http_status: int, says: str
) -> None:
    clear_client_cache()
    emulator.add_fault("ListConnections", error_code=error_code, http_status=http_status)

    with pytest.raises(CodestarConnectionsError) as raised:
        list_connections(region="eu-west-1", service="codestar-connections")

    message = str(raised.value)
    assert says in message
    assert message.count("eu-west-1") == 1, message
    clear_client_cache()
