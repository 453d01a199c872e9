"""A free TCP port on 127.0.0.1 (webhook processes, the test PostgreSQL server, proxies)."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
