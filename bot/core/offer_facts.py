"""What matters about an offer as structured facts (schedule, cost, requirements, next step),
so that it reads in every language without a translator; the German prose stays beside it
as "Original (Deutsch)". The keys are data/README.md's; fact_views.py says them in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

FORMATS = (
    "full_time", "part_time", "evening", "mornings", "weekend", "flexible", "appointments",
    "open_hours", "self_paced", "alongside", "dual", "school", "shifts", "blocks",
    "phone_video", "work_hours", "irregular_hours", "minijob",
)  # fmt: skip
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
INTAKES = ("rolling", "fixed", "school_year", "several", "later_possible")
FREQUENCIES = ("weekly", "monthly")
COST_TYPES = ("free", "fee", "paid", "grant")
COST_UNITS = ("total", "per_month", "per_lesson", "per_module")
PAY = ("training_allowance", "eq_allowance", "minimum_wage", "unpaid", "usually_unpaid")
GRANTS = ("bab", "schueler_bafoeg", "bafoeg", "recognition_grant", "garantiefonds", "but",
          "none")  # fmt: skip
REQUIRES = (
    "school_certificate", "school_certificate_usually", "work_permission",
    "registered_agentur", "entitlement", "certificates_translated", "police_certificate",
    "smartphone_internet", "driving_licence", "none",
)  # fmt: skip
NEXT_STEPS = (
    "contact_provider", "apply", "register", "visit", "appointment", "ask_counselling",
    "ask_agentur", "ask_jobcenter", "ask_school", "online",
)  # fmt: skip
BRING = ("id_document", "residence_paper", "certificates", "cv", "health_card", "photo")
DURATION_UNITS = ("h", "d", "w", "m", "y")  # lessons, days, weeks, months, years


@dataclass(frozen=True)
class Window:
    """Days with a time: Mon–Fri 08:30–12:45."""

    days: tuple[int, ...]  # 0 = Monday
    start: time | None
    end: time | None


@dataclass(frozen=True)
class Span:
    """A number or a range: "700h", "2y-3y", "up to 10 months" ("-10m"), "at least 6
    months" ("6m-"), "2-8" hours a week. `low`/`high` None: open on that side."""

    low: float | None
    high: float | None
    unit: str = ""  # a DURATION_UNITS key, or "" for hours a week


@dataclass(frozen=True)
class OfferFacts:
    formats: tuple[str, ...] = ()
    windows: tuple[Window, ...] = ()  # all of these
    alternative: Window | None = None  # or this one instead (e.g. an evening course)
    frequency: str = ""
    hours_per_week: Span | None = None
    duration: Span | None = None
    intake: tuple[str, ...] = ()
    start_months: tuple[int, ...] = ()  # 1 = January
    apply_by: date | None = None
    apply_in: tuple[int, int] | None = None  # (year, month): "apply in February 2027"
    cost_types: tuple[str, ...] = ()
    cost_amount: Span | None = None  # euros
    cost_unit: str = ""
    cost_exemption: bool = False
    cost_extra: bool = False
    pay: str = ""
    grants: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = ()
    bring: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return self == NO_FACTS


NO_FACTS = OfferFacts()
