"""What the rules need to know about a person on a given day, from their answers: their age
(from the birth month, so it grows by itself), months in Germany, whether they still live in a
reception centre, and whether they still have to go to school in their state."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.core.catalogue import SchoolRule
from bot.core.keys import FOCUS_AGE_MAX, FOCUS_AGE_MIN, LEVEL_UNKNOWN, STATUS_UNKNOWN, level_rank
from bot.core.profile import Profile

_SPAN = re.compile(r"^(\d{4})-(\d{2})(?:/(\d{4})-(\d{2}))?$")
ADULT = 18


@dataclass(frozen=True)
class MonthSpan:
    """A month, or the months something may have been in: "2009-03", or "2008-07/2009-06" for
    a typed age (17 on 15 June 2026: born between July 2008 and June 2009)."""

    first: tuple[int, int]  # (year, month)
    last: tuple[int, int]

    @classmethod
    def parse(cls, text: object) -> MonthSpan | None:
        found = _SPAN.match(str(text or ""))
        if not found:
            return None
        first = (int(found[1]), int(found[2]))
        last = (int(found[3]), int(found[4])) if found[3] else first
        if not (1 <= first[1] <= 12 and 1 <= last[1] <= 12) or last < first:
            return None
        return cls(first, last)

    @property
    def exact(self) -> bool:
        return self.first == self.last

    def text(self) -> str:
        first = f"{self.first[0]:04d}-{self.first[1]:02d}"
        return first if self.exact else f"{first}/{self.last[0]:04d}-{self.last[1]:02d}"


def birth_of_age(age: int, day: date) -> MonthSpan:
    """The birth months of someone who says they are `age` on `day` (birthdays count from the
    first of the birth month)."""
    latest = (day.year - age, day.month)
    earliest = (day.year - age - 1, day.month + 1) if day.month < 12 else (day.year - age, 1)
    return MonthSpan(earliest, latest)


def age_at(year: int, month: int, day: date) -> int:
    return day.year - year - (day.month < month)


def months_between(start: tuple[int, int], day: date) -> int:
    """Full months from a month to a day: arrived in July 2026, on 1 December 2026 it is 5."""
    return (day.year - start[0]) * 12 + day.month - start[1]


@dataclass(frozen=True)
class School:
    obliged: bool | None  # None: cannot tell (birth month or reception centre not known)
    ends: date | None  # the last day of the obligation, when known


@dataclass(frozen=True)
class Person:
    age_low: int | None  # the age is between these (equal when the birth month is known)
    age_high: int | None
    birth: MonthSpan | None
    status: str | None  # None: not known
    level: int | None  # German level rank; None: not known
    months: int | None  # months in Germany; None: not known
    reception: bool | None  # still living in a reception centre; None: not known
    school: School

    @property
    def outside_focus(self) -> bool:
        """Surely younger or older than the people Lotse is made for."""
        if self.age_low is None or self.age_high is None:
            return False
        return self.age_high < FOCUS_AGE_MIN or self.age_low > FOCUS_AGE_MAX

    def birthday(self, age: int) -> date | None:
        """The day this person reaches `age` (birthdays count from the first of the birth
        month); None when the month is not known exactly."""
        if self.birth is None or not self.birth.exact:
            return None
        year, month = self.birth.first
        return date(year + age, month, 1)


def school_ends(birth_year: int, birth_month: int, rule: SchoolRule) -> date:
    """The last day of compulsory school for someone born in that month, by the state's rule.
    School years run from 1 August to 31 July; half-years end on 31 January and 31 July."""
    adult = date(birth_year + ADULT, birth_month, 1)
    school_year = adult.year if adult.month >= 8 else adult.year - 1  # starts 1 August
    if rule.ends == "before_school_year_of_18":
        return date(school_year, 7, 31)
    if rule.ends == "end_of_school_year_of_18":
        return date(school_year + 1, 7, 31)
    # half_year_of_18: the school half-year in which they turn 18
    return date(adult.year + 1, 1, 31) if adult.month >= 8 else date(adult.year, 7, 31)


def school_of(
    birth: MonthSpan | None, reception: bool | None, rule: SchoolRule | None, day: date
) -> School:
    if rule is None or birth is None:
        return School(None, None)
    if rule.reception_exempt and reception is None:
        return School(None, None)
    if rule.reception_exempt and reception:
        return School(False, None)
    ends = [school_ends(year, month, rule) for year, month in {birth.first, birth.last}]
    if all(day <= end for end in ends):
        return School(True, max(ends))  # without the month: the latest it can end
    if not any(day <= end for end in ends):
        return School(False, max(ends))
    return School(None, None)


def person_of(profile: Profile, day: date, rule: SchoolRule | None) -> Person:
    birth = MonthSpan.parse(profile.get("birth"))
    if birth is not None:
        low, high = age_at(*birth.last, day), age_at(*birth.first, day)
    elif profile.age is not None:  # an age stored as such (older profiles): taken as exact
        low = high = int(profile.age)
    else:
        low = high = None
    status = profile.status if profile.status not in (None, STATUS_UNKNOWN) else None
    level = profile.german_level
    arrival = MonthSpan.parse(profile.get("arrival"))
    # A year alone counts from its last month: the months in Germany are at least this many.
    reception_answer = profile.get("reception")
    reception = {"yes": True, "no": False}.get(str(reception_answer))
    return Person(
        age_low=low,
        age_high=high,
        birth=birth,
        status=status,
        level=None if level in (None, LEVEL_UNKNOWN) else level_rank(level),
        months=max(0, months_between(arrival.last, day)) if arrival else None,
        reception=reception,
        school=school_of(birth, reception, rule, day),
    )
