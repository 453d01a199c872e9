"""View helpers every side shares: numbered lists with a button per item, common buttons,
short labels. Views are pure: they read the session and never change it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, TypeVar

from bot.core import callback
from bot.core.dialogue_io import Button
from bot.core.flow import Flow
from bot.core.text import Translator, esc, ltr

if TYPE_CHECKING:
    from bot.core.world import World

T = TypeVar("T")
BUTTON_LABEL_MAX = 40
Rows = list[tuple[Button, ...]]


def short(label: str, limit: int = BUTTON_LABEL_MAX) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def number(t: Translator, value: float) -> str:
    """A number in the reader's digits, isolated in right-to-left text."""
    return ltr(t, t.format_number(value))


def numbered(
    t: Translator,
    items: Sequence[T],
    line: Callable[[T], str],
    button: Callable[[T, str], Button],
    first: int = 1,
    separator: str = "\n\n",
) -> tuple[str, Rows]:
    """ "1. ..." lines (HTML) with one button per item, numbered from `first`."""
    lines, rows = [], []
    for position, item in enumerate(items, start=first):
        label = number(t, position)
        lines.append(f"{esc(label)}. {line(item)}")
        rows.append((button(item, label),))
    return separator.join(lines), rows


def show_offers_button(t: Translator) -> Button:
    return Button(t.gettext("Show my offers"), callback.encode("of", "p", "1"))


def talk_button(t: Translator, offer_id: str = "") -> Button:
    """ "Talk to a person": to a counselling service (about an offer's field, from its detail)."""
    data = callback.encode("tk", "o", offer_id) if offer_id else callback.encode("tk", "l")
    return Button(t.gettext("💬 Talk to a person"), data)


def joined(parts: Iterable[str]) -> str:
    return "\n\n".join(p for p in parts if p)


def option_label(t: Translator, flow: Flow, field_name: str, value: str) -> str:
    """The translated button label of an answer, e.g. the status "duldung" -> "Tolerated stay"."""
    step = flow.step_saving(field_name)
    option = step.option(value) if step else None
    return t.pgettext(flow.context(step), option.label) if step and option else value


def category_label(t: Translator, flow: Flow, category: str) -> str:
    return option_label(t, flow, "interests", category)


def page_buttons(
    t: Translator, namespace: str, action: str, page: int, pages: int, args: tuple[str, ...] = ()
) -> Rows:
    """‹ Previous and More › for a list of `pages` pages (`<ns>:<action>[:args]:<page>`)."""
    nav = []
    if page > 1:
        previous = callback.encode(namespace, action, *args, str(page - 1))
        nav.append(Button(t.gettext("‹ Previous"), previous))
    if page < pages:
        following = callback.encode(namespace, action, *args, str(page + 1))
        nav.append(Button(t.gettext("More ›"), following))
    return [tuple(nav)] if nav else []


def district_buttons(
    world: World, districts: list[str], namespace: str, action: str, *before: str
) -> Rows:
    """One button per district (its name), `<ns>:<action>[:before]:<district>`."""
    return [
        (Button(short(world.catalogue.districts[d].name),
                callback.encode(namespace, action, *before, d)),)
        for d in districts
        if d in world.catalogue.districts
    ]  # fmt: skip
