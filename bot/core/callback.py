"""The callback-data grammar: short `prefix:arg` strings, under Telegram's 64-byte limit.

s:<step>:<value>   answer a choice step        t:<step>:<value>  tick a multi-choice option
d:<step>           finish a multi-choice step  b                 back one step
p:<page>           a page of the offer list    o:<offer id>      one offer in detail
e:<step>           edit one profile answer     x:ask|yes|no      erase all data
v:<offer id>       save / unsave an offer      n:<offer id>      "not for me"
l:<page>           the list of events          w:<event id>      one event in detail
r:<event id>       remind me                   u:<event id>      cancel the reminder
c:<event id>       the event's calendar file   g:<event id>:<yes|no|cancelled>  did you go?
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 64
PREFIXES = frozenset("stdbpoexvnlwrucg")


class CallbackError(ValueError):
    pass


@dataclass(frozen=True)
class Callback:
    action: str
    step: str = ""
    value: str = ""


def encode(action: str, *parts: str) -> str:
    if action not in PREFIXES:
        raise CallbackError(f"unknown callback action {action!r}")
    data = ":".join((action, *parts))
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise CallbackError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str) -> Callback:
    if not data or len(data.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise CallbackError("empty or too long")
    action, _, rest = data.partition(":")
    if action not in PREFIXES:
        raise CallbackError(f"unknown action {action!r}")
    if action in "stdg":
        step, _, value = rest.partition(":")
        if not step or (action != "d" and not value):
            raise CallbackError("missing step or value")
        return Callback(action, step, value)
    if action == "b":
        return Callback(action)
    if action == "e":
        if not rest:
            raise CallbackError("missing step")
        return Callback(action, step=rest)
    if not rest:
        raise CallbackError("missing argument")
    return Callback(action, value=rest)
