"""The problems of an upload in the coordinator's language.

The loaders report problems as English text (`file:row: field: problem`, the same lines as
`lotse check-data` prints for developers). The common kinds are recognised here and said again
through gettext, with the file, row, field and value kept exactly; any other problem is shown
as it is, in English.
"""

from __future__ import annotations

import re

from bot.core.text import N_, Translator

_WHERE = r"(?P<where>.+?:\d+): (?P<field>[\w ]+): "
_KINDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), msgid)
    for pattern, msgid in (
        (_WHERE + r"is required$", N_("{where}: {field}: must be filled in")),
        (_WHERE + r"'(?P<value>.*)' is not a whole number of months$",
         N_("{where}: {field}: '{value}' is not a whole number of months")),
        (_WHERE + r"'(?P<value>.*)' is not a whole number$",
         N_("{where}: {field}: '{value}' is not a whole number")),
        (_WHERE + r"'(?P<value>.*)' is not a number$",
         N_("{where}: {field}: '{value}' is not a number")),
        (_WHERE + r"'(?P<value>.*)' is not a date like 2026-08-01$",
         N_("{where}: {field}: '{value}' is not a date like 2026-08-01")),
        (_WHERE + r"'(?P<value>.*)' is not one of (?P<allowed>.+)$",
         N_("{where}: {field}: '{value}' is not allowed here. Allowed: {allowed}")),
        (_WHERE + r"(?P<value>.+) is not an age$",
         N_("{where}: {field}: {value} is not an age")),
        (_WHERE + r"give both lat and lon, or none$",
         N_("{where}: {field}: give both lat and lon, or none")),
        (_WHERE + r"(?P<value>.+) is not in Germany$",
         N_("{where}: {field}: {value} is not in Germany")),
        (_WHERE + r"you may not change '(?P<value>.*)'$",
         N_("{where}: {field}: you may not change the district '{value}'")),
        (_WHERE + r"you may change only the rows of '(?P<value>.*)'$",
         N_("{where}: {field}: you may change only the rows of '{value}'")),
    )
)  # fmt: skip


def problem_text(t: Translator, problem: str) -> str:
    """One problem in the reader's language where its kind is known, else as it is."""
    for pattern, msgid in _KINDS:
        found = pattern.match(problem)
        if found:
            return t.gettext(msgid).format(**found.groupdict())
    return problem

