"""The plugin process: it serves on the port it prints, and stops when the engine signals it."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.support.signals import needs_tgkill, signal_another_thread


@pytest.fixture
def plugin() -> Iterator[subprocess.Popen[bytes]]:
    # An engine address nobody answers: the plugin dials it only for a program's calls.
    argv = [sys.executable, "-m", "pulumi_codestar_connections.plugin", "127.0.0.1:1"]
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        port = proc.stdout.readline().strip()
        assert port.isdigit(), f"expected a port, got {port!r}"
        yield proc
        if proc.poll() is None:
            proc.kill()


def test_sigint_stops_the_plugin(plugin: subprocess.Popen[bytes]) -> None:
    plugin.send_signal(signal.SIGINT)

    assert plugin.wait(timeout=5) == 0


@needs_tgkill
def test_a_sigint_the_kernel_hands_to_a_grpc_thread_still_stops_the_plugin(
    plugin: subprocess.Popen[bytes],
) -> None:
    # The default handler waited for the event loop to wake in the main thread; the engine
    # killed the plugin five seconds after its SIGINT.
    signal_another_thread(plugin.pid, signal.SIGINT)

    assert plugin.wait(timeout=5) == 0


def test_sigterm_ends_the_plugin_at_once(plugin: subprocess.Popen[bytes]) -> None:
    plugin.send_signal(signal.SIGTERM)

    assert plugin.wait(timeout=5) == -signal.SIGTERM
