"""The rules in words: why an offer fits, which conditions come with it, and what is missing
for an "almost" offer (the reason lines; never a bare "open for your papers" when a condition
applies to the person's papers)."""

from __future__ import annotations

from datetime import date

from bot.core.catalogue import Catalogue, Offer
from bot.core.eligibility import Assessment, Gap, Note
from bot.core.keys import STATE_NAMES
from bot.core.person import Person
from bot.core.text import Translator, esc, html_format, ltr
from bot.core.views import number, option_label
from bot.core.world import World


def papers(t: Translator, world: World, status: str) -> str:
    return option_label(t, world.profile_flow, "status", status)


def months(t: Translator, count: int) -> str:
    """ "9 months", with the plural form the language uses for that number."""
    return t.ngettext("{count} month", "{count} months", count).format(count=number(t, count))


def day(t: Translator, when: date) -> str:
    return ltr(t, t.format_date(when))


def reasons(t: Translator, world: World, assessment: Assessment) -> list[str]:
    """The rules the person meets, one short sentence each (HTML)."""
    texts = {
        "age": esc(t.gettext("Open for your age.")),
        "german": esc(t.gettext("Fits your German level.")),
        "school": esc(t.gettext("For young people who still have to go to school.")),
    }
    if "status" in assessment.reasons:
        texts["status"] = html_format(
            t.gettext("Open with your papers: {papers}."),
            papers=papers(t, world, assessment.papers),
        )
    return [texts[r] for r in assessment.reasons]


def school_line(t: Translator, person: Person, state: str) -> str:
    """The school obligation, said once above the offers (HTML); "" when it is over."""
    name = ltr(t, STATE_NAMES.get(state, state))
    if person.school.obliged and person.school.ends is not None:
        return html_format(
            t.gettext(
                "In {state} you still have to go to school until {date} (Schulpflicht). "
                "The school placement (Schulplatzvermittlung) comes first: it finds a school "
                "place for you."
            ),
            state=name, date=day(t, person.school.ends),
        )  # fmt: skip
    if person.school.obliged is None and person.age_low is not None and person.age_low < 18:
        return html_format(
            t.gettext(
                "You may still have to go to school in {state} (Schulpflicht). I cannot tell "
                "for sure from your answers. The school placement (Schulplatzvermittlung) or "
                "the Jugendmigrationsdienst can tell you."
            ),
            state=name,
        )
    return ""


def referral(t: Translator, who: str) -> str:
    texts = {
        "agentur_fuer_arbeit": t.gettext(
            "First step: talk to the Agentur für Arbeit. It decides whether you can join."
        ),
        "jobcenter": t.gettext(
            "First step: you need a certificate (Berechtigungsschein) from the Jobcenter or "
            "the Agentur für Arbeit."
        ),
        "bamf": t.gettext("First step: you need an admission (Zulassung) from the BAMF."),
        "auslaenderbehoerde": t.gettext("First step: ask the Ausländerbehörde for permission."),
        "auslaenderbehoerde_certificate": t.gettext(
            "First step: you get a certificate (Berechtigungsschein) from the Ausländerbehörde."
        ),
        "jugendamt": t.gettext("First step: talk to the Jugendamt."),
        "schule": t.gettext("First step: the school decides after a talk with you."),
    }
    return texts.get(who, "")


def safe_countries(t: Translator, catalogue: Catalogue, today: date) -> str:
    codes = [c.code for c in catalogue.safe_countries if c.since <= today]
    return t.format_list([t.territory_name(code) for code in codes])


def condition(
    t: Translator, world: World, note: Note, full: bool = False, today: date | None = None
) -> str:
    """One condition as a sentence (HTML); "" for notes shown elsewhere. `full` adds what is
    too long for the list (the safe countries)."""
    kind, args = note[0], note[1:]
    if kind == "months_met":
        return html_format(
            t.gettext(
                "Open for {papers} after {months} in Germany: you have been here long enough."
            ),
            papers=papers(t, world, args[0]),
            months=months(t, int(args[1])),
        )
    if kind == "months":
        return html_format(
            t.gettext(
                "Open for {papers} after {months} in Germany. You did not say when you "
                "came: check it with the Jugendmigrationsdienst."
            ),
            papers=papers(t, world, args[0]),
            months=months(t, int(args[1])),
        )
    if kind == "months_reception":
        return html_format(
            t.gettext(
                "While you still live in a reception centre (Erstaufnahme): only after "
                "{months} in Germany."
            ),
            months=months(t, int(args[1])),
        )
    if kind == "reception_excluded":
        return esc(t.gettext("Not while you still have to live in a reception centre "
                             "(Erstaufnahme)."))  # fmt: skip
    if kind == "permission":
        return esc(t.gettext("With your papers you need a permission (Beschäftigungserlaubnis) "
                             "from the Ausländerbehörde first."))  # fmt: skip
    if kind == "safe_country":
        if not full:
            return esc(t.gettext("Not for people from a safe country of origin."))
        return html_format(
            t.gettext("Not for people from a safe country of origin: {countries}."),
            countries=safe_countries(t, world.catalogue, today or world.today),
        )
    if kind == "referral":
        return esc(referral(t, args[0]))
    if kind == "stop_unknown":
        rule = next((r for r in world.catalogue.rules.values() if r.id == args[0]), None)
        if rule is None:
            return ""
        return html_format(
            t.gettext(
                "Since {date}, new places are stopped for many papers. Check your papers "
                "with the Jugendmigrationsdienst."
            ),
            date=day(t, rule.starts),
        )
    if kind == "age_until":
        return html_format(t.gettext("Open up to age {age}."), age=number(t, int(args[0]) - 1))
    if kind == "school_unknown":
        return esc(t.gettext("I cannot tell whether you still have to go to school. The "
                             "Jugendmigrationsdienst can tell you."))  # fmt: skip
    return ""


def conditions(
    t: Translator, world: World, assessment: Assessment, full: bool = False
) -> list[str]:
    return [s for note in assessment.notes if (s := condition(t, world, note, full))]


def routes(t: Translator, keys: tuple[str, ...]) -> str:
    texts = {
        "entitlement": t.gettext("you are entitled to it (ask the Ausländerbehörde)"),
        "obligation": t.gettext(
            "an office obliges you to take part (the Jobcenter, the Ausländerbehörde or the "
            "Sozialamt)"
        ),
        "self_payer": t.gettext("you pay yourself, if the provider accepts it"),
    }
    return alternatives(t, [texts[k] for k in keys if k in texts])


def alternatives(t: Translator, items: list[str]) -> str:
    """ "a or b or c": ways of which one is enough (babel's "or" lists are missing for some of
    our languages, so the word comes from the catalogue)."""
    if not items:
        return ""
    joined = items[0]
    for item in items[1:]:
        joined = t.gettext("{first} or {second}").format(first=joined, second=item)
    return joined


def gap_line(t: Translator, world: World, gap: Gap, courses: list[Offer]) -> str:
    """The one missing condition and the step or the day that unlocks it (HTML)."""
    if gap.rule == "min_age":
        if gap.when is not None:
            return html_format(
                t.gettext("Open from age {need}; you are {have}. You can join from {date}."),
                need=number(t, int(gap.need)), have=number(t, int(gap.have)),
                date=day(t, gap.when),
            )  # fmt: skip
        return html_format(
            t.gettext("Open from age {need}: from your birthday when you turn {need}."),
            need=number(t, int(gap.need)),
        )
    if gap.rule == "months":
        need, have = int(gap.need), int(gap.have)
        return html_format(
            t.gettext(
                "Open for {papers} after {need} in Germany; you have been here {have}: "
                "in {wait}."
            ),
            papers=papers(t, world, gap.status), need=months(t, need),
            have=months(t, have), wait=months(t, need - have),
        )  # fmt: skip
    if gap.rule == "school":
        when = day(t, gap.when) if gap.when else ""
        return html_format(
            t.gettext("For young people who no longer have to go to school: from {date}."),
            date=when,
        )
    if gap.rule == "stop":
        rule = world.catalogue.rules.get(gap.need)
        since = day(t, rule.starts) if rule else ""
        return html_format(
            t.gettext(
                "Since {date}, new places are stopped for {papers} (§ 44 Abs. 4 "
                "AufenthG). You can still join if {routes}."
            ),
            date=since,
            papers=papers(t, world, gap.status),
            routes=routes(t, gap.routes),
        )
    level = option_label(t, world.profile_flow, "german_level", gap.have)
    need, have = ltr(t, gap.need), ltr(t, level)
    if courses:
        names = ", ".join(ltr(t, c.title_in(t.language) or c.title_de) for c in courses[:2])
        template = t.gettext(
            "Needs German {need}; you have {have}. A German course gets you there: {courses}."
        )
        return html_format(template, need=need, have=have, courses=names)
    return html_format(
        t.gettext("Needs German {need}; you have {have}. A German course gets you there."),
        need=need, have=have,
    )  # fmt: skip
