"""A throw-away PostgreSQL server for the tests, in a temporary folder, gone when the tests end.

`running_server()` runs initdb (trust authentication, so the DSNs carry no password), starts the
server on a free port on 127.0.0.1 (and a unix socket in the folder), waits until it is ready and
stops it with `pg_ctl stop -m immediate` at the end; nothing it holds is worth a clean shutdown.
`create_database()` gives a test a fresh, empty database of its own.

PostgreSQL refuses to run as root. When the tests run as root, initdb, pg_ctl and the server run
as an unprivileged user (`nobody`, else `postgres`; `LOTSE_PG_USER` overrides) through
subprocess's `user=`/`group=`, which switch ids in the child before exec, so no su, runuser or
setpriv is needed. Run as anyone else, everything runs as that user.

A watchdog process (this file run as a script) waits for the test process to end and stops the
server and removes the folder even if the tests were killed with SIGKILL; pg_ctl starts the
server in a session of its own, so nothing else would.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any

import asyncpg

SKIP_REASON = (
    "PostgreSQL server binaries not found: install postgresql-15 to run the PostgreSQL tests"
)
SERVER_PROGRAMS = ("initdb", "pg_ctl", "postgres")
SUPERUSER = "postgres"
HOST = "127.0.0.1"
# A cluster needs about 40 MB; Docker's default 64 MB /dev/shm is too small to be worth it.
MIN_FREE_BYTES = 256 * 1024 * 1024
# Fast and small: the data is thrown away, so durability buys nothing.
SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "256MB",
    "checkpoint_timeout": "1h",
    "shared_buffers": "16MB",
    "autovacuum": "off",
    "jit": "off",
    "huge_pages": "off",
    # Parallel workers need shared memory in /dev/shm, which containers keep small.
    "max_parallel_workers_per_gather": "0",
    # The same on every machine; the bot stores UTC anyway.
    "timezone": "'UTC'",
}
# Trust: the DSNs carry no password. C locale: initdb works without any locale installed.
INITDB_OPTIONS = ("--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync")
START_ATTEMPTS = 5  # another process may take the free port before the server binds it
TIMEOUT = 60.0  # seconds for any one step; only reached when something is broken


class PostgresError(RuntimeError):
    """The server could not be set up; the message says what PostgreSQL said."""


def find_bindir() -> Path | None:
    """The directory with initdb, pg_ctl and postgres, or None when PostgreSQL is not installed."""
    candidates: list[Path] = []
    if initdb := shutil.which("initdb"):
        # Resolved: initdb and pg_ctl look for postgres next to their real location.
        candidates.append(Path(initdb).resolve().parent)
    if pg_config := shutil.which("pg_config"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True
            ).stdout
            candidates.append(Path(out.strip()))
    debian = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(debian, key=lambda p: _version(p.parent.name), reverse=True)
    for bindir in candidates:
        if all(os.access(bindir / name, os.X_OK) for name in SERVER_PROGRAMS):
            return bindir
    return None


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def server_account() -> pwd.struct_passwd | None:
    """The unprivileged account to run the server as, or None to run it as ourselves."""
    if os.geteuid() != 0:
        return None
    override = os.environ.get("LOTSE_PG_USER")
    for name in [override] if override else ["nobody", "postgres"]:
        with contextlib.suppress(KeyError):
            account = pwd.getpwnam(name)
            if account.pw_uid != 0:
                return account
    raise PostgresError(
        "the tests run as root, which PostgreSQL refuses, and there is no unprivileged user "
        "(nobody, postgres) to run it as; set LOTSE_PG_USER to one"
    )


def _as_account(account: pwd.struct_passwd | None) -> dict[str, Any]:
    """subprocess arguments that run a program as `account` (and without root's groups)."""
    if account is None:
        return {}
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def _reachable(path: Path, account: pwd.struct_passwd | None) -> bool:
    """Whether the server's account can get into a folder we create in `path`."""
    if account is None:
        return os.access(path, os.W_OK | os.X_OK)
    for folder in [path, *path.parents]:
        mode = folder.stat()
        if mode.st_uid != account.pw_uid and not mode.st_mode & stat.S_IXOTH:
            return False
    return True


def _base_dir(account: pwd.struct_passwd | None) -> Path:
    # tmpfs: CREATE DATABASE copies about 300 files, 5 ms there against 40 ms and more on ext4.
    for candidate in ("/dev/shm", tempfile.gettempdir(), "/tmp"):
        path = Path(candidate)
        with contextlib.suppress(OSError):
            if (
                path.is_dir()
                and shutil.disk_usage(path).free >= MIN_FREE_BYTES
                and _reachable(path, account)
            ):
                return path
    raise PostgresError("no temporary folder the PostgreSQL server could use")


def _free_port() -> int:
    # Not tests.support.net's: this file also runs as a script (the watchdog), standing alone.
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def stop_cluster(root: Path, bindir: Path, account: pwd.struct_passwd | None) -> None:
    """Stop the server in `root`, if it runs, and remove the folder. Safe to call twice."""
    data = root / "data"
    pid_file = data / "postmaster.pid"
    if pid_file.exists():
        command = [bindir / "pg_ctl", "stop", "-D", data, "-m", "immediate", "-w", "-t", "30"]
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(
                command, cwd=root, capture_output=True, timeout=TIMEOUT, **_as_account(account)
            )
        # The file is gone once the server is; if not, pg_ctl failed and we kill the server,
        # after checking that the pid is still it (the server works in its data folder).
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int(pid_file.read_text().split()[0])
            if Path(f"/proc/{pid}/cwd").resolve() == data.resolve():
                os.kill(pid, signal.SIGKILL)
    shutil.rmtree(root, ignore_errors=True)


class _Admin:
    """One superuser connection on an event loop of its own, in a thread, so that plain (sync)
    fixtures can create databases without touching the loop pytest-asyncio gives each test."""

    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="postgres-admin", daemon=True
        )
        self._thread.start()
        try:
            self._connection: asyncpg.Connection = self._run(asyncpg.connect(dsn))
        except BaseException:
            self._stop_loop()
            raise

    def _run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(TIMEOUT)

    def execute(self, sql: str) -> None:
        for attempt in (1, 2):
            # A test may end every connection (pg_terminate_backend): connect again.
            if self._connection.is_closed():
                self._connection = self._run(asyncpg.connect(self._dsn))
            try:
                self._run(self._connection.execute(sql))
                return
            except Exception:
                if attempt == 2 or not self._connection.is_closed():
                    raise

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._run(self._connection.close(timeout=5))
        self._stop_loop()

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(TIMEOUT)
        self._loop.close()


class PostgresServer:
    """A running throw-away server; use it through `running_server()`."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.account = server_account()
        self.root = Path(tempfile.mkdtemp(prefix="lotse-pg-", dir=_base_dir(self.account)))
        self.data_dir = self.root / "data"
        self.log_file = self.root / "server.log"
        self.port = 0
        self._names = itertools.count(1)
        self._admin: _Admin | None = None
        if self.account is not None:
            os.chown(self.root, self.account.pw_uid, self.account.pw_gid)
        # Started first, so that from here on even a killed test run leaves nothing behind.
        # Its own session: a Ctrl-C or a signal to the test's process group must not end it.
        user = self.account.pw_name if self.account else ""
        try:
            self._watchdog = subprocess.Popen(
                [sys.executable, "-I", __file__, str(self.root), str(bindir), user],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd="/",
                start_new_session=True,
            )
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise

    def dsn(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@{HOST}:{self.port}/{database}"

    def create_database(self, template: str = "template0") -> str:
        """A new empty database (a copy of `template`, which nobody may be connected to)."""
        name = f"test_{next(self._names)}"
        # FILE_COPY copies the files (its two checkpoints are cheap with fsync off): 5 ms on
        # tmpfs, against 11 ms for PostgreSQL 15's default WAL_LOG, which logs every page.
        self._sql(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY")
        return name

    def drop_database(self, name: str) -> None:
        # FORCE: a connection the test left open must not keep its database alive.
        self._sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def _sql(self, sql: str) -> None:
        if self._admin is None:
            raise PostgresError("the server is not running")
        self._admin.execute(sql)

    def start(self) -> None:
        self._program("initdb", "-D", str(self.data_dir), "-U", SUPERUSER, *INITDB_OPTIONS)
        settings = {
            **SETTINGS,
            "listen_addresses": _quote(HOST),
            # The socket path must fit in 107 bytes; without one the server is reached by TCP.
            "unix_socket_directories": _quote(str(self.root) if len(str(self.root)) < 80 else ""),
        }
        with (self.data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# tests/support/postgres.py\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
        for attempt in itertools.count(1):
            self.port = _free_port()
            log_start = self.log_file.stat().st_size if self.log_file.exists() else 0
            try:
                options = ["-D", str(self.data_dir), "-l", str(self.log_file), "-o"]
                self._program("pg_ctl", "start", "-w", *options, f"-p {self.port}")
                break
            except PostgresError:
                with self.log_file.open("rb") as log:
                    log.seek(log_start)
                    port_taken = b"could not bind" in log.read()
                if not port_taken or attempt == START_ATTEMPTS:
                    raise
        self._admin = _Admin(self.dsn())

    def _program(self, name: str, *args: str) -> None:
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        env["LC_ALL"] = "C"  # English messages, whatever the machine's locale
        try:
            result = subprocess.run(
                [self.bindir / name, *args],
                cwd=self.root,
                env=env,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                **_as_account(self.account),
            )
        except (OSError, subprocess.SubprocessError) as error:
            who = f" as {self.account.pw_name}" if self.account else ""
            raise PostgresError(f"could not run {name}{who}: {error}") from error
        if result.returncode != 0:
            log = self.log_file.read_text(errors="replace") if self.log_file.exists() else ""
            raise PostgresError(
                f"{name} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
                f"{log[-2000:]}"
            )

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        stop_cluster(self.root, self.bindir, self.account)
        if self._watchdog.stdin is not None:
            self._watchdog.stdin.close()  # the watchdog finds nothing left to do and ends
        try:
            self._watchdog.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            self._watchdog.kill()
            self._watchdog.wait()


@contextlib.contextmanager
def running_server(bindir: Path) -> Iterator[PostgresServer]:
    """A started server; stopped and removed on the way out, whatever happened inside."""
    server = PostgresServer(bindir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def _watch(root: Path, bindir: Path, user: str) -> None:
    sys.stdin.buffer.read()  # returns when the test process closes the pipe or dies
    stop_cluster(root, bindir, pwd.getpwnam(user) if user else None)


if __name__ == "__main__":
    _watch(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
