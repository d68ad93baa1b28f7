"""``--query``: a JMESPath expression over the JSON document, as the AWS CLI applies it.

The ``jmespath`` library is the one botocore (and so the AWS CLI) depends on, so an expression
that works with ``aws codestar-connections get-connection --query`` works here unchanged.
It is imported only when ``--query`` is given.
"""

from __future__ import annotations

from typing import Any

from .exit import UsageError

__all__ = ["Query", "compile_query"]


class Query:
    """A compiled expression; :meth:`apply` runs it over a document."""

    def __init__(self, expression: str, compiled: Any) -> None:
        self.expression = expression
        self._compiled = compiled

    def apply(self, document: Any) -> Any:
        from jmespath.exceptions import JMESPathError

        try:
            return self._compiled.search(document)
        except JMESPathError as error:
            # Type errors only show at search time, e.g. length(Connection.ConnectionStatus[0]).
            raise UsageError(f"--query {self.expression!r}: {_one_line(error)}") from None


def compile_query(expression: str) -> Query:
    """Compile ``expression`` or raise :class:`UsageError` before any AWS call is made."""
    if not expression.strip():
        raise UsageError("--query: the expression is empty")
    import jmespath
    from jmespath.exceptions import JMESPathError

    try:
        return Query(expression, jmespath.compile(expression))
    except JMESPathError as error:
        raise UsageError(f"--query {expression!r}: {_one_line(error)}") from None


def _one_line(error: Exception) -> str:
    # jmespath's parse errors draw a caret under the expression on extra lines; say where
    # in words instead, so the message stays one line.
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    first = lines[0].rstrip(":").removesuffix(", for expression") if lines else ""
    first = first or type(error).__name__
    position = getattr(error, "lex_position", None)
    if isinstance(position, int) and "column" not in first:
        # jmespath counts columns from 0; keep its convention so messages agree.
        return f"{first} at column {position}"
    return first
