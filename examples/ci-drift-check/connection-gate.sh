#!/usr/bin/env bash
# Deploy gate: go on only if a CodeStar connection is AVAILABLE; optionally wait for it first.
#
#   connection-gate.sh CONNECTION_ARN [WAIT_SECONDS]
#
# Without WAIT_SECONDS (or 0) it checks once (`codestar-connection check`); with it, it polls
# until the connection is AVAILABLE or the time is up (`codestar-connection wait`), e.g. while
# someone completes the handshake of a new connection in the console.
#
# The exit code is codestar-connection's own, so a pipeline can tell the cases apart:
#   0  AVAILABLE: deploy
#   1  AWS or network error (credentials, access denied, throttling): nothing is known
#   2  usage: a malformed ARN, a bad flag
#   3  not found: no such connection in that account and region
#   4  not AVAILABLE (PENDING: handshake never completed; ERROR: the app lost access)
#   5  still not AVAILABLE when WAIT_SECONDS ran out
set -uo pipefail

if [[ $# -lt 1 || $# -gt 2 || -z "$1" ]]; then
  echo "usage: $0 CONNECTION_ARN [WAIT_SECONDS]" >&2
  exit 2
fi
arn="$1"
wait_seconds="${2:-0}"

if [[ "$wait_seconds" == "0" ]]; then
  codestar-connection check "$arn" --status AVAILABLE --output text
else
  codestar-connection wait "$arn" --status AVAILABLE --timeout "$wait_seconds" --output text
fi
code=$?

case "$code" in
  0) echo "connection-gate: $arn is AVAILABLE" ;;
  1) echo "connection-gate: could not read $arn (AWS or network error above): check the job's credentials and codestar-connections:GetConnection on the connection" >&2 ;;
  2) echo "connection-gate: usage error (above): is $arn a connection ARN?" >&2 ;;
  3) echo "connection-gate: $arn does not exist in that account and region: was it deleted, or is the ARN from another account?" >&2 ;;
  4) echo "connection-gate: $arn is not AVAILABLE: PENDING means nobody completed the handshake (console: Developer Tools > Settings > Connections > Update pending connection); ERROR means the provider-side app lost access (reinstall or re-authorise it)" >&2 ;;
  5) echo "connection-gate: $arn was still not AVAILABLE after ${wait_seconds}s" >&2 ;;
  *) echo "connection-gate: codestar-connection exited with $code" >&2 ;;
esac
exit "$code"
