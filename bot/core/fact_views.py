"""An offer's structured facts in words, in the reader's language: when, how long, when it
starts, what it costs or pays, what you need, what to do next, what to bring.

One module, just over 300 lines: one function per fact, sharing the day and time formats that
must read the same everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date

from bot.core.catalogue import Offer
from bot.core.offer_facts import OfferFacts, Span, Window
from bot.core.text import Translator, esc, html_format, ltr


def _format_texts(t: Translator) -> dict[str, str]:
    return {
        "full_time": t.gettext("Full time."),
        "part_time": t.gettext("Part time."),
        "evening": t.gettext("In the evening."),
        "mornings": t.gettext("In the mornings."),
        "weekend": t.gettext("At weekends."),
        "flexible": t.gettext("Whenever you want."),
        "appointments": t.gettext("By appointment."),
        "open_hours": t.gettext("Open hours: you can come without an appointment."),
        "self_paced": t.gettext("Online, at your own pace."),
        "alongside": t.gettext("Alongside school, training or work."),
        "dual": t.gettext(
            "In a company and at the vocational school (Berufsschule): usually 3 to 4 days a "
            "week in the company, 1 to 2 days at school."
        ),
        "school": t.gettext("A full-time school class."),
        "shifts": t.gettext("In shifts."),
        "blocks": t.gettext("Lessons in blocks at the school, with practice in between."),
        "phone_video": t.gettext("Also by phone or video call."),
        "work_hours": t.gettext("During the working hours of the company."),
        "irregular_hours": t.gettext("Often also in the evening, at weekends or in shifts."),
        "minijob": t.gettext("A Minijob: a small job with a low monthly pay."),
    }


def days_text(t: Translator, days: tuple[int, ...]) -> str:
    """ "Mon–Fri", "Mon, Wed", "Mon–Wed, Fri": runs of three or more days as a range."""
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(
                t.gettext("{first}–{last}").format(
                    first=t.weekday_name(run[0]), last=t.weekday_name(run[-1])
                )
            )
        else:
            parts.extend(t.weekday_name(day) for day in run)
    return ", ".join(parts)


def window_text(t: Translator, window: Window) -> str:
    days = days_text(t, window.days)
    if window.start is None or window.end is None:
        return days
    times = t.gettext("{start} to {end}").format(
        start=ltr(t, t.format_clock(window.start)), end=ltr(t, t.format_clock(window.end))
    )
    if not days:
        return times
    return t.gettext("{days}, {times}").format(days=days, times=times)


def _number(t: Translator, value: float) -> str:
    return ltr(t, t.format_number(int(value) if value == int(value) else value))


def _count(value: float) -> int:
    """The whole number that picks the plural form: 3.5 years take the form of 4."""
    return math.ceil(value)


def unit_text(t: Translator, value: float, unit: str) -> str:
    """ "700 lessons", "3 years", "10 months", "2 hours a week" ("" unit)."""
    n = _count(value)
    # Each form written out, so that the message extraction finds it.
    if unit == "h":
        template = t.ngettext("{count} lesson", "{count} lessons", n)
    elif unit == "d":
        template = t.ngettext("{count} day", "{count} days", n)
    elif unit == "w":
        template = t.ngettext("{count} week", "{count} weeks", n)
    elif unit == "m":
        template = t.ngettext("{count} month", "{count} months", n)
    elif unit == "y":
        template = t.ngettext("{count} year", "{count} years", n)
    else:
        template = t.ngettext("{count} hour a week", "{count} hours a week", n)
    return template.format(count=_number(t, value))


Say = Callable[[Translator, float, str], str]  # a value with its unit, in words


def span_text(t: Translator, span: Span, say: Say = unit_text) -> str:
    """A number with its unit, a range, "up to" or "at least"."""
    if span.low is None and span.high is not None:
        return t.gettext("up to {amount}").format(amount=say(t, span.high, span.unit))
    if span.high is None and span.low is not None:
        return t.gettext("at least {amount}").format(amount=say(t, span.low, span.unit))
    assert span.low is not None and span.high is not None
    if span.low == span.high:
        return say(t, span.high, span.unit)
    return t.gettext("{low} to {high}").format(
        low=_number(t, span.low), high=say(t, span.high, span.unit)
    )


def _money(t: Translator, value: float, unit: str) -> str:
    return ltr(t, t.format_currency(value, "EUR"))


def _money_span(t: Translator, span: Span) -> str:
    if span.low is not None and span.high is not None and span.low != span.high:
        return t.gettext("{low} to {high}").format(
            low=_money(t, span.low, ""), high=_money(t, span.high, "")
        )
    return span_text(t, span, _money)


def when_lines(t: Translator, facts: OfferFacts) -> list[str]:
    """Sentences, and the days and times on a line of their own (no full stop after them:
    some languages' short weekdays end with a dot already, "Mo.–Fr.")."""
    formats = _format_texts(t)
    lines = []
    if facts.formats:
        lines.append(" ".join(esc(formats[key]) for key in facts.formats))
    windows = [window_text(t, w) for w in facts.windows if w.days or w.start]
    if windows:
        lines.append(esc(t.format_list(windows)))
    if facts.alternative is not None:
        lines.append(
            html_format(t.gettext("Or instead: {times}."), times=window_text(t, facts.alternative))
        )
    if facts.frequency:
        often = {"weekly": t.gettext("Once a week."), "monthly": t.gettext("Once a month.")}
        lines.append(esc(often[facts.frequency]))
    return lines


def duration_line(t: Translator, facts: OfferFacts) -> str:
    parts = []
    if facts.duration is not None:
        parts.append(span_text(t, facts.duration))
    if facts.hours_per_week is not None:
        parts.append(span_text(t, facts.hours_per_week))
    return esc(t.format_list(parts)) if parts else ""


def start_lines(t: Translator, facts: OfferFacts) -> list[str]:
    texts = {
        "school_year": t.gettext("At the start of the school year (1 August)."),
        "several": t.gettext("There are several start dates a year."),
        "later_possible": t.gettext("A later start is possible if you ask."),
    }
    lines = [esc(texts[key]) for key in facts.intake if key in texts]
    if facts.start_months:
        months = t.format_list([t.month_name(m) for m in facts.start_months])
        lines.append(html_format(t.gettext("It starts in: {months}."), months=months))
    if facts.apply_by is not None:
        lines.append(
            html_format(
                t.gettext("Apply by {date}."), date=ltr(t, t.format_date(facts.apply_by))
            )
        )
    if facts.apply_in is not None:
        month = ltr(t, t.format_month(date(facts.apply_in[0], facts.apply_in[1], 1)))
        lines.append(html_format(t.gettext("Apply in {month}."), month=month))
    return lines


def cost_lines(t: Translator, offer: Offer) -> list[str]:
    facts = offer.facts
    lines = []
    if "free" in facts.cost_types:
        lines.append(esc(t.gettext("Free.")))
    if "fee" in facts.cost_types:
        if facts.cost_amount is not None:
            amount = _money_span(t, facts.cost_amount)
            unit = {
                "per_lesson": t.gettext("{amount} per lesson."),
                "per_month": t.gettext("{amount} per month."),
                "per_module": t.gettext("{amount} per module."),
                "total": t.gettext("{amount} in total."),
            }[facts.cost_unit or "total"]
            lines.append(html_format(unit, amount=amount))
        elif offer.cost_eur > 0:
            lines.append(html_format(t.gettext("{amount}."), amount=_money(t, offer.cost_eur, "")))
        else:
            lines.append(esc(t.gettext("It costs money. Ask the provider for the price.")))
    pay = {
        "training_allowance": t.gettext(
            "You get paid every month (Ausbildungsvergütung), at least the legal minimum."
        ),
        "eq_allowance": t.gettext("You get paid every month by the company."),
        "minimum_wage": t.gettext("You get at least the minimum wage (Mindestlohn)."),
        "unpaid": t.gettext("It is not paid."),
        "usually_unpaid": t.gettext("It is usually not paid."),
    }
    if facts.pay:
        lines.append(esc(pay[facts.pay]))
    elif "paid" in facts.cost_types:
        lines.append(esc(t.gettext("You get paid.")))
    grants = {
        "bab": t.gettext(
            "Extra money from the Agentur für Arbeit (Berufsausbildungsbeihilfe, BAB) may be "
            "possible."
        ),
        "schueler_bafoeg": t.gettext("Money for pupils (Schüler-BAföG) may be possible."),
        "bafoeg": t.gettext("Money for students (BAföG) may be possible."),
        "recognition_grant": t.gettext(
            "A grant (Anerkennungszuschuss) can pay the fees of the recognition."
        ),
        "garantiefonds": t.gettext("The Garantiefonds Hochschule can pay for courses."),
        "but": t.gettext(
            "If you are under 18 and your family gets money from the state, the Bildungs- und "
            "Teilhabepaket can pay."
        ),
    }
    lines.extend(esc(grants[key]) for key in facts.grants if key in grants)
    if "grant" in facts.cost_types and not facts.grants:
        lines.append(esc(t.gettext("You may get money for it. Ask the provider.")))
    if facts.cost_exemption:
        lines.append(esc(t.gettext("You can ask to pay less or nothing (exemption).")))
    if facts.cost_extra:
        lines.append(esc(t.gettext("There can be extra costs, for example fees or translations.")))
    return lines


def requirement_texts(t: Translator) -> dict[str, str]:
    return {
        "school_certificate": t.gettext("a school-leaving certificate"),
        "school_certificate_usually": t.gettext(
            "most companies ask for a school-leaving certificate"
        ),
        "work_permission": t.gettext("a permission to work (Beschäftigungserlaubnis)"),
        "registered_agentur": t.gettext(
            "to be registered with the Agentur für Arbeit as looking for training"
        ),
        "entitlement": t.gettext("a certificate that you may join (Berechtigungsschein)"),
        "certificates_translated": t.gettext("your certificates with a German translation"),
        "police_certificate": t.gettext("a police certificate (erweitertes Führungszeugnis)"),
        "smartphone_internet": t.gettext("a smartphone or computer with internet"),
        "driving_licence": t.gettext("a driving licence"),
    }


def next_step_texts(t: Translator) -> dict[str, str]:
    return {
        "contact_provider": t.gettext("Write to or call the contact below."),
        "apply": t.gettext("Send an application (Bewerbung)."),
        "register": t.gettext("Sign up (Anmeldung)."),
        "visit": t.gettext("Come by during the open hours."),
        "appointment": t.gettext("Make an appointment."),
        "ask_counselling": t.gettext("Ask the Jugendmigrationsdienst first."),
        "ask_agentur": t.gettext(
            "Talk to the careers guidance (Berufsberatung) of the Agentur für Arbeit."
        ),
        "ask_jobcenter": t.gettext("Ask the Jobcenter."),
        "ask_school": t.gettext("Talk to the school: it decides after a talk with you."),
        "online": t.gettext("Start online."),
    }


def bring_texts(t: Translator) -> dict[str, str]:
    return {
        "id_document": t.gettext("your passport or ID card"),
        "residence_paper": t.gettext("your residence paper"),
        "certificates": t.gettext("your school and work certificates"),
        "cv": t.gettext("a CV (Lebenslauf)"),
        "health_card": t.gettext("your health insurance card"),
        "photo": t.gettext("a photo"),
    }


def need_line(t: Translator, facts: OfferFacts) -> str:
    if facts.requires == ("none",):
        return esc(t.gettext("Nothing special."))
    texts = requirement_texts(t)
    needs = [texts[key] for key in facts.requires if key in texts]
    return esc(t.format_list(needs)) if needs else ""


def next_lines(t: Translator, facts: OfferFacts) -> list[str]:
    texts = next_step_texts(t)
    return [esc(texts[key]) for key in facts.next_steps]


def bring_line(t: Translator, facts: OfferFacts) -> str:
    texts = bring_texts(t)
    things = [texts[key] for key in facts.bring]
    return esc(t.format_list(things)) if things else ""
