"""The AWS Query wire (STS): form requests, XML answers and errors, as botocore reads them."""

from __future__ import annotations

import datetime
import http.client
import urllib.parse
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.model import ServiceModel
from botocore.parsers import QueryParser
from botocore.serialize import QuerySerializer

from devkit.raw_aws import RawResponse, sigv4_authorization
from emulator.client import EmulatorClient
from emulator.core.query_input import params_from_form
from emulator.core.xml_output import response_document
from emulator.sts.apis import apis as sts_apis
from tests.emulator.conftest import MANAGEMENT, sts_client
from tests.emulator.test_connections import error_of

NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"
NS = {"sts": NAMESPACE}
MEMBER = "222222222222"
FORM = "application/x-www-form-urlencoded; charset=utf-8"


def query_request(
    url: str,
    fields: dict[str, str] | bytes,
    *,
    service: str = "sts",
    region: str = "us-east-1",
    authorization: str | None = "sigv4",
    content_type: str = FORM,
) -> RawResponse:
    """POST one form-encoded request, as botocore sends STS calls."""
    body = fields if isinstance(fields, bytes) else urllib.parse.urlencode(fields).encode()
    headers = {"Content-Type": content_type}
    if authorization == "sigv4":
        headers["Authorization"] = sigv4_authorization(service=service, region=region)
    elif authorization is not None:
        headers["Authorization"] = authorization
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        connection.request("POST", "/", body=body, headers=headers)
        response = connection.getresponse()
        return RawResponse(
            status=response.status,
            headers={name.lower(): value for name, value in response.getheaders()},
            body=response.read(),
        )
    finally:
        connection.close()


def error_type(raised: pytest.ExceptionInfo[ClientError]) -> object:
    """The Type (Sender or Receiver) botocore read from a Query error."""
    return dict(raised.value.response["Error"]).get("Type")


def xml_error(response: RawResponse) -> tuple[str, str, str]:
    """(Type, Code, Message) of an ErrorResponse, after checking its form and request id."""
    root = ET.fromstring(response.body)
    assert root.tag == "ErrorResponse"
    assert [child.tag for child in root] == ["Error", "RequestId"]
    assert root.findtext("RequestId") == response.headers["x-amzn-requestid"]
    error = root.find("Error")
    assert error is not None
    assert [child.tag for child in error] == ["Type", "Code", "Message"]
    assert response.headers["content-type"] == "text/xml"
    return (
        error.findtext("Type") or "",
        error.findtext("Code") or "",
        error.findtext("Message") or "",
    )


def test_get_caller_identity_answers_awss_document(emulator: EmulatorClient) -> None:
    response = query_request(emulator.url, {"Action": "GetCallerIdentity", "Version": "2011-06-15"})

    assert response.status == 200
    root = ET.fromstring(response.body)
    assert root.tag == f"{{{NAMESPACE}}}GetCallerIdentityResponse"
    result = root.find("sts:GetCallerIdentityResult", NS)
    assert result is not None
    assert {child.tag.split("}")[1]: child.text for child in result} == {
        "UserId": MANAGEMENT,
        "Account": MANAGEMENT,
        "Arn": f"arn:aws:iam::{MANAGEMENT}:root",
    }
    request_id = root.findtext("sts:ResponseMetadata/sts:RequestId", namespaces=NS)
    assert request_id == response.headers["x-amzn-requestid"]


def test_access_denied_is_an_error_document_botocore_parses(emulator: EmulatorClient) -> None:
    role = f"arn:aws:iam::{MEMBER}:role/Audit"
    response = query_request(
        emulator.url,
        {
            "Action": "AssumeRole",
            "Version": "2011-06-15",
            "RoleArn": role,
            "RoleSessionName": "s1",
        },
    )

    assert response.status == 403
    assert xml_error(response) == (
        "Sender",
        "AccessDenied",
        f"User: arn:aws:iam::{MANAGEMENT}:root is not authorized to perform: sts:AssumeRole "
        f"on resource: {role}",
    )
    with pytest.raises(ClientError) as raised:
        sts_client(emulator).assume_role(RoleArn=role, RoleSessionName="s1")
    assert raised.value.response["Error"] == {
        "Type": "Sender",
        "Code": "AccessDenied",
        "Message": xml_error(response)[2],
    }
    assert raised.value.response["ResponseMetadata"]["RequestId"]


def test_missing_authorization_is_refused_in_xml(emulator: EmulatorClient) -> None:
    response = query_request(
        emulator.url,
        {"Action": "GetCallerIdentity", "Version": "2011-06-15"},
        authorization=None,
    )

    assert response.status == 403
    assert xml_error(response) == (
        "Sender",
        "MissingAuthenticationToken",
        "Missing Authentication Token",
    )
    [call] = emulator.calls()
    assert (call["Service"], call["Operation"], call["ErrorCode"]) == (
        "sts",
        "GetCallerIdentity",
        "MissingAuthenticationToken",
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"Action": "GetCallerIdentities", "Version": "2011-06-15"},
            "Could not find operation GetCallerIdentities for version 2011-06-15",
        ),
        (
            {"Action": "GetCallerIdentity", "Version": "2099-01-01"},
            "Could not find operation GetCallerIdentity for version 2099-01-01",
        ),
        ({"Version": "2011-06-15"}, "The request must contain the parameter Action"),
    ],
)
def test_an_unknown_action_is_invalid(
    emulator: EmulatorClient, fields: dict[str, str], message: str
) -> None:
    response = query_request(emulator.url, fields)

    assert response.status == 400
    assert xml_error(response) == ("Sender", "InvalidAction", message)


def test_an_operation_the_emulator_lacks_is_unsupported(emulator: EmulatorClient) -> None:
    with pytest.raises(ClientError) as raised:
        sts_client(emulator).get_session_token()

    assert error_of(raised) == (
        "UnsupportedOperationException",
        "GetSessionToken is not supported by the STS emulator",
    )


def test_a_body_that_is_not_a_form_is_malformed(emulator: EmulatorClient) -> None:
    response = query_request(emulator.url, b"Action=%FF%FE")

    assert response.status == 400
    assert xml_error(response)[1] == "MalformedQueryString"
    assert emulator.calls()[-1]["Service"] == "sts"


def test_members_are_validated_against_the_model(emulator: EmulatorClient) -> None:
    response = query_request(
        emulator.url,
        {
            "Action": "AssumeRole",
            "Version": "2011-06-15",
            "RoleArn": f"arn:aws:iam::{MEMBER}:role/Audit",
            "RoleSessionName": "s1",
            "DurationSeconds": "soon",
        },
    )

    assert xml_error(response) == (
        "Sender",
        "ValidationError",
        "1 validation error detected: Value 'soon' at 'durationSeconds' failed to satisfy "
        "constraint: Member must be an integer",
    )


def test_odd_characters_in_the_session_name_survive_the_xml(emulator: EmulatorClient) -> None:
    emulator.create_account("member", account_id=MEMBER)
    role = f"arn:aws:iam::{MEMBER}:role/OrganizationAccountAccessRole"
    name = "a&b<c>d\"e'f]]>g\u00e9\u4e2d\r\n+=,.@-"
    raw: list[bytes] = []
    sts = sts_client(emulator)
    sts.meta.events.register(
        "before-parse", lambda response_dict, **_: raw.append(response_dict["body"])
    )

    answer = sts.assume_role(RoleArn=role, RoleSessionName=name)
    caller = sts_client(emulator, credentials=answer["Credentials"]).get_caller_identity()

    expected = f"arn:aws:sts::{MEMBER}:assumed-role/OrganizationAccountAccessRole/{name}"
    assert answer["AssumedRoleUser"]["Arn"] == expected
    assert answer["AssumedRoleUser"]["AssumedRoleId"].endswith(f":{name}")
    assert caller["Arn"] == expected
    assert b"a&amp;b&lt;c&gt;d\"e'f]]&gt;g" in raw[0]
    assert b"&#13;" in raw[0]


def test_odd_characters_in_a_role_arn_survive_the_error_message(
    emulator: EmulatorClient,
) -> None:
    role = f'arn:aws:iam::{MEMBER}:role/<Admin> & "co"'

    with pytest.raises(ClientError) as raised:
        sts_client(emulator).assume_role(RoleArn=role, RoleSessionName="s1")

    assert error_of(raised)[1].endswith(f"on resource: {role}")


def test_a_character_xml_cannot_carry_is_refused(emulator: EmulatorClient) -> None:
    response = query_request(
        emulator.url,
        {
            "Action": "AssumeRole",
            "Version": "2011-06-15",
            "RoleArn": f"arn:aws:iam::{MEMBER}:role/Audit",
            "RoleSessionName": "bell\x07",
        },
    )

    assert response.status == 400
    assert xml_error(response) == (
        "Sender",
        "ValidationError",
        "Parameter 'RoleSessionName' contains a character AWS does not accept",
    )


def test_an_injected_fault_is_rendered_in_xml(emulator: EmulatorClient) -> None:
    emulator.add_fault("GetCallerIdentity", error_code="Throttling", http_status=400)
    emulator.add_fault("GetCallerIdentity", http_status=503)
    sts = sts_client(emulator)

    with pytest.raises(ClientError) as throttled:
        sts.get_caller_identity()
    with pytest.raises(ClientError) as unavailable:
        sts.get_caller_identity()

    assert error_of(throttled) == ("Throttling", "Throttling injected by the emulator")
    assert error_type(throttled) == "Sender"
    assert unavailable.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert error_type(unavailable) == "Receiver"
    assert [c["ErrorCode"] for c in emulator.calls()] == ["Throttling", "ServiceUnavailable"]


def test_a_form_signed_for_another_service_still_reaches_sts(emulator: EmulatorClient) -> None:
    response = query_request(
        emulator.url,
        {"Action": "GetCallerIdentity", "Version": "2011-06-15"},
        service="iam",
    )

    assert response.status == 200
    assert emulator.calls()[-1]["Service"] == "sts"


def test_a_json_request_is_not_read_as_query(emulator: EmulatorClient) -> None:
    response = query_request(
        emulator.url,
        b"{}",
        content_type="application/x-amz-json-1.0",
        service="codestar-connections",
    )

    assert response.status == 400
    assert response.json()["__type"] == "UnknownOperationException"


# The generic parts, against a made-up Query model with every kind of shape.

_MODEL = ServiceModel(
    {
        "metadata": {
            "apiVersion": "2020-01-01",
            "protocol": "query",
            "endpointPrefix": "made-up",
            "xmlNamespace": "https://example.com/doc/2020-01-01/",
        },
        "operations": {
            "Everything": {
                "name": "Everything",
                "http": {"method": "POST", "requestUri": "/"},
                "input": {"shape": "Thing"},
                "output": {"shape": "Thing", "resultWrapper": "EverythingResult"},
            }
        },
        "shapes": {
            "Thing": {
                "type": "structure",
                "members": {
                    "Text": {"shape": "String"},
                    "Count": {"shape": "Integer"},
                    "Ratio": {"shape": "Double"},
                    "On": {"shape": "Boolean"},
                    "When": {"shape": "Timestamp"},
                    "Blob": {"shape": "Blob"},
                    "Names": {"shape": "Names"},
                    "Flat": {"shape": "Flat"},
                    "Labels": {"shape": "Labels"},
                    "Renamed": {"shape": "String", "locationName": "OtherName"},
                    "Inner": {"shape": "Inner"},
                    "Items": {"shape": "Items"},
                },
            },
            "Inner": {
                "type": "structure",
                "members": {"Deep": {"shape": "String"}, "Numbers": {"shape": "Numbers"}},
            },
            "Items": {"type": "list", "member": {"shape": "Inner"}},
            "Names": {"type": "list", "member": {"shape": "String"}},
            "Numbers": {"type": "list", "member": {"shape": "Integer", "locationName": "n"}},
            "Flat": {"type": "list", "member": {"shape": "String"}, "flattened": True},
            "Labels": {"type": "map", "key": {"shape": "String"}, "value": {"shape": "String"}},
            "String": {"type": "string"},
            "Integer": {"type": "integer"},
            "Double": {"type": "double"},
            "Boolean": {"type": "boolean"},
            "Timestamp": {"type": "timestamp"},
            "Blob": {"type": "blob"},
        },
    },
    "made-up",
)

_VALUE: dict[str, Any] = {
    "Text": "a & <b>",
    "Count": 42,
    "Ratio": 0.25,
    "On": False,
    "When": datetime.datetime(2024, 2, 29, 12, 30, 5, tzinfo=datetime.UTC),
    "Blob": b"\x00\x01binary",
    "Names": ["x", "y & z"],
    "Flat": ["f1", "f2"],
    "Labels": {"k1": "v1", "k<2>": "v&2"},
    "Renamed": "renamed",
    "Inner": {"Deep": "deep", "Numbers": [1, 2, 3]},
    "Items": [{"Deep": "i1"}, {"Deep": "i2", "Numbers": []}],
}


def test_the_xml_of_every_kind_of_shape_parses_back_in_botocore() -> None:
    operation = _MODEL.operation_model("Everything")

    document = response_document(
        operation,
        {**_VALUE, "When": _VALUE["When"].timestamp(), "Unknown": "dropped", "Text2": None},
        namespace=_MODEL.metadata["xmlNamespace"],
        request_id="rid-1",
    )
    assert operation.output_shape is not None
    parsed = QueryParser().parse(
        {"body": document, "headers": {}, "status_code": 200}, operation.output_shape
    )

    metadata = parsed.pop("ResponseMetadata")
    assert metadata["RequestId"] == "rid-1"
    assert parsed == _VALUE
    assert b"<When>2024-02-29T12:30:05Z</When>" in document
    assert b"<OtherName>renamed</OtherName>" in document
    assert b"<Flat>f1</Flat><Flat>f2</Flat>" in document


def test_the_form_botocore_sends_reads_back_into_the_same_members() -> None:
    operation = _MODEL.operation_model("Everything")
    sent = QuerySerializer().serialize_to_request(_VALUE, operation)["body"]
    form = {key: str(value) for key, value in sent.items()}

    members = params_from_form(operation.input_shape, form)

    assert members == {
        **_VALUE,
        "When": _VALUE["When"].timestamp(),
        "Blob": form["Blob"],  # blobs stay base64 text, as the JSON protocols send them
    }


def test_assume_roles_full_form_reads_back() -> None:
    [api] = sts_apis()
    operation = api.model.operation_model("AssumeRole")
    params: dict[str, Any] = {
        "RoleArn": f"arn:aws:iam::{MEMBER}:role/Audit",
        "RoleSessionName": "s1",
        "DurationSeconds": 900,
        "ExternalId": "ext-1",
        "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
        "Tags": [{"Key": "team", "Value": "inventory"}],
        "TransitiveTagKeys": ["team"],
    }
    sent = QuerySerializer().serialize_to_request(params, operation)["body"]

    assert params_from_form(operation.input_shape, {k: str(v) for k, v in sent.items()}) == params
