"""`borderwatch serve` in a process of its own, as deployed, for the benchmarks that time the API: in the
benchmark's own process the server's threads would share the client's GIL and every request would wait on
thread switches that have nothing to do with the server."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

START_S = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    """The server on a free loopback port over the store `db`, once it answers; its process and URL."""
    port = free_port()
    command = [sys.executable, "-c", "from borderwatch.cli import main; main()", "serve", "--db", str(db),
               "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{url}/api/events/count", timeout=2).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")
