"""Small counts hidden, and whatever would give them away.

Primary suppression: a count from 1 to 4 is shown as "<5" (0 is shown: nobody is no one).
Secondary suppression: a sum constraint (a total and the cells it adds up) with exactly one
hidden value would let a reader work it out by subtraction; then the smallest other value of
that constraint is hidden too, a cell before the total, until no constraint has exactly one.
Values are shared between constraints by their id (an interest's "no offer fits" is a cell of
one table and the total of its breakdown), so hiding spreads where it must.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

THRESHOLD = 5
HIDDEN = "<5"


@dataclass(frozen=True)
class Constraint:
    total: str
    cells: tuple[str, ...]


def suppress(values: Mapping[str, int], constraints: Iterable[Constraint]) -> set[str]:
    """The ids of the values to hide."""
    hidden = {key for key, value in values.items() if 0 < value < THRESHOLD}
    rules = [c for c in constraints if c.cells]
    changed = True
    while changed:
        changed = False
        for rule in rules:
            members = (rule.total, *rule.cells)
            if sum(1 for m in members if m in hidden) != 1:
                continue
            # Another value to hide: the smallest positive cell, else the total.
            candidates = sorted(
                (values.get(m, 0), m) for m in rule.cells if m not in hidden and values.get(m, 0)
            )
            if candidates:
                hidden.add(candidates[0][1])
            elif rule.total not in hidden:
                hidden.add(rule.total)
            else:
                continue
            changed = True
    return hidden


def leaks(
    values: Mapping[str, int], constraints: Iterable[Constraint], hidden: set[str]
) -> list[str]:
    """What a reader could still learn (for tests): shown values from 1 to 4, and constraints
    with exactly one hidden value that is not zero."""
    found = [key for key, value in values.items() if 0 < value < THRESHOLD and key not in hidden]
    for rule in constraints:
        members = (rule.total, *rule.cells)
        secret = [m for m in members if m in hidden]
        if len(secret) == 1 and values.get(secret[0], 0):
            found.append(f"{secret[0]} = {rule.total} - others")
    return found


def shown(value: int | None) -> str:
    return HIDDEN if value is None else str(value)
