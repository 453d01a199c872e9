"""PostgreSQL fixtures, registered in tests/conftest.py.

    async def test_something(pg_dsn: str) -> None:
        connection = await asyncpg.connect(pg_dsn)  # an empty database of this test's own

The server starts once per run, at the first test that asks for it, and only then.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.postgres import SKIP_REASON, PostgresServer, find_bindir, running_server


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """The throw-away server of this test run (its superuser DSN: `pg_server.dsn()`)."""
    bindir = find_bindir()
    if bindir is None:
        pytest.skip(SKIP_REASON)
    with running_server(bindir) as server:
        yield server


@pytest.fixture
def pg_dsn(pg_server: PostgresServer) -> Iterator[str]:
    """A DSN (postgresql://...) to a fresh, empty database, dropped after the test."""
    name = pg_server.create_database()
    yield pg_server.dsn(name)
    pg_server.drop_database(name)
