"""The fixed vocabularies shared by the catalogue, the profile and the conversation."""

from __future__ import annotations

# Interest keys double as offer categories: one list, so an answer always maps to offers.
INTERESTS: tuple[str, ...] = (
    "german_course",
    "school_certificate",
    "vocational_training",
    "job",
    "university",
    "internship",
    "counselling",
    "sport",
    "culture_music",
    "mentoring",
    "recognition",
)

STATUSES: tuple[str, ...] = (
    "gestattung",
    "duldung",
    "aufenthaltserlaubnis",  # as a recognised refugee, or subsidiary protection (§ 25 Abs. 1/2)
    "ae_other",  # another residence permit (§ 25 Abs. 3-5, § 104c, family, study, work)
    "protection_24",
    "eu_citizen",
    "other",
)
STATUS_UNKNOWN = "unknown"

# Ordered: a higher index means more German.
GERMAN_LEVELS: tuple[str, ...] = ("none", "A1", "A2", "B1", "B2", "C1")
LEVEL_UNKNOWN = "unknown"

# The focus group; people outside it are served with a note.
FOCUS_AGE_MIN = 14
FOCUS_AGE_MAX = 27
# From this age the Migrationsberatung für Erwachsene (MBE) counsels, before it the
# Jugendmigrationsdienst (domain.md 2.8: 27 exactly is MBE).
MBE_AGE = 27


_RANK = {level: rank for rank, level in enumerate(GERMAN_LEVELS)}


def level_rank(level: str) -> int:
    return _RANK[level]

# The offer type of a school placement (Schulplatzvermittlung): first for the school-obliged.
SCHOOL_PLACEMENT = "school_placement"

# The German names of the states (Länder), as the offices write them.
STATE_NAMES = {
    "BB": "Brandenburg",
    "MV": "Mecklenburg-Vorpommern",
    "NI": "Niedersachsen",
    "NW": "Nordrhein-Westfalen",
    "SH": "Schleswig-Holstein",
}

# Who refers or admits before someone can join (an offer's `referral`, or a status's in
# data/conditions.csv); each has its sentence in rule_views.
REFERRALS = ("agentur_fuer_arbeit", "jobcenter", "bamf", "auslaenderbehoerde",
             "auslaenderbehoerde_certificate", "jugendamt", "schule")  # fmt: skip
