"""The needs report in words: names of what it counts (interests, papers, German levels,
blocking conditions, offers), the sentences of its gaps and openers, the chat summary, and the
wizard's buttons (/report: district, period, part). Pure: the service built the report.

One module, just over 300 lines: the names and sentences the chat summary, the charts and the
PDF all use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.core import callback
from bot.core.dialogue_io import Button, Reply
from bot.core.report import CASE_OUTCOMES, OTHER_AGE, UNKNOWN, Opener, Period, Report
from bot.core.suppression import HIDDEN
from bot.core.text import N_, Translator, bold, esc, html_format, ltr
from bot.core.views import category_label, district_buttons, number, option_label
from bot.core.world import World

PARTS = ("all", "gaps", "blockers", "searches", "use", "paths")
PERIODS = ("m0", "m1", "y")
GAPS_SAID = 5
CONDITIONS = {
    "german": N_("German level"),
    "age": N_("age"),
    "status": N_("residence papers"),
    "waiting": N_("waiting time in Germany"),
    "school": N_("school obligation"),
    "stop": N_("admission stop"),
    "place": N_("place"),
}


@dataclass(frozen=True)
class Names:
    """How the report names what it counts, in one language."""

    interest: Callable[[str], str]
    status: Callable[[str], str]
    level: Callable[[str], str]
    band: Callable[[str], str]
    condition: Callable[[str], str]
    offer: Callable[[str], str]
    language: Callable[[str], str]
    event: Callable[[str], str]
    t: Translator


def names(t: Translator, world: World, german_titles: bool = False) -> Names:
    flow, catalogue = world.profile_flow, world.catalogue

    def unknown(value: str, name: Callable[[str], str]) -> str:
        return t.gettext("not known") if value == UNKNOWN else name(value)

    def band(value: str) -> str:
        if value == OTHER_AGE:
            return t.gettext("other ages")
        return unknown(value, lambda v: v)

    def offer(offer_id: str) -> str:
        found = catalogue.offers.get(offer_id)
        if found is None:
            return offer_id
        title = found.title_de if german_titles else (found.title_in(t.language) or found.title_de)
        return f"{title} ({offer_id})"

    def language(code: str) -> str:
        found = world.language(code)
        return unknown(code, lambda c: found.name if found else c)

    def event(event_id: str) -> str:
        found = world.events.get(event_id)
        return f"{found.title_de} ({event_id})" if found else event_id

    return Names(
        interest=lambda v: unknown(v, lambda x: category_label(t, flow, x)),
        status=lambda v: unknown(v, lambda x: option_label(t, flow, "status", x)),
        level=lambda v: unknown(v, lambda x: option_label(t, flow, "german_level", x)),
        band=band,
        condition=lambda v: t.gettext(CONDITIONS[v]) if v in CONDITIONS else v,
        offer=offer,
        language=language,
        event=event,
        t=t,
    )


def count_text(t: Translator, value: int | None) -> str:
    return HIDDEN if value is None else number(t, value)


def gap_sentence(n: Names, keys: tuple[str, ...], count: int) -> str:
    """ "Ausbildung, Duldung, 18–20, A2: 17 people, no offer fits"; a coarse group leaves the
    parts it does not know empty ("Ausbildung, Duldung: 23 people, no offer fits")."""
    interest, status, band, level = keys
    if not (status and band and level):
        parts = [n.interest(interest)]
        parts += [name(v) for name, v in ((n.status, status), (n.band, band), (n.level, level))
                  if v]  # fmt: skip
        return n.t.ngettext(
            "{group}: {count} person, no offer fits",
            "{group}: {count} people, no offer fits",
            count,
        ).format(group=", ".join(parts), count=number(n.t, count))
    return n.t.ngettext(
        "{interest}, {status}, {age}, {level}: {count} person, no offer fits",
        "{interest}, {status}, {age}, {level}: {count} people, no offer fits",
        count,
    ).format(
        interest=n.interest(interest), status=n.status(status), age=n.band(band),
        level=n.level(level), count=number(n.t, count),
    )  # fmt: skip


def opener_sentence(n: Names, opener: Opener) -> str:
    """ "If Berufssprachkurs B1 (HE-006) accepted A2: 14 more people would fit"."""
    t, count = n.t, opener.people or 0
    offer = n.offer(opener.offer)
    if opener.rule == "min_german" and opener.have == "none":
        text = t.ngettext(
            "If {offer} accepted people without German: {count} more person would fit",
            "If {offer} accepted people without German: {count} more people would fit", count,
        )  # fmt: skip
        return text.format(offer=offer, count=number(t, count))
    if opener.rule == "min_german":
        text = t.ngettext(
            "If {offer} accepted {level}: {count} more person would fit",
            "If {offer} accepted {level}: {count} more people would fit", count,
        )  # fmt: skip
        return text.format(offer=offer, level=n.level(opener.have), count=number(t, count))
    if opener.rule == "min_age":
        text = t.ngettext(
            "If {offer} started at {age}: {count} more person would fit",
            "If {offer} started at {age}: {count} more people would fit", count,
        )  # fmt: skip
        return text.format(offer=offer, age=opener.have, count=number(t, count))
    if opener.rule == "months":
        text = t.ngettext(
            "If {offer} took people after {months} months in Germany: {count} more person "
            "would fit",
            "If {offer} took people after {months} months in Germany: {count} more people "
            "would fit", count,
        )  # fmt: skip
        return text.format(offer=offer, months=opener.have, count=number(t, count))
    if opener.rule == "school":
        text = t.ngettext(
            "If {offer} took pupils: {count} more person would fit",
            "If {offer} took pupils: {count} more people would fit", count,
        )  # fmt: skip
        return text.format(offer=offer, count=number(t, count))
    text = t.ngettext(
        "If {offer} had no admission stop: {count} more person would fit",
        "If {offer} had no admission stop: {count} more people would fit", count,
    )  # fmt: skip
    return text.format(offer=offer, count=number(t, count))


def period_of(code: str, today: date) -> Period | None:
    """ "m0" this month, "m1" last month, "y" the last 12 months, "2026-11" a month."""
    first = today.replace(day=1)
    if code == "m0":
        return Period(first, today)
    if code == "m1":
        end = first - timedelta(days=1)
        return Period(end.replace(day=1), end)
    if code == "y":
        year, month = (first.year - 1, first.month + 1) if first.month < 12 else (first.year, 1)
        return Period(date(year, month, 1), today)
    try:
        year, month = (int(part) for part in code.split("-"))
        start = date(year, month, 1)
    except ValueError:
        return None
    following = date(year + (month == 12), month % 12 + 1, 1)
    return Period(start, min(following - timedelta(days=1), today))


def period_text(t: Translator, period: Period) -> str:
    return t.gettext("{start} to {end}").format(
        start=ltr(t, t.format_date(period.start)), end=ltr(t, t.format_date(period.end))
    )


# -- the wizard -------------------------------------------------------------------------------


def choose_district(t: Translator, world: World, districts: list[str]) -> Reply:
    rows = district_buttons(world, districts, "rp", "d")
    return Reply(esc(t.gettext("The needs report of which district?")), tuple(rows))


def choose_period(t: Translator, world: World, district: str) -> Reply:
    labels = {
        "m0": t.gettext("This month"),
        "m1": t.gettext("Last month"),
        "y": t.gettext("The last 12 months"),
    }
    rows = [(Button(labels[p], callback.encode("rp", "p", district, p)),) for p in PERIODS]
    rows.append((
        Button(t.gettext("🔔 Weekly digest on"), callback.encode("rp", "w", "on")),
        Button(t.gettext("🔕 off"), callback.encode("rp", "w", "off")),
    ))  # fmt: skip
    name = world.catalogue.districts[district].name
    text = html_format(t.gettext("Needs report for {district}. Which period?"), district=name)
    return Reply(text, tuple(rows))


def choose_part(t: Translator, district: str, period: str) -> Reply:
    labels = {
        "all": t.gettext("Everything: summary, charts, CSV and PDF"),
        "gaps": t.gettext("Needs no offer meets"),
        "blockers": t.gettext("What keeps people out"),
        "searches": t.gettext("What people looked for"),
        "use": t.gettext("Use of offers and events"),
        "paths": t.gettext("Educational paths"),
    }
    rows = [
        (Button(labels[part], callback.encode("rp", "r", district, period, part)),)
        for part in PARTS
    ]
    rows.append((Button(t.gettext("‹ Back"), callback.encode("rp", "d", district)),))
    return Reply(esc(t.gettext("Which part of the report?")), tuple(rows))


# -- the summary ------------------------------------------------------------------------------


def summary(t: Translator, world: World, report: Report, part: str) -> str:
    """The report in a few lines, in the coordinator's language (HTML)."""
    n = names(t, world)
    district = world.catalogue.districts[report.district].name
    lines = [
        bold(html_format(t.gettext("Needs report: {district}"), district=district)),
        html_format(
            t.gettext("{period}. People who used Lotse: {count}."),
            period=period_text(t, report.period), count=count_text(t, report.people),
        ),
    ]  # fmt: skip
    if report.synthetic:
        lines.insert(1, "⚠️ " + esc(synthetic_note(t)))
    if part in ("all", "gaps"):
        lines.append(bold(esc(t.gettext("Largest gaps"))))
        gaps = [f"• {esc(gap_sentence(n, keys, count))}" for keys, count in report.gaps]
        none = esc(t.gettext("No group of 5 or more without an offer."))
        lines.extend(gaps[:GAPS_SAID] or [none])
    if part in ("all", "blockers"):
        lines.append(bold(esc(t.gettext("What keeps people out"))))
        blocked = sorted(
            (row for row in report.table("blocked").rows if row.value),
            key=lambda row: -(row.value or 0),
        )  # fmt: skip
        lines.extend(
            f"• {esc(n.condition(row.keys[0]))}: {esc(count_text(t, row.value))}"
            for row in blocked[:5]
        )
        lines.extend(f"• {esc(opener_sentence(n, o))}" for o in report.openers[:3])
    if part in ("searches",):
        lines.append(bold(esc(t.gettext("Searches that found no fitting offer"))))
        rows = sorted(report.table("searches").rows, key=lambda row: -(row.value or 0))
        lines.extend(
            f"• {esc(row.keys[0])} ({esc(n.language(row.keys[1]))}): "
            f"{esc(count_text(t, row.value))}"
            for row in rows[:8]
        )  # fmt: skip
    if part in ("use",):
        lines.append(bold(esc(t.gettext("Offers in people's lists"))))
        rows = sorted(report.table("offer_in_list").rows, key=lambda row: -(row.value or 0))
        lines.extend(
            f"• {esc(n.offer(row.keys[0]))}: {esc(count_text(t, row.value))}" for row in rows[:8]
        )
        funnel = {row.keys[0]: row.value for row in report.table("funnel").rows}
        lines.append(html_format(
            t.gettext("Started {started}, agreed {agreed}, answered the questions {finished}, "
                      "opened an offer {opened}, saved or subscribed {engaged}."),
            **{k: count_text(t, v) for k, v in funnel.items()},
        ))  # fmt: skip
        cases = {row.keys[0]: row.value for row in report.table("cases").rows}
        if any(v is None or v > 0 for v in cases.values()):
            lines.append(html_format(
                t.gettext("Talk to a person: advised {advised}, referred to an offer "
                          "{referred}, no contact {no_contact}, closed without messages "
                          "{timeout}."),
                **{k: count_text(t, cases.get(k)) for k in CASE_OUTCOMES},
            ))  # fmt: skip
    if part in ("paths",):
        lines.append(bold(esc(t.gettext("Educational paths"))))
        lines.extend(
            f"• {esc(n.offer(step.offer))} ({esc(count_text(t, step.people))}) → "
            + esc(", ".join(n.offer(target) for target in step.leads_to))
            for step in report.paths if step.leads_to
        )  # fmt: skip
    lines.append(esc(t.gettext(
        "Counts under 5 are shown as <5, and totals that would give them away are hidden too. "
        "No single person can be seen."
    )))  # fmt: skip
    return "\n".join(lines)


def synthetic_note(t: Translator) -> str:
    return t.gettext("Synthetic demo data: these are not real people.")


def digest_switched(t: Translator, on: bool) -> Reply:
    if on:
        return Reply(esc(t.gettext(
            "Okay. Every Monday morning you get three lines about your district and the chart "
            "of the largest gaps."
        )))  # fmt: skip
    return Reply(esc(t.gettext("Okay. No weekly digest.")))


def digest(t: Translator, world: World, payload: dict) -> str:
    """The weekly digest's three lines (the numbers were counted and hidden when planned)."""
    n = names(t, world)
    district = world.catalogue.districts.get(str(payload.get("district")))
    gaps = payload.get("gaps") or []
    lines = [
        bold(html_format(t.gettext("This week in {district}"),
                         district=district.name if district else "")),
        html_format(t.gettext("New people this week: {count}"),
                    count=count_text(t, payload.get("new"))),
        html_format(t.gettext("People who used Lotse this week: {count}"),
                    count=count_text(t, payload.get("active"))),
        esc(gap_sentence(n, tuple(gaps[0][0]), int(gaps[0][1]))) if gaps
        else esc(t.gettext("No group of 5 or more without an offer.")),
    ]  # fmt: skip
    return "\n".join(lines)


def report_caption(t: Translator, kind: str) -> str:
    captions = {
        "gaps": t.gettext("The largest gaps: people for whom no offer fits."),
        "blockers": t.gettext("What keeps people out of the offers of their interest."),
        "paths": t.gettext(
            "The district's educational paths, with how many people each step fits now."
        ),
        "csv": t.gettext("Every table of the report (CSV, opens in Excel)."),
        "pdf": t.gettext("One page for the committee (German)."),
    }
    return esc(captions[kind])
