"""The PostgreSQL harness: a real server, an empty database per test, nothing left behind."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import asyncpg
import pytest

from bot.config import ROOT
from tests.support.postgres import HOST, PostgresServer

# Relations made after initdb, in any schema: their oids start at 16384 (FirstNormalObjectId).
USER_TABLES = "SELECT count(*) FROM pg_class WHERE oid >= 16384"

Connect = Callable[[], Awaitable[asyncpg.Connection]]


@pytest.fixture
async def connect(pg_dsn: str) -> AsyncIterator[Connect]:
    """Opens connections to this test's database, and closes them after the test."""
    opened: list[asyncpg.Connection] = []

    async def open_one() -> asyncpg.Connection:
        opened.append(await asyncpg.connect(pg_dsn))
        return opened[-1]

    yield open_one
    for connection in opened:
        await connection.close()


async def test_the_server_is_real_and_not_run_by_root(
    pg_server: PostgresServer, pg_dsn: str
) -> None:
    connection = await asyncpg.connect(pg_dsn)
    try:
        assert (await connection.fetchval("SELECT version()")).startswith("PostgreSQL ")
        assert await connection.fetchval("SELECT current_database()") == pg_dsn.rsplit("/", 1)[1]
        assert await connection.fetchval("SHOW fsync") == "off"
    finally:
        await connection.close()
    # PostgreSQL insists on owning its data folder, so its owner is the server's user.
    assert pg_server.data_dir.stat().st_uid != 0


@pytest.mark.parametrize("run", [1, 2])
async def test_each_test_gets_a_fresh_empty_database(connect: Connect, run: int) -> None:
    """Both runs create the same table: the second would fail if they shared a database."""
    connection = await connect()
    assert await connection.fetchval(USER_TABLES) == 0
    await connection.execute("CREATE TABLE marker (run int)")
    await connection.execute("INSERT INTO marker VALUES ($1)", run)
    assert await connection.fetchval("SELECT array_agg(run) FROM marker") == [run]


async def test_databases_of_one_server_do_not_see_each_other(pg_server: PostgresServer) -> None:
    names = [pg_server.create_database(), pg_server.create_database()]
    try:
        first, second = [await asyncpg.connect(pg_server.dsn(name)) for name in names]
        await first.execute("CREATE TABLE only_here (id int)")
        assert await second.fetchval(USER_TABLES) == 0
        await first.close()
        await second.close()
    finally:
        for name in names:
            pg_server.drop_database(name)


async def test_the_harness_survives_a_test_that_ends_every_connection(
    pg_server: PostgresServer, pg_dsn: str
) -> None:
    """Crash tests may end the harness's own connection too; the next database still comes."""
    connection = await asyncpg.connect(pg_dsn)
    await connection.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
    )
    await connection.close()
    pg_server.drop_database(pg_server.create_database())


async def test_skip_locked_hands_each_row_to_one_claimer(connect: Connect) -> None:
    setup, worker_a, worker_b = await connect(), await connect(), await connect()
    await setup.execute("CREATE TABLE jobs (id int PRIMARY KEY)")
    await setup.execute("INSERT INTO jobs SELECT generate_series(1, 5)")
    claim = "SELECT id FROM jobs ORDER BY id LIMIT 2 FOR UPDATE SKIP LOCKED"
    async with worker_a.transaction():
        assert [row["id"] for row in await worker_a.fetch(claim)] == [1, 2]
        async with worker_b.transaction():
            assert [row["id"] for row in await worker_b.fetch(claim)] == [3, 4]
            # The locks are real: without SKIP LOCKED, row 1 is not to be had.
            with pytest.raises(asyncpg.LockNotAvailableError):
                await worker_b.fetch("SELECT id FROM jobs WHERE id = 1 FOR UPDATE NOWAIT")
    # Both transactions are over, so their locks are gone.
    assert [row["id"] for row in await worker_b.fetch(claim)] == [1, 2]


async def test_an_advisory_transaction_lock_waits_for_the_holders_commit(
    connect: Connect,
) -> None:
    holder, waiter, observer = await connect(), await connect(), await connect()
    holding, waiting = holder.transaction(), waiter.transaction()
    await holding.start()
    await holder.execute("SELECT pg_advisory_xact_lock(42)")
    assert await waiter.fetchval("SELECT pg_try_advisory_xact_lock(42)") is False
    await waiting.start()
    lock = asyncio.create_task(waiter.execute("SELECT pg_advisory_xact_lock(42)"))
    query = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
    while not await observer.fetchval(query):  # until the server reports the waiter waiting
        assert not lock.done()
        await asyncio.sleep(0.005)
    await holding.commit()
    await asyncio.wait_for(lock, 30)
    # The waiter has it now, until its own transaction ends.
    assert await holder.fetchval("SELECT pg_try_advisory_xact_lock(42)") is False
    await waiting.commit()
    assert await holder.fetchval("SELECT pg_try_advisory_xact_lock(42)") is True


def refuses(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((HOST, port)) != 0


async def test_a_killed_test_run_leaves_no_server_and_no_folder(pg_server: PostgresServer) -> None:
    """kill -9 skips every finally: the watchdog must stop the server and remove its folder.
    (This test starts a server of its own; it asks for `pg_server` only to skip like the rest.)"""
    script = (
        "import time\n"
        "from tests.support.postgres import find_bindir, running_server\n"
        "with running_server(find_bindir()) as server:\n"
        "    print(server.root, server.port, flush=True)\n"
        "    time.sleep(600)\n"
    )
    run = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert run.stdout is not None
    try:
        root, port = run.stdout.readline().split()
        connection = await asyncpg.connect(f"postgresql://postgres@{HOST}:{port}/postgres")
        await connection.close()
    finally:
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
        run.stdout.close()
    for _ in range(3000):  # the watchdog needs a fraction of a second; 30 s is a failure
        if not Path(root).exists() and refuses(int(port)):
            break
        await asyncio.sleep(0.01)
    assert not Path(root).exists()
    assert refuses(int(port))
