"""The callback-data grammar: `namespace:action[:arg...]`, under Telegram's 64-byte limit.

Encoded and decoded only here. Namespaces (each side owns one; the callback table routes on
namespace and action, anchored, and checks who may press it):

fl  the open question   fl:a:<step>:<value> answer   fl:t:<step>:<value> tick
                        fl:d:<step> done             fl:k:<step> skip     fl:b back
of  offers              of:p:<page> list             of:o:<id> detail
                        of:s:<id> save / unsave      of:n:<id> not for me
                        of:a:<page> almost within reach, grouped by what unlocks them
pf  profile             pf:v show                    pf:e:<field> change one answer
ev  events              ev:l:<page> list   ev:o:<id> detail   ev:r:<id> remind   ev:u:<id> stop
                        ev:c:<id> calendar file      ev:g:<id>:<yes|no|cancelled> did you go?
pr  privacy             pr:x:<ask|yes|no> erase everything
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
_PART = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")
_NAME = re.compile(r"^[a-z]{1,3}$")


class CallbackError(ValueError):
    pass


@dataclass(frozen=True)
class Pressed:
    namespace: str
    action: str
    args: tuple[str, ...] = ()

    @property
    def route(self) -> str:
        return f"{self.namespace}:{self.action}"


def encode(namespace: str, action: str, *args: str) -> str:
    if not _NAME.match(namespace) or not _NAME.match(action):
        raise CallbackError(f"bad callback route {namespace}:{action}")
    for arg in args:
        if not _PART.match(arg):
            raise CallbackError(f"bad callback argument {arg!r}")
    data = ":".join((namespace, action, *args))
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise CallbackError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str) -> Pressed:
    """Any bytes a client may send: a well-formed Pressed, or CallbackError."""
    if not data or len(data.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise CallbackError("empty or too long")
    parts = data.split(":")
    if len(parts) < 2 or not _NAME.match(parts[0]) or not _NAME.match(parts[1]):
        raise CallbackError("no namespace and action")
    if not all(_PART.match(part) for part in parts[2:]):
        raise CallbackError("malformed argument")
    return Pressed(parts[0], parts[1], tuple(parts[2:]))
