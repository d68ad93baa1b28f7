"""``python -m emulator``: run the emulator until SIGTERM or SIGINT.

The first line on stdout is exactly ``listening on http://HOST:PORT`` (flushed), so a parent
process can start it with ``--port 0`` and read the URL.

Exit codes: 0 stopped by a signal, 1 cannot start (port taken, unreadable state file), 2 usage.
"""

from __future__ import annotations

import argparse
import re
import signal
import sys
import threading
from types import FrameType

from emulator.core.persistence import StateFileError
from emulator.server import EmulatorServer

__all__ = ["main"]

_EXAMPLE = """\
example:
  python -m emulator --port 4599 --state /tmp/codestar-state.json
  AWS_ENDPOINT_URL=http://127.0.0.1:4599 aws codestar-connections list-connections
  curl -d '{"ConnectionName": "demo", "ProviderType": "GitHub"}' \\
       http://127.0.0.1:4599/_emulator/connections   # seed a connection
  curl -d '{"Name": "audit", "Id": "222222222222"}' \\
       http://127.0.0.1:4599/_emulator/accounts      # add an account to the organization
  AWS_ENDPOINT_URL=http://127.0.0.1:4599 aws organizations list-accounts
  AWS_ENDPOINT_URL=http://127.0.0.1:4599 aws sts assume-role \\
       --role-arn arn:aws:iam::222222222222:role/OrganizationAccountAccessRole \\
       --role-session-name inventory

exit codes: 0 stopped by SIGTERM/SIGINT, 1 cannot start, 2 usage error
"""


def _account(value: str) -> str:
    if not re.fullmatch(r"\d{12}", value):
        raise argparse.ArgumentTypeError("must be 12 digits")
    return value


def _limit(value: str) -> int:
    try:
        limit = int(value)
    except ValueError:
        limit = -1
    if limit < 0:
        raise argparse.ArgumentTypeError("must be a non-negative integer")
    return limit


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m emulator",
        description=(
            "Local AWS endpoint for CodeStar Connections / CodeConnections, Organizations and STS."
        ),
        epilog=_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: any free port)")
    parser.add_argument("--state", metavar="FILE", help="JSON file to load and persist state in")
    parser.add_argument(
        "--account",
        type=_account,
        default="123456789012",
        help=(
            "account of callers whose access key id is not 12 digits, and the organization's "
            "management account (default 123456789012)"
        ),
    )
    parser.add_argument(
        "--connection-limit",
        type=_limit,
        default=250,
        help="connections allowed per account and region (default 250)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    server = EmulatorServer(
        host=args.host,
        port=args.port,
        state_file=args.state,
        account=args.account,
        connection_limit=args.connection_limit,
    )
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        server.start()
    except OSError as error:
        print(f"error: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    print(f"listening on {server.url}", flush=True)
    if not server.is_loopback:
        print(
            f"warning: listening on non-loopback address {server.host}; the emulator checks no "
            "credentials, so anyone who can reach this address can read and change its state",
            file=sys.stderr,
            flush=True,
        )
    try:
        # A timed wait keeps the main thread responsive to signals.
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except StateFileError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
