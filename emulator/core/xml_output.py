"""Render a value as AWS Query XML, member by member from botocore's output shape.

What botocore's QueryParser reads back: structures as an element per member (named by its
serialized name), lists as ``<member>`` elements inside the list's element (or repeated, when
flattened), maps as ``<entry><key/><value/></entry>``, timestamps in ISO 8601 (or the shape's
``timestampFormat``), booleans as ``true``/``false``, blobs in base64. Text is escaped, so any
character XML can carry survives the round trip. Members the shape lacks and None are left out.
"""

from __future__ import annotations

import base64
import datetime
from email.utils import formatdate

from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape

__all__ = ["error_document", "escape", "response_document"]

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;"}
)


def escape(text: str) -> str:
    """``text`` as XML character data (a bare ``\\r`` would be read back as ``\\n``)."""
    return text.translate(_ESCAPES)


def response_document(
    operation: OperationModel, result: dict[str, object], *, namespace: str, request_id: str
) -> bytes:
    """``<OpResponse xmlns=…><OpResult>…</OpResult><ResponseMetadata>…</OpResponse>``."""
    parts = [f'<{operation.name}Response xmlns="{namespace.translate(_ATTRIBUTE_ESCAPES)}">']
    shape = operation.output_shape
    if shape is not None:
        wrapper = shape.serialization.get("resultWrapper") or f"{operation.name}Result"
        parts.append(f"<{wrapper}>")
        _structure_members(shape, result, parts)
        parts.append(f"</{wrapper}>")
    parts.append(
        f"<ResponseMetadata><RequestId>{escape(request_id)}</RequestId></ResponseMetadata>"
    )
    parts.append(f"</{operation.name}Response>")
    return "".join(parts).encode()


def error_document(*, code: str, message: str, sender: bool, request_id: str) -> bytes:
    """AWS Query's error: ``<ErrorResponse><Error><Type/><Code/><Message/></Error>…``."""
    return (
        "<ErrorResponse><Error>"
        f"<Type>{'Sender' if sender else 'Receiver'}</Type>"
        f"<Code>{escape(code)}</Code>"
        f"<Message>{escape(message)}</Message>"
        f"</Error><RequestId>{escape(request_id)}</RequestId></ErrorResponse>"
    ).encode()


def _element(name: str, shape: Shape, value: object, parts: list[str]) -> None:
    if value is None:
        return
    if isinstance(shape, ListShape) and shape.serialization.get("flattened"):
        member_name = shape.member.serialization.get("name") or name
        for item in _items(value):
            _element(member_name, shape.member, item, parts)
        return
    parts.append(f"<{name}>")
    _content(shape, value, parts)
    parts.append(f"</{name}>")


def _content(shape: Shape, value: object, parts: list[str]) -> None:
    if isinstance(shape, StructureShape):
        _structure_members(shape, value, parts)
    elif isinstance(shape, ListShape):
        member_name = shape.member.serialization.get("name", "member")
        for item in _items(value):
            _element(member_name, shape.member, item, parts)
    elif isinstance(shape, MapShape):
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        entries = value if isinstance(value, dict) else {}
        flattened = bool(shape.serialization.get("flattened"))
        for key, item in entries.items():
            if not flattened:
                parts.append("<entry>")
            _element(key_name, shape.key, key, parts)
            _element(value_name, shape.value, item, parts)
            if not flattened:
                parts.append("</entry>")
    else:
        parts.append(escape(_scalar(shape, value)))


def _structure_members(shape: Shape, value: object, parts: list[str]) -> None:
    if not isinstance(shape, StructureShape) or not isinstance(value, dict):
        return
    for member_name, member in shape.members.items():
        item = value.get(member_name)
        if item is not None:
            _element(member.serialization.get("name") or member_name, member, item, parts)


def _items(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []


def _scalar(shape: Shape, value: object) -> str:
    kind = shape.type_name
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp":
        return _timestamp(value, shape.serialization.get("timestampFormat", "iso8601"))
    if kind == "blob":
        raw = value if isinstance(value, bytes) else str(value).encode()
        return base64.b64encode(raw).decode()
    return str(value)


def _timestamp(value: object, timestamp_format: str) -> str:
    if isinstance(value, datetime.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        moment = datetime.datetime.fromtimestamp(value, datetime.UTC)
    else:
        return str(value)
    if timestamp_format == "unixTimestamp":
        seconds = moment.timestamp()
        return str(int(seconds)) if seconds.is_integer() else str(seconds)
    if timestamp_format == "rfc822":
        return formatdate(moment.timestamp(), usegmt=True)
    moment = moment.astimezone(datetime.UTC)
    if moment.microsecond:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
