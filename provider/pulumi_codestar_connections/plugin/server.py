"""Serve :class:`.provider.CodestarProvider` to the engine over gRPC, errors for people.

Pulumi's experimental server (``pulumi.provider.experimental.server``) turns any exception a
provider raises into its message *and a Python traceback*, which the engine prints under the
resource. An error of ours (:class:`CodestarConnectionsError`: AWS said no, an outage, a bad
setting) already says what was asked, what AWS said and what to do: this module's servicer
answers those with the message alone. Anything else keeps its traceback: that is a bug.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
import grpc.aio
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import provider_pb2_grpc

from pulumi_codestar_connections._version import __version__
from pulumi_codestar_connections.core.errors import CodestarConnectionsError

from .provider import CodestarProvider

__all__ = ["HumanErrorsServicer", "main"]

# The engine's RPCs that reach the provider (the rest answer without it).
_RPCS = (
    "CheckConfig",
    "Configure",
    "Check",
    "Diff",
    "Create",
    "Read",
    "Update",
    "Delete",
    "Invoke",
    "GetSchema",
)
_Rpc = Callable[[Any, Any, grpc.aio.ServicerContext[Any, Any]], Awaitable[Any]]


def _ours(error: BaseException) -> CodestarConnectionsError | None:
    """Our error, as the server re-raises it: a plain ``Exception`` (message and traceback)
    raised while handling ours, which is its ``__context__``. Anything else is not ours."""
    if isinstance(error, CodestarConnectionsError):
        return error
    behind = error.__context__
    if type(error) is Exception and isinstance(behind, CodestarConnectionsError):
        return behind
    return None


def _human(rpc: _Rpc) -> _Rpc:
    async def answer(self: Any, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        try:
            return await rpc(self, request, context)
        except Exception as error:
            ours = _ours(error)
            if ours is None:
                raise
            await context.abort(grpc.StatusCode.UNKNOWN, str(ours))

    answer.__name__ = rpc.__name__
    return answer


class HumanErrorsServicer(ProviderServicer):
    """Pulumi's servicer, with our errors reported as their message alone."""


for _name in _RPCS:
    setattr(HumanErrorsServicer, _name, _human(getattr(ProviderServicer, _name)))


def main(args: list[str] | None = None) -> None:
    """The plugin's entry point: ``<engine address>`` and the engine's logging flags."""
    argv = sys.argv[1:] if args is None else args
    # The engine passes its address first; the logging flags need no handling here.
    positional = [arg for arg in argv if not arg.startswith("-")]
    if not positional:
        sys.exit("usage: pulumi-resource-codestar <engine address> (the engine starts this)")

    async def serve() -> None:
        server = grpc.aio.server(options=_GRPC_CHANNEL_OPTIONS)
        servicer = HumanErrorsServicer(
            argv, __version__, CodestarProvider(), engine_address=positional[0]
        )
        provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
        port = server.add_insecure_port(address="127.0.0.1:0")
        await server.start()
        serving = asyncio.current_task()
        assert serving is not None
        # SIGINT through the loop's wake-up pipe: the engine signals our process group and the
        # kernel may run the signal on any of gRPC's threads, where asyncio.Runner's SIGINT
        # handler (a Python handler: it runs in the main thread) waited for the loop to wake on
        # its own, and the engine killed the plugin five seconds later. Cancelling ends the run
        # as that handler did. SIGTERM (a language host's RunPlugin) keeps its default: the
        # process ends at once, whichever thread the kernel picks.
        with contextlib.suppress(NotImplementedError):  # Windows: the default stays
            asyncio.get_running_loop().add_signal_handler(signal.SIGINT, serving.cancel)
        # The engine reads the port from the first line of stdout.
        sys.stdout.buffer.write(f"{port}\n".encode())
        sys.stdout.buffer.flush()
        await server.wait_for_termination()

    with contextlib.suppress(KeyboardInterrupt, asyncio.CancelledError):
        asyncio.run(serve())
