"""Answer kinds: each renders its question and handles its own input. Adding a kind is one
class in `REGISTRY`; the interpreter never asks which kind a step is."""

from __future__ import annotations

from bot.core.kinds.base import Kind, answer_button, matches_label
from bot.core.kinds.choices import ChoiceKind, ConsentKind, LanguageKind, MultiKind
from bot.core.kinds.months import BirthKind, MonthKind
from bot.core.kinds.places import LocationKind, PlaceKind
from bot.core.kinds.typed import (
    DateKind,
    DateTimeKind,
    FileKind,
    MessageKind,
    NumberKind,
    TextKind,
)  # fmt: skip

REGISTRY: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        LanguageKind(), ConsentKind(), NumberKind(), ChoiceKind(), MultiKind(), PlaceKind(),
        LocationKind(), TextKind(), DateKind(), DateTimeKind(), FileKind(), BirthKind(),
        MonthKind(), MessageKind(),
    )
}  # fmt: skip

__all__ = ["REGISTRY", "Kind", "answer_button", "matches_label"]
