"""Replies for staff about staff: their home screen, invitations (made and received), the
list of a district's staff. Pure: the service prepared what they show."""

from __future__ import annotations

from datetime import datetime

from bot.core import callback
from bot.core.access import ADMIN, COORDINATOR, PROVIDER, VOLUNTEER, Actor, Grant
from bot.core.desk import InvitationInfo, StaffEntry
from bot.core.dialogue_io import Attachment, Button, Reply
from bot.core.text import Translator, bold, esc, html_format, ltr
from bot.core.views import district_buttons, numbered, page_buttons, short
from bot.core.world import World

PROVIDERS_PAGE = 8
INVITABLE = (COORDINATOR, PROVIDER, VOLUNTEER)
VOLUNTEER_CODE = "volunteers"  # a district's reusable code: volunteers register themselves


def role_name(t: Translator, role: str) -> str:
    names = {
        ADMIN: t.gettext("admin (all districts)"),
        COORDINATOR: t.gettext("coordinator"),
        PROVIDER: t.gettext("provider"),
        VOLUNTEER: t.gettext("volunteer"),
    }
    return names.get(role, role)


def district_name(world: World, district: str) -> str:
    found = world.catalogue.districts.get(district)
    return found.name if found else district


def grant_text(t: Translator, world: World, grant: Grant) -> str:
    """ "coordinator for Landkreis Helmstedt", "provider for Kreisvolkshochschule Helmstedt"."""
    if grant.role == ADMIN:
        return role_name(t, ADMIN)
    if grant.provider:
        return t.gettext("{role} for {provider} in {district}").format(
            role=role_name(t, grant.role), provider=grant.provider,
            district=district_name(world, grant.district),
        )  # fmt: skip
    return t.gettext("{role} for {district}").format(
        role=role_name(t, grant.role), district=district_name(world, grant.district)
    )


def stored_about_staff(t: Translator) -> str:
    return t.gettext(
        "What Lotse stores about you as staff: your Telegram id, your role and district, and "
        "the changes you make, with their date. /privacy shows it and deletes it."
    )


def staff_home(
    t: Translator, world: World, actor: Actor, commands: list[tuple[str, str]]
) -> Reply:
    roles = "\n".join(f"• {esc(ltr(t, grant_text(t, world, g)))}" for g in actor.grants)
    lines = [
        bold(esc(t.gettext("Lotse for staff"))),
        html_format(t.gettext("You work with Lotse as:")) + "\n" + roles,
        "\n".join(f"/{name} – {esc(text)}" for name, text in commands),
        esc(stored_about_staff(t)),
    ]
    rows = [
        (Button(t.gettext("See what young people see"), callback.encode("st", "y")),),
    ]
    return Reply("\n\n".join(lines), tuple(rows))


def staff_privacy(t: Translator, world: World, actor: Actor) -> Reply:
    """/privacy for staff: their roles, what is stored, and deleting it."""
    roles = "\n".join(f"• {esc(ltr(t, grant_text(t, world, g)))}" for g in actor.grants)
    text = "\n\n".join(
        [
            bold(esc(t.gettext("What Lotse stores about you as staff"))),
            roles,
            esc(stored_about_staff(t)),
            esc(t.gettext(
                "Deleting removes your roles and your Telegram id. The catalogue's history "
                "keeps only that a staff member made a change, not who."
            )),
        ]
    )  # fmt: skip
    button = Button(t.gettext("Delete all my data"), callback.encode("pr", "x", "ask"))
    return Reply(text, ((button,),))


def invitation_offer(t: Translator, world: World, info: InvitationInfo) -> Reply:
    if info.state == "used":
        return Reply(esc(t.gettext(
            "This invitation was used already. Each link works once: please ask for a new one."
        )))  # fmt: skip
    if info.state == "expired":
        return Reply(esc(t.gettext(
            "This invitation has expired (links are valid for 7 days). Please ask for a new one."
        )))  # fmt: skip
    if info.state != "valid":
        return Reply(esc(t.gettext("This invitation link is not valid. Please check it.")))
    grant = Grant(info.role, info.district, info.provider)
    text = "\n\n".join(
        [
            html_format(
                t.gettext("You are invited to work with Lotse as {role}."),
                role=grant_text(t, world, grant),
            ),
            esc(stored_about_staff(t)),
            esc(t.gettext("Do you accept?")),
        ]
    )
    rows = (
        (Button(t.gettext("Yes, I accept"), callback.encode("st", "a", info.code)),),
        (Button(t.gettext("No"), callback.encode("st", "x", info.code)),),
    )
    return Reply(text, rows)


def welcome(t: Translator, world: World, info: InvitationInfo) -> Reply:
    grant = Grant(info.role, info.district, info.provider)
    text = html_format(
        t.gettext("Welcome! You are now {role}. Send /help to see what you can do."),
        role=grant_text(t, world, grant),
    )
    return Reply(text)


def invitation_declined(t: Translator) -> Reply:
    return Reply(
        esc(t.gettext("Okay. Nothing was stored. The link stays valid until it expires."))
    )


def invitation_made(
    t: Translator,
    world: World,
    grant: Grant,
    link: str,
    code: str,
    expires: datetime,
    qr: bytes,
    reusable: bool = False,
) -> Reply:
    """The new invitation: a link (and its QR code as a picture) to forward to the person;
    without the bot's username, the code and how to use it."""
    role = grant_text(t, world, grant)
    if reusable:
        first = html_format(
            t.gettext("Volunteer code for {district}. Every volunteer who opens this link "
                      "becomes a volunteer there (you see them in /staff):"),
            district=district_name(world, grant.district),
        )  # fmt: skip
        how = esc(ltr(t, link)) if link else html_format(
            t.gettext("They open Lotse in Telegram and send: {command}"),
            command=f"/start {code}",
        )  # fmt: skip
    elif link:
        first = html_format(
            t.gettext("Invitation for: {role}. Send this link to the person (it works once):"),
            role=role,
        )
        how = esc(ltr(t, link))
    else:
        first = html_format(
            t.gettext("Invitation for: {role}. Send this code to the person (it works once):"),
            role=role,
        )
        how = html_format(
            t.gettext("They open Lotse in Telegram and send: {command}"),
            command=f"/start {code}",
        )
    text = "\n\n".join(
        [
            first,
            how,
            html_format(
                t.gettext("Valid until {date}. The QR code opens the same invitation."),
                date=ltr(t, t.format_date(expires.date())),
            ),
        ]
    )
    return Reply(text, attachment=Attachment("invitation.png", qr, "image/png"))


def staff_list(
    t: Translator, world: World, actor: Actor, entries: tuple[StaffEntry, ...]
) -> Reply:
    lines = [bold(esc(t.gettext("Staff")))]
    for entry in entries:
        who = t.gettext("you") if entry.you else t.gettext("staff member {id}").format(id=entry.id)
        grant = Grant(entry.role, entry.district, entry.provider)
        since = ltr(t, t.format_date(entry.since.date()))
        line = t.gettext("{who}: {role}, since {date}")
        lines.append(html_format(line, who=who, role=grant_text(t, world, grant), date=since))
    if len(entries) == 0:
        lines.append(esc(t.gettext("Nobody yet.")))
    rows = [
        (Button(invite_label(t, role), callback.encode("st", "i", role)),) for role in INVITABLE
    ]
    label = t.gettext("Volunteer code for many (self-registration)")
    rows.append((Button(label, callback.encode("st", "i", VOLUNTEER_CODE)),))
    return Reply("\n\n".join(lines), tuple(rows))


def invite_label(t: Translator, role: str) -> str:
    return t.gettext("Invite: {role}").format(role=role_name(t, role))


def choose_district(t: Translator, world: World, role: str, districts: list[str]) -> Reply:
    rows = district_buttons(world, districts, "st", "d", role)
    return Reply(esc(t.gettext("For which district?")), tuple(rows))


def choose_provider(
    t: Translator, world: World, district: str, providers: list[str], page: int
) -> Reply:
    pages = max(1, -(-len(providers) // PROVIDERS_PAGE))
    page = min(max(page, 1), pages)
    first = (page - 1) * PROVIDERS_PAGE
    shown = list(enumerate(providers))[first : first + PROVIDERS_PAGE]
    text, rows = numbered(
        t, shown, lambda item: esc(ltr(t, item[1])),
        lambda item, label: Button(short(f"{label}. {item[1]}"),
                                   callback.encode("st", "v", district, str(item[0]))),
        first=first + 1,
    )  # fmt: skip
    heading = esc(t.gettext("Which provider? A provider keeps only their own offers and events."))
    if not providers:
        return Reply(esc(t.gettext("This district has no offers with a provider yet.")))
    rows.extend(page_buttons(t, "st", "p", page, pages, (district,)))
    return Reply(f"{heading}\n\n{text}", tuple(rows))
