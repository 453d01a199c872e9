"""The spreadsheet a coordinator edits: the district's offers and events as they are now,
each column explained in their language, drop-downs where a column has fixed values."""

from __future__ import annotations

from bot.content.changes import parse_csv
from bot.content.spreadsheets import TemplateSheet, write_template
from bot.core import offer_facts as facts
from bot.core.catalogue import Catalogue
from bot.core.keys import GERMAN_LEVELS, INTERESTS, REFERRALS, STATUSES
from bot.core.text import N_, Translator

YES_NO = ("yes", "no")
OFFER_NOTES = {
    "id": N_("A short key that never changes, e.g. HE-043. A new row needs a new key."),
    "district": N_("The district key (e.g. helmstedt)."),
    "municipality": N_("The town key where it takes place; empty: the whole district."),
    "title_de": N_("The official German name."),
    "summary_de": N_("One or two plain German sentences."),
    "provider": N_("Who runs it: its name."),
    "category": N_("The topic: one value from the list."),
    "online": N_("yes: people can join from anywhere."),
    "min_age": N_("Youngest age, whole years; empty: no limit."),
    "max_age": N_("Oldest age, whole years; empty: no limit."),
    "statuses": N_("all, or the papers that may join (;-separated)."),
    "min_german": N_("Lowest German level needed; empty: none."),
    "max_german": N_("Highest German level; empty: no limit."),
    "cost_eur": N_("0 for free, else the price in euros."),
    "cost_note_de": N_("A German note on the cost."),
    "schedule_de": N_("When it takes place, in German."),
    "address": N_("Street, postcode and town."),
    "lat": N_("Latitude of the address (with lon), e.g. 52.2281."),
    "lon": N_("Longitude of the address (with lat), e.g. 11.0106."),
    "contact": N_("E-mail, phone or web address."),
    "contact_is_example": N_("yes while the contact is only an example."),
    "source_url": N_("The public page about this kind of offer (https://...)."),
    "needs_verification": N_("yes if its rules may have changed."),
    "valid_from": N_("First day it is shown (2026-08-01); empty: now."),
    "valid_until": N_("Last day it is shown; empty: no end."),
    "start": N_("Next start (2026-08-01), or rolling."),
    "rules_checked": N_("When the rules were last checked (2026-12-01)."),
    "keywords": N_("German words for the search (;-separated)."),
    "offer_type": N_("What kind of offer it is in law (see the list)."),
    "school_obligation": N_("any, required (only pupils) or excluded (no pupils)."),
    "rules": N_("Dated rules that apply, e.g. IK-STOP-2026 (;-separated)."),
    "referral": N_("Who refers or admits first (see the list)."),
    "availability": N_("open, waiting_list, or stopped (no new places now)."),
    "leads_to": N_("Offers of the district this one leads to, by id (;-separated)."),
    "format": N_("How it runs, e.g. full_time, evening, dual (;-separated)."),
    "days": N_("Days, e.g. mon-fri or mon;wed."),
    "time_from": N_("From, e.g. 08:30."),
    "time_to": N_("Until, e.g. 12:45."),
    "times_extra": N_("A second time window: thu@09:00-12:00."),
    "times_or": N_("A time window instead: mon-thu@17:30-20:45."),
    "hours_per_week": N_("Hours a week: 20, or 2-8."),
    "duration": N_("How long: 700h (lessons), 10m, 3y, 2y-3y, -10m (up to)."),
    "intake": N_("How people start (;-separated): rolling, fixed, school_year, several."),
    "start_months": N_("Months of further starts, e.g. 2;9."),
    "frequency": N_("weekly or monthly."),
    "apply_by": N_("Apply by this day (2027-02-28) or in this month (2027-02)."),
    "cost_type": N_("free, fee, paid, grant (;-separated)."),
    "cost_amount": N_("With fee: euros, e.g. 2.29 or 50-100."),
    "cost_unit": N_("total, per_month, per_lesson or per_module."),
    "cost_exemption": N_("yes if people can ask to pay less."),
    "cost_extra": N_("yes if there can be extra costs."),
    "pay": N_("What participants are paid (see the list)."),
    "grants": N_("Money people may get, e.g. bab (;-separated)."),
    "requires": N_("What people need, e.g. school_certificate (;-separated)."),
    "next_step": N_("What to do first, e.g. apply, appointment (;-separated)."),
    "bring": N_("What to bring, e.g. cv;certificates (;-separated)."),
}
EVENT_NOTES = {
    "id": N_("A short key that never changes, e.g. EV-HE-011 (subscriptions refer to it)."),
    "district": N_("The district key (e.g. helmstedt)."),
    "offer": N_("The key of the offer it belongs to; empty: none."),
    "title_de": N_("The German title."),
    "start": N_("Local date and time: 2026-12-03T18:00."),
    "end": N_("Local date and time, after the start."),
    "place": N_("Address (or an online_url)."),
    "online_url": N_("https:// link for an online event (or a place)."),
    "lat": N_("Latitude of the place (with lon)."),
    "lon": N_("Longitude of the place (with lat)."),
    "categories": N_("Topics (;-separated)."),
    "min_age": N_("Youngest age; empty: no limit."),
    "max_age": N_("Oldest age; empty: no limit."),
    "reminders": N_("When to remind, e.g. 24h;2h; empty: 24h;2h."),
    "cancelled": N_("yes: cancelled (subscribers are told). Keep the row."),
}
OFFER_CHOICES = {
    "category": INTERESTS,
    "online": YES_NO,
    "statuses": ("all", *STATUSES),
    "min_german": GERMAN_LEVELS,
    "max_german": GERMAN_LEVELS,
    "contact_is_example": YES_NO,
    "needs_verification": YES_NO,
    "school_obligation": ("any", "required", "excluded"),
    "referral": REFERRALS,
    "availability": ("open", "waiting_list", "stopped"),
    "frequency": facts.FREQUENCIES,
    "cost_unit": facts.COST_UNITS,
    "cost_exemption": YES_NO,
    "cost_extra": YES_NO,
    "pay": facts.PAY,
    "cost_type": facts.COST_TYPES,
    "format": facts.FORMATS,
    "intake": facts.INTAKES,
}
EVENT_CHOICES = {"cancelled": YES_NO, "categories": INTERESTS}
OFFER_REQUIRED = ("id", "district", "title_de", "summary_de", "provider", "category", "online",
                  "statuses", "cost_eur", "schedule_de", "contact", "contact_is_example",
                  "source_url", "needs_verification")  # fmt: skip
EVENT_REQUIRED = ("id", "district", "title_de", "start", "end", "categories", "cancelled")
# One value from the list, or several typed with ";".
SUGGEST = ("statuses", "cost_type", "format", "intake", "categories")


def _sheet(
    t: Translator, name: str, text: str | None, columns: tuple[str, ...], notes: dict,
    choices: dict, required: tuple[str, ...], keep,  # type: ignore[no-untyped-def]
) -> TemplateSheet:  # fmt: skip
    header, rows = parse_csv(text) if text else ([], [])
    order = [*header, *(c for c in columns if c not in header)]
    chosen = [row for row in rows if keep(row)]
    return TemplateSheet(
        name=name,
        columns=tuple(order),
        rows=[{c: row.get(c, "") or "" for c in order} for row in chosen],
        notes={c: t.gettext(n) for c, n in notes.items() if c in order},
        choices={c: tuple(v) for c, v in choices.items() if c in order},
        required=tuple(c for c in required if c in order),
        suggest=tuple(c for c in SUGGEST if c in order),
    )


def template(
    t: Translator, live: dict[str, str], catalogue: Catalogue, district: str, provider: str = ""
) -> bytes:
    """The workbook of a district (a provider's own rows only): offers and events."""

    def own_offer(row: dict[str, str]) -> bool:
        return not provider or row.get("provider") == provider

    def own_event(row: dict[str, str]) -> bool:
        offer = catalogue.offers.get(row.get("offer", ""))
        return not provider or (offer is not None and offer.provider == provider)

    sheets = [
        _sheet(t, "offers", live.get(f"offers/{district}.csv"), tuple(OFFER_NOTES),
               OFFER_NOTES, OFFER_CHOICES, OFFER_REQUIRED, own_offer),
        _sheet(t, "events", live.get(f"events/{district}.csv"), tuple(EVENT_NOTES),
               EVENT_NOTES, EVENT_CHOICES, EVENT_REQUIRED, own_event),
    ]  # fmt: skip
    readme = "\n".join(
        [
            t.gettext("Lotse: the offers and events of your district."),
            t.gettext(
                "Change the rows, add new rows at the end, or delete rows. Keep the first row "
                "(the column names) as it is. The comment on each column name explains it; "
                "required columns are coloured."
            ),
            t.gettext(
                "Send the file back to the bot. It checks every row and shows you what changes, "
                "and how many people it concerns, before you confirm."
            ),
            t.gettext("Rows that are not in the file are removed when you confirm."),
        ]
    )
    return write_template(sheets, readme)
