"""Who may do what: roles scoped to districts, checked once by the command and callback tables.

Everyone is a `person` (a young person's side). Staff hold grants: `admin` (every district),
`coordinator` (catalogue, broadcasts, reports, inbox of a district), `provider` (the rows of one
named provider in a district), `volunteer` (invites). `counsellor` is not stored: whoever
writes or taps in a counselling service's registered inbox group holds it for that district.
"""

from __future__ import annotations

from dataclasses import dataclass

PERSON = "person"
VOLUNTEER = "volunteer"
PROVIDER = "provider"
COORDINATOR = "coordinator"
ADMIN = "admin"
COUNSELLOR = "counsellor"
ROLES = frozenset({PERSON, VOLUNTEER, PROVIDER, COORDINATOR, ADMIN, COUNSELLOR})
EVERYONE = frozenset({PERSON})
STAFF = frozenset({COORDINATOR, ADMIN})
STAFF_ROLES = frozenset({VOLUNTEER, PROVIDER, COORDINATOR, ADMIN})
# Who hands out invites to young people (with presets).
INVITERS_OF_YOUNG = frozenset({VOLUNTEER, COORDINATOR, ADMIN})
# Who may answer and close a counselling case of a district.
CASE_HANDLERS = frozenset({COUNSELLOR, COORDINATOR, ADMIN})
# Who keeps the catalogue: a provider only their own rows.
CATALOGUE_KEEPERS = frozenset({PROVIDER, COORDINATOR, ADMIN})


@dataclass(frozen=True)
class Grant:
    role: str
    district: str = ""  # "" for admin: every district
    provider: str = ""  # for the provider role: whose rows


@dataclass(frozen=True)
class Actor:
    """The person behind an input, with their staff grants (none for a young person)."""

    grants: tuple[Grant, ...] = ()

    @property
    def is_admin(self) -> bool:
        return any(g.role == ADMIN for g in self.grants)

    @property
    def is_staff(self) -> bool:
        return bool(self.grants)

    def has(self, role: str, district: str | None = None) -> bool:
        """Holds `role` (in `district`, when given). An admin holds every staff role."""
        if role == PERSON:
            return True
        if self.is_admin:
            return True
        return any(
            g.role == role and (district is None or g.district == district) for g in self.grants
        )

    def may(self, roles: frozenset[str], district: str | None = None) -> bool:
        return any(self.has(role, district) for role in roles)

    def provider_in(self, district: str) -> str:
        """The provider whose rows the actor keeps in `district`; "" when they may keep every
        row there (a coordinator or admin)."""
        if self.is_admin or self.has(COORDINATOR, district):
            return ""
        names = [g.provider for g in self.grants if g.role == PROVIDER and g.district == district]
        return names[0] if names else ""

    def districts(self, roles: frozenset[str]) -> frozenset[str] | None:
        """The districts in which the actor holds one of `roles`; None means all (admin)."""
        if self.is_admin:
            return None
        return frozenset(g.district for g in self.grants if g.role in roles)


NOBODY = Actor()
