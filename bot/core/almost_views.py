"""Every offer almost within reach, grouped by what unlocks it ("With German B1: 6 offers",
"From age 18: 2 offers", "After 9 months in Germany: 1 offer"), each with its step."""

from __future__ import annotations

from bot.core import callback
from bot.core.dialogue_io import Button, Reply
from bot.core.eligibility import Gap
from bot.core.matching import Match, rank
from bot.core.offer_views import ALMOST_MARK, german_courses, offer_button, offer_title
from bot.core.profile import Session
from bot.core.rule_views import day, gap_line, months, papers
from bot.core.text import Translator, bold, esc, html_format, ltr
from bot.core.views import number, page_buttons
from bot.core.world import World

ALMOST_PAGE = 8


def group_of(gap: Gap) -> tuple[str, str]:
    """What unlocks it: the same step for every offer of a group."""
    if gap.rule == "school":
        return ("school", gap.when.isoformat() if gap.when else "")
    if gap.rule == "months":
        return ("months", f"{gap.status}:{int(gap.need):03d}")
    if gap.rule == "min_age":
        return ("min_age", f"{int(gap.need):03d}")
    return (gap.rule, gap.need)


def heading(t: Translator, world: World, gap: Gap, count: int) -> str:
    amount = number(t, count)
    if gap.rule == "min_german":
        template = t.ngettext(
            "With German {level}: {count} offer", "With German {level}: {count} offers", count
        )
        return html_format(template, level=ltr(t, gap.need), count=amount)
    if gap.rule == "min_age":
        template = t.ngettext("From age {age}: {count} offer", "From age {age}: {count} offers",
                              count)  # fmt: skip
        return html_format(template, age=number(t, int(gap.need)), count=amount)
    if gap.rule == "months":
        template = t.ngettext(
            "With {papers} after {months} in Germany: {count} offer",
            "With {papers} after {months} in Germany: {count} offers",
            count,
        )
        return html_format(
            template, papers=papers(t, world, gap.status), months=months(t, int(gap.need)),
            count=amount,
        )  # fmt: skip
    if gap.rule == "school":
        template = t.ngettext(
            "When school is no longer compulsory for you ({date}): {count} offer",
            "When school is no longer compulsory for you ({date}): {count} offers",
            count,
        )
        return html_format(template, date=day(t, gap.when) if gap.when else "", count=amount)
    template = t.ngettext(
        "Admissions stopped, another way in remains: {count} offer",
        "Admissions stopped, another way in remains: {count} offers",
        count,
    )
    return html_format(template, count=amount)


def almost_list(t: Translator, world: World, session: Session, page: int) -> Reply:
    ranking = rank(world.catalogue, session.profile, world.today)
    ranking = ranking.without(session.dismissed) if ranking else None
    back = (Button(t.gettext("‹ Back to the list"), callback.encode("of", "p", "1")),)
    if ranking is None or not ranking.almost:
        return Reply(
            esc(t.gettext("No offer is almost within reach for you right now.")), (back,)
        )
    matches = ranking.matches(ranking.almost)
    groups: dict[tuple[str, str], list[Match]] = {}
    for match in matches:
        assert match.assessment.gap is not None
        groups.setdefault(group_of(match.assessment.gap), []).append(match)
    # The biggest groups first: the step that opens the most.
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    entries = [(key, match) for key, members in ordered for match in members]
    pages = max(1, -(-len(entries) // ALMOST_PAGE))
    page = min(max(page, 1), pages)
    shown = entries[(page - 1) * ALMOST_PAGE : page * ALMOST_PAGE]
    courses = german_courses(ranking)
    parts = [bold(esc(t.gettext("Almost within reach")))]
    if pages > 1:
        page_line = t.gettext("Page {page} of {pages}")
        parts.append(html_format(page_line, page=number(t, page), pages=number(t, pages)))
    rows: list[tuple[Button, ...]] = []
    current: tuple[str, str] | None = None
    for key, match in shown:
        gap = match.assessment.gap
        assert gap is not None
        if key != current:
            # The step is the same for every offer of a group: said once, under its heading.
            top = bold(heading(t, world, gap, len(groups[key])))
            parts.append(f"{top}\n{gap_line(t, world, gap, courses)}")
            current = key
        parts.append(f"{ALMOST_MARK} {offer_title(t, world.profile_flow, match.offer)}")
        rows.append((offer_button(t, match.offer, ALMOST_MARK, 1),))
    rows.extend(page_buttons(t, "of", "a", page, pages))
    rows.append(back)
    return Reply("\n\n".join(parts), tuple(rows))

