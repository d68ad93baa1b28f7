"""``--debug``: one line per AWS call (operation, ARN, outcome, attempts, duration) on stderr.

botocore's own debug logging prints request headers, and so the signed ``Authorization`` and
``X-Amz-Security-Token`` headers; it is never switched on. Instead the CLI hooks the events of
the very client the AWS layer uses and logs fields it picked itself: no header, no credential,
no request body.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TextIO

__all__ = ["DebugLog"]

# A key of our own in botocore's per-call context dict, which every event of one call shares.
_CONTEXT_KEY = "codestar_connection_cli_debug"
# botocore ignores a second registration under the same unique id (one id per handler): a
# client is never instrumented twice, even by two DebugLogs.
_UNIQUE_ID = "codestar-connection-cli-debug"
# The request parameters worth showing; everything else (tokens, page sizes) is summarised.
_SHOWN_PARAMETERS = ("ConnectionArn", "ProviderTypeFilter", "HostArnFilter")


class DebugLog:
    """Writes ``debug:`` lines to ``stream``; safe from the thread pool of stack-outputs."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._lock = threading.Lock()
        self._instrument_lock = threading.Lock()
        self._started = time.monotonic()
        self._instrumented: set[tuple[str, str, str | None]] = set()

    def line(self, message: str) -> None:
        elapsed = time.monotonic() - self._started
        with self._lock:
            self._stream.write(f"debug: [{elapsed:7.3f}s] {message}\n")
            self._stream.flush()

    def instrument(self, service: str, region: str, *, profile: str | None) -> None:
        """Hook the cached client the AWS layer will use for (service, region, profile)."""
        from pulumi_codestar_connections.aws import client_for

        key = (service, region, profile)
        # Under the lock: stack-outputs instruments from its thread pool, and registering
        # handlers is not thread-safe in botocore.
        with self._instrument_lock:
            if key in self._instrumented:
                return
            self._instrumented.add(key)
            try:
                client = client_for(service, region, profile=profile)
            except Exception as error:
                # The lookup that follows makes the same client and reports the error properly.
                self.line(f"no {service} client in {region}: {type(error).__name__}")
                return
            handlers: dict[str, Callable[..., None]] = {
                "provide-client-params": self._started_call,
                "needs-retry": self._attempted,
                "after-call": self._succeeded_or_refused,
                "after-call-error": self._failed,
            }
            for event, handler in handlers.items():
                client.meta.events.register(event, handler, unique_id=f"{_UNIQUE_ID}-{event}")

    # botocore event handlers: they must accept **kwargs, botocore may add arguments.

    def _started_call(self, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        shown = [f"{name}={params[name]}" for name in _SHOWN_PARAMETERS if params.get(name)]
        if params.get("NextToken"):
            shown.append("NextToken=(set)")
        context[_CONTEXT_KEY] = {"start": time.monotonic(), "shown": shown, "attempts": 1}

    def _attempted(self, attempts: int, request_dict: dict[str, Any], **_: Any) -> None:
        call = request_dict.get("context", {}).get(_CONTEXT_KEY)
        if call is not None:
            call["attempts"] = attempts

    def _succeeded_or_refused(
        self, http_response: Any, parsed: dict[str, Any], model: Any, context: Any, **_: Any
    ) -> None:
        metadata = parsed.get("ResponseMetadata", {})
        error = parsed.get("Error", {})
        if error:
            outcome = str(error.get("Code", "error"))
        elif "Connection" in parsed:
            outcome = str(parsed["Connection"].get("ConnectionStatus"))
        elif "Connections" in parsed:
            more = "more pages" if parsed.get("NextToken") else "last page"
            outcome = f"{len(parsed['Connections'])} connection(s), {more}"
        else:
            outcome = "ok"
        attempts = int(metadata.get("RetryAttempts", 0)) + 1
        status = getattr(http_response, "status_code", "?")
        self._finish(model.name, context, f"HTTP {status} {outcome}", attempts)

    def _failed(self, exception: BaseException, context: Any, event_name: str, **_: Any) -> None:
        # after-call-error.<service>.<Operation>: botocore passes no model with this event.
        operation = event_name.rsplit(".", 1)[-1]
        self._finish(operation, context, f"failed: {type(exception).__name__}", None)

    def _finish(self, operation: str, context: Any, outcome: str, attempts: int | None) -> None:
        call = context.get(_CONTEXT_KEY) if isinstance(context, dict) else None
        if call is None:
            self.line(f"{operation} -> {outcome}")
            return
        tries = attempts if attempts is not None else call["attempts"]
        duration = time.monotonic() - call["start"]
        subject = " ".join(call["shown"])
        self.line(
            f"{operation} {subject} -> {outcome} (attempts {tries}, {duration * 1000:.0f} ms)"
        )
