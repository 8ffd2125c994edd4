"""A throwaway PostgreSQL server for the backend tests: initdb in a temporary folder, trust auth, a free
port on 127.0.0.1, stopped and deleted at the end.

initdb and postgres refuse to run as root, so as root (CI containers, this project's build machine) the
server runs as the `postgres` user that Debian's packages create; otherwise it runs as whoever we are.
`make postgres` installs the server binaries.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SERVER_USER = "postgres"
# How long pg_ctl waits for the server to accept connections, in seconds.
START_TIMEOUT_S = 60


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries to start one with."""


def find_bin_dir() -> Path:
    """The newest installed PostgreSQL's bin folder (Debian: /usr/lib/postgresql/<major>/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise PostgresUnavailable("no PostgreSQL server found: install it with `make postgres` "
                              "(apt-get install postgresql)")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(slots=True)
class PostgresServer:
    """A running server; `url(name)` is a SQLAlchemy URL for one of its databases."""

    bin_dir: Path
    root: Path
    port: int
    as_user: str | None

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_user is not None:
            command = ["runuser", "-u", self.as_user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SERVER_USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new empty database; its URL."""
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "stop", "-D", str(self.data_dir), "-m", "immediate", "-w")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start_server(durable: bool = False) -> PostgresServer:
    """initdb + pg_ctl start in a new temporary folder; the caller stops it. Tests run without fsync;
    `durable` keeps PostgreSQL's default (fsync on), for throughput figures that mean something."""
    bin_dir = find_bin_dir()
    root = Path(tempfile.mkdtemp(prefix="borderwatch-pg-"))
    as_user = SERVER_USER if os.geteuid() == 0 else None
    if as_user is not None:
        shutil.chown(root, user=as_user)
    server = PostgresServer(bin_dir, root, _free_port(), as_user)
    try:
        server._run("initdb", "-D", str(server.data_dir), "-A", "trust", "-U", SERVER_USER,
                    "--encoding=UTF8", "--locale=C.UTF-8")
        # the socket in our folder: /var/run/postgresql may not exist or be writable
        options = f"-p {server.port} -k {root} -c listen_addresses=127.0.0.1" + ("" if durable else " -c fsync=off")
        server._run("pg_ctl", "start", "-D", str(server.data_dir), "-w", "-t", str(START_TIMEOUT_S),
                    "-l", str(root / "server.log"), "-o", options)
    except subprocess.CalledProcessError as e:
        log = root / "server.log"
        detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"cannot start PostgreSQL: {e.stderr or e}\n{detail}") from e
    return server
