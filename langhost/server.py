"""Process entry point: serve LanguageRuntime on a free port and print the port.

The engine reads exactly one line from the plugin's stdout, the decimal port, then dials
127.0.0.1:<port> (plugin.newPlugin); everything written to stdout afterwards (including the
Python program's own output, which inherits our stdout) is shown to the user as info messages,
and stderr as error-stream messages. The engine stops the plugin by sending SIGINT to its process
group and SIGKILL five seconds later.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import sys
import threading
from collections.abc import Callable, MutableMapping, Sequence
from concurrent import futures
from pathlib import Path
from types import FrameType

import grpc

from langhost.cli import HostArgs, UsageError, parse_args
from langhost.host import GRPC_MAX_MESSAGE_BYTES, LanguageHost, host_version
from langhost.protos import language_pb2_grpc

__all__ = [
    "EXECUTOR_NAME",
    "ORIGINAL_PYTHONPATH_VAR",
    "HealthChecker",
    "StopPipe",
    "find_executor",
    "main",
    "restore_pythonpath",
    "serve",
]

_LOG = logging.getLogger("langhost")

EXECUTOR_NAME = "pulumi-language-python-exec"
# Set by the .pulumi-bin/pulumi-language-python shim: the caller's PYTHONPATH before the shim
# pointed it at the repository so that `-m langhost` imports. Programs must not inherit the
# repository on their path, so we put the original back before spawning anything.
ORIGINAL_PYTHONPATH_VAR = "PULUMI_LANGHOST_ORIGINAL_PYTHONPATH"
# The Go host polls the engine's health service every five minutes (rpcutil.Healthcheck).
_HEALTH_INTERVAL_SECONDS = 300.0
_HEALTH_METHOD = "/grpc.health.v1.Health/Check"
# Shorter than the five seconds after which the engine SIGKILLs a plugin's process group: by
# then our program (in a group of its own) must already be stopped, or it would be orphaned.
_SHUTDOWN_GRACE_SECONDS = 2.0


def restore_pythonpath(environ: MutableMapping[str, str]) -> None:
    """Undo the shim's PYTHONPATH change in `environ` (in place)."""
    if ORIGINAL_PYTHONPATH_VAR not in environ:
        return
    original = environ.pop(ORIGINAL_PYTHONPATH_VAR)
    if original:
        environ["PYTHONPATH"] = original
    else:
        environ.pop("PYTHONPATH", None)


def find_executor(given: str) -> Path | None:
    """Locate pulumi-language-python-exec.

    The Go host expects it next to its own binary. Our "binary" is the shim, which passes
    `-use-executor` explicitly; without it we look next to the pulumi-language-python found on
    PATH, which is where the engine would have found the host too.
    """
    if given:
        return Path(given)
    host = shutil.which("pulumi-language-python")
    if host is None:
        return None
    candidate = Path(host).resolve().parent / EXECUTOR_NAME
    if candidate.is_file():
        return candidate
    candidate = Path(host).parent / EXECUTOR_NAME
    return candidate if candidate.is_file() else None


class HealthChecker:
    """Stop the host when the engine that started it has gone away.

    Without this, a host whose engine was SIGKILLed would live forever. An UNIMPLEMENTED answer
    still proves the engine is alive, exactly as in the Go host.
    """

    def __init__(
        self, on_dead: Callable[[], None], interval: float = _HEALTH_INTERVAL_SECONDS
    ) -> None:
        self._on_dead = on_dead
        self._interval = interval
        self._stop = threading.Event()
        self._started: set[str] = set()
        self._lock = threading.Lock()

    def watch(self, address: str) -> None:
        with self._lock:
            if address in self._started:
                return
            self._started.add(address)
        thread = threading.Thread(
            target=self._run, args=(address,), name=f"health-{address}", daemon=True
        )
        thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self, address: str) -> None:
        with grpc.insecure_channel(address) as channel:
            # HealthCheckRequest{service: ""} encodes to zero bytes; passing raw bytes avoids
            # depending on the grpcio-health-checking package.
            check = channel.unary_unary(_HEALTH_METHOD, None, None)
            while not self._stop.wait(self._interval):
                try:
                    check(b"", timeout=30)
                except grpc.RpcError as exc:
                    code = exc.code() if isinstance(exc, grpc.Call) else None
                    if code is grpc.StatusCode.UNIMPLEMENTED:
                        continue
                    _LOG.debug("engine %s failed its health check: %s", address, exc)
                    self._on_dead()
                    return


class StopPipe:
    """What the main thread waits on until the host must stop: a pipe, so that anything wakes it.

    :meth:`set` may be called from any thread (the health check does). A signal wakes it
    through :func:`signal.set_wakeup_fd`, which writes from whichever thread the kernel ran the
    signal on: the engine signals our process group, and when the kernel picked one of gRPC's
    threads, a main thread blocked in a lock (``threading.Event.wait()``) never woke to run the
    Python handler, and the engine killed the host five seconds later.
    """

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        os.set_blocking(self._write, False)

    def set(self) -> None:
        with contextlib.suppress(BlockingIOError):  # full: a wake-up is already waiting
            os.write(self._write, b"\0")

    def wait(self) -> None:
        os.read(self._read, 1)

    def stop_on(self, *signums: signal.Signals) -> None:
        """Wake :meth:`wait` on these signals instead of their default action (main thread)."""
        signal.set_wakeup_fd(self._write, warn_on_full_buffer=False)
        for signum in signums:
            signal.signal(signum, _woken)


def _woken(signum: int, frame: FrameType | None) -> None:
    """The Python handler does nothing: the wake-up fd has already woken the main thread."""


def serve(
    args: HostArgs,
    executor: Path,
    *,
    print_port: Callable[[int], None],
    stop: StopPipe,
    health_interval: float = _HEALTH_INTERVAL_SECONDS,
) -> int:
    """Run the gRPC server until `stop` is set; returns the process exit code."""
    health = HealthChecker(stop.set, health_interval)
    host = LanguageHost(
        executor=executor,
        engine_address=args.engine_address,
        tracing=args.tracing,
        on_engine_address=health.watch,
    )
    server = grpc.server(
        # Run blocks a worker for the whole program run; Cancel and the engine's other calls
        # must still get a thread meanwhile.
        futures.ThreadPoolExecutor(max_workers=16, thread_name_prefix="langhost"),
        options=[
            ("grpc.max_receive_message_length", GRPC_MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", GRPC_MAX_MESSAGE_BYTES),
        ],
    )
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(host, server)
    port = server.add_insecure_port("127.0.0.1:0")
    if port == 0:
        print("could not start language host RPC server: no port", file=sys.stderr)
        return 1
    server.start()
    if args.engine_address:
        health.watch(args.engine_address)
    print_port(port)
    try:
        stop.wait()
    finally:
        health.stop()
        host.shutdown_children(_SHUTDOWN_GRACE_SECONDS)
        server.stop(grace=1.0).wait()
    return 0


def _print_port(port: int) -> None:
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m langhost [flags] [engine-address]`."""
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv)
    except UsageError as exc:
        print(f"pulumi-language-python: {exc}", file=sys.stderr)
        return 2
    if args.show_help:
        print(
            "usage: pulumi-language-python [-version] [-tracing URL] [-use-executor PATH] "
            "[-logtostderr] [-v N] [engine-address]"
        )
        return 0
    if args.show_version:
        print(f"v{host_version()}")
        return 0

    restore_pythonpath(os.environ)
    if args.log_to_stderr:
        # glog's -v levels: the engine passes its own verbosity; 5+ is where the Go host logs
        # launched commands.
        logging.basicConfig(
            stream=sys.stderr,
            level=logging.DEBUG if args.verbose >= 5 else logging.INFO,
            format="langhost: %(message)s",
        )
    for flag in args.ignored_flags:
        _LOG.debug("ignoring unknown flag %s", flag)

    executor = find_executor(args.executor)
    if executor is None or not executor.is_file():
        where = executor if executor is not None else "next to pulumi-language-python on PATH"
        print(f"missing executor {EXECUTOR_NAME}: {where}", file=sys.stderr)
        return 1

    stop = StopPipe()
    stop.stop_on(signal.SIGINT, signal.SIGTERM)
    return serve(args, executor, print_port=_print_port, stop=stop)
