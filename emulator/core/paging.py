"""MaxResults/NextToken paging with opaque tokens.

A token remembers the position of the last item returned (its creation sequence, so deleting
items between pages neither skips nor repeats the others) and a fingerprint of the request it
belongs to, so that a token reused with other filters, or in another region, is refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import TypeVar

from emulator.core.errors import ValidationException

__all__ = ["DEFAULT_PAGE_SIZE", "page"]

# AWS does not document its default page size. A small one makes callers that ignore NextToken
# fail in tests rather than in production.
DEFAULT_PAGE_SIZE = 50

_TOKEN_VERSION = 1

Item = TypeVar("Item")


def page(
    items: Sequence[Item],
    *,
    position: Callable[[Item], int],
    query: str,
    max_results: int | None,
    next_token: str | None,
    default_size: int = DEFAULT_PAGE_SIZE,
) -> tuple[list[Item], str | None]:
    """One page of ``items`` (sorted by ``position``) and the token for the next page, if any.

    ``default_size`` is the page size when the caller gives no MaxResults (Organizations: 20).
    """
    fingerprint = hashlib.sha256(query.encode()).hexdigest()[:16]
    after = 0 if next_token is None else _decode(next_token, fingerprint)
    # MaxResults 0 is allowed by the model and means "no preference".
    size = max_results or default_size
    remaining = [item for item in items if position(item) > after]
    chosen = remaining[:size]
    if len(remaining) <= size:
        return chosen, None
    return chosen, _encode(position(chosen[-1]), fingerprint)


def _encode(after: int, fingerprint: str) -> str:
    document = {"v": _TOKEN_VERSION, "q": fingerprint, "after": after}
    return base64.urlsafe_b64encode(json.dumps(document).encode()).decode()


def _decode(token: str, fingerprint: str) -> int:
    try:
        document = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (binascii.Error, ValueError) as error:
        raise _invalid() from error
    if not isinstance(document, dict) or document.get("v") != _TOKEN_VERSION:
        raise _invalid()
    if document.get("q") != fingerprint:
        raise _invalid()
    after = document.get("after")
    if isinstance(after, bool) or not isinstance(after, int):
        raise _invalid()
    return after


def _invalid() -> ValidationException:
    return ValidationException(
        "Invalid NextToken: the token is malformed or was issued for a different request"
    )
