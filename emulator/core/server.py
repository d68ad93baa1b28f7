"""The HTTP server: one thread per connection, HTTP/1.1 keep-alive, AWS surface plus control API.

:class:`Server` serves several :class:`.service.Service` on one endpoint (clients set one
``AWS_ENDPOINT_URL``): Query requests (form-encoded, no ``X-Amz-Target``) go to the Query
surface, every other AWS request to the AWS JSON surface, ``/_emulator/`` to the control API.
All share one :class:`.identity.Identity` (issued sessions, enabled regions), one fault
injector and one call log. emulator/server.py makes the emulator's (``EmulatorServer``, the
in-process entry point of the tests): CodeStar Connections, Organizations and STS.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import socketserver
import struct
import threading
import uuid
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

from emulator.core.calls import CallLog
from emulator.core.control import CONTROL_PREFIX, ControlApi
from emulator.core.faults import FaultInjector
from emulator.core.identity import ACCOUNT_PATTERN, Identity
from emulator.core.protocol import AwsProtocol
from emulator.core.query import QueryProtocol
from emulator.core.service import ControlSurface, Service
from emulator.core.wire import (
    MAX_BODY_BYTES,
    MAX_CONTROL_BODY_BYTES,
    REQUEST_ID_HEADER,
    HttpRequest,
    HttpResponse,
)

__all__ = ["ACCOUNT_PATTERN", "Server"]

Dispatch = Callable[[HttpRequest], HttpResponse]

# Bodies over MAX_BODY_BYTES up to this size are read and dropped so the connection stays usable;
# anything bigger gets its answer and a closed connection.
_MAX_DRAIN_BYTES = 64 * 1024 * 1024
# Idle keep-alive connections are closed after this long, so abandoned clients free their thread.
_IDLE_TIMEOUT_SECONDS = 120


class Server:
    """``services`` on ``host:port`` (port 0: any free port), with the control API beside it.

    ``account`` is the default account (of callers whose key id is not 12 digits); give an
    ``identity`` to share its issued sessions with a service that issues them (STS).
    """

    def __init__(
        self,
        services: Service | Sequence[Service],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        account: str,
        identity: Identity | None = None,
    ) -> None:
        if not ACCOUNT_PATTERN.fullmatch(account):
            raise ValueError(f"account must be 12 digits, got {account!r}")
        if identity is not None and identity.default_account != account:
            raise ValueError("the identity's default account is not the server's account")
        chosen: tuple[Service, ...] = (
            tuple(services) if isinstance(services, Sequence) else (services,)
        )
        self._requested = (host, port)
        self.identity = identity or Identity(default_account=account)
        faults = FaultInjector()
        calls = CallLog()
        self._protocol = AwsProtocol(chosen, faults, calls, identity=self.identity)
        self._query = QueryProtocol(chosen, faults, calls, self.identity)
        parts: list[ControlSurface] = [*chosen, self.identity]
        apis = [api for service in chosen for api in service.apis]
        self._control = ControlApi(parts, apis, faults, calls)
        self._httpd: _HttpServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return str(self._bound().server_address[0])

    @property
    def port(self) -> int:
        return int(self._bound().server_address[1])

    @property
    def url(self) -> str:
        host = self.host
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    @property
    def is_loopback(self) -> bool:
        return ipaddress.ip_address(self.host).is_loopback

    def start(self) -> Self:
        if self._httpd is not None:
            raise RuntimeError("the emulator is already running")
        host, port = self._requested
        server_class = _HttpServer6 if ":" in host else _HttpServer
        self._httpd = server_class((host, port), self._dispatch)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"emulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        httpd.shutdown()
        # Keep-alive connections would otherwise hold their threads until the client hangs up.
        httpd.close_open_connections()
        httpd.server_close()
        if thread is not None:
            thread.join()
        self._httpd = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _bound(self) -> _HttpServer:
        if self._httpd is None:
            raise RuntimeError("the emulator is not running; call start() first")
        return self._httpd

    def _dispatch(self, request: HttpRequest) -> HttpResponse:
        if _is_control(request.path):
            return self._control.handle(request)
        if self._query.accepts(request):
            return self._query.handle(request)
        return self._protocol.handle(request)


def _is_control(path: str) -> bool:
    return path == CONTROL_PREFIX.rstrip("/") or path.startswith(CONTROL_PREFIX)


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog of 5 resets connections when dozens of clients connect
    # at once (measured with 64: p99 ~1.1 s with resets; 128 gives ~0.3 s and none). A
    # provider host alone opens up to 128 at once (its prefetch): room for several.
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], dispatch: Dispatch) -> None:
        self.dispatch = dispatch
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host's FQDN, a DNS lookup that can hang offline.
        socketserver.TCPServer.server_bind(self)
        self.server_name = str(self.server_address[0])
        self.server_port = int(self.server_address[1])

    def process_request(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        if isinstance(request, socket.socket):
            with self._open_lock:
                self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: socket.socket | tuple[bytes, socket.socket]) -> None:
        if isinstance(request, socket.socket):
            with self._open_lock:
                self._open.discard(request)
        super().shutdown_request(request)

    def close_open_connections(self) -> None:
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _HttpServer6(_HttpServer):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, the body waits for the
    # client's delayed ACK (~40 ms on Linux) on every response.
    disable_nagle_algorithm = True
    server_version = "codestar-connections-emulator"
    timeout = _IDLE_TIMEOUT_SECONDS
    server: _HttpServer

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    # The id the answer being sent carries already (a Query body names it too); None: make one.
    _request_id: str | None = None

    def send_response(self, code: int, message: str | None = None) -> None:
        super().send_response(code, message)
        # Here rather than in the layers above, so that every answer has one, including the
        # errors http.server sends on its own (malformed request line, unsupported method).
        self.send_header(REQUEST_ID_HEADER, self._request_id or str(uuid.uuid4()))
        self._request_id = None

    def log_message(self, format: str, *args: object) -> None:
        # Tests and the demo read stdout/stderr; a line per request would drown them.
        pass

    def _serve(self) -> None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._send_plain(411, "Chunked request bodies are not supported; send Content-Length")
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self._send_plain(400, "Content-Length is not a non-negative integer")
            return
        oversized = length > (MAX_CONTROL_BODY_BYTES if _is_control(self.path) else MAX_BODY_BYTES)
        drained = True
        if oversized:
            # Reading the body to the end (and dropping it) lets the client read the error: close
            # a socket with unread input and the kernel resets it, response and all.
            drained = length <= _MAX_DRAIN_BYTES and self._discard(length)
        request = HttpRequest(
            method=self.command,
            path=self.path,
            headers={name.lower(): value for name, value in self.headers.items()},
            body=b"" if oversized else self.rfile.read(length),
            oversized=oversized,
        )
        response = self.server.dispatch(request)
        if oversized and not drained:
            response.close = True
        self._send(response)

    def _discard(self, length: int) -> bool:
        remaining = length
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 64 * 1024))
            if not chunk:
                return False
            remaining -= len(chunk)
        return True

    def _send(self, response: HttpResponse) -> None:
        if response.reset:
            # Linger 0 makes close() send RST: the client sees a reset, not a clean end of stream.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        try:
            headers = dict(response.headers)
            self._request_id = headers.pop(REQUEST_ID_HEADER, None)
            self.send_response(response.status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            if response.close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(response.body)
        except ConnectionError:
            self.close_connection = True

    def _send_plain(self, status: int, message: str) -> None:
        body = message.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True
