"""Replies for volunteers: /invite with its counts, the presets, the invite made, the
answer to a forwarded contact; and the young person's "Tell my mentor". Pure."""

from __future__ import annotations

from bot.core import callback
from bot.core.desk import ReferralStats
from bot.core.dialogue_io import Attachment, Button, Reply
from bot.core.text import Translator, bold, esc, html_format, ltr
from bot.core.views import Rows, district_buttons, number, short
from bot.core.world import World

# Counts of people are shown only from this many on, so that no single person can be told.
SHOWN_FROM = 3


def count_text(t: Translator, count: int) -> str:
    if count < SHOWN_FROM:
        return t.gettext("fewer than {n}").format(n=number(t, SHOWN_FROM))
    return number(t, count)


def invite_home(t: Translator, stats: ReferralStats | None) -> Reply:
    lines = [bold(esc(t.gettext("Invite young people to Lotse")))]
    lines.append(esc(t.gettext(
        "Make a link and a QR code to pass on. You can choose the language and the district, "
        "so that Lotse starts right there. The code carries no name."
    )))  # fmt: skip
    if stats is not None and stats.codes:
        lines.append(html_format(
            t.gettext("Through your invites: {started} started, {finished} finished the "
                      "questions. (Fewer than 3 are never shown, and never who.)"),
            started=count_text(t, stats.started), finished=count_text(t, stats.finished),
        ))  # fmt: skip
    if stats is not None and stats.told:
        names = t.format_list(stats.told)
        lines.append(html_format(t.gettext("They told you that they are here: {names}"),
                                 names=names))  # fmt: skip
    rows: Rows = [(Button(t.gettext("Make an invite"), callback.encode("vl", "l")),)]
    return Reply("\n\n".join(lines), tuple(rows))


def choose_language(t: Translator, world: World) -> Reply:
    text = esc(t.gettext("In which language should Lotse start for the young person?"))
    buttons = [Button(short(lang.name), callback.encode("vl", "g", lang.code))
               for lang in world.languages]  # fmt: skip
    rows: Rows = [tuple(buttons[i : i + 3]) for i in range(0, len(buttons), 3)]
    rows.append((Button(t.gettext("They choose themselves"), callback.encode("vl", "g", "-")),))
    rows.append((Button(t.gettext("‹ Back"), callback.encode("vl", "h")),))
    return Reply(text, tuple(rows), replace=True)


def choose_district(t: Translator, world: World, language: str, districts: list[str]) -> Reply:
    text = esc(t.gettext("For which district?"))
    rows = district_buttons(world, districts, "vl", "d", language)
    rows.append((Button(t.gettext("‹ Back"), callback.encode("vl", "l")),))
    return Reply(text, tuple(rows), replace=True)


def invite_made(
    t: Translator, world: World, link: str, code: str, language: str, district: str,
    qr: bytes, counselling: str = "",
) -> Reply:  # fmt: skip
    """The invite: the link, and the QR code as a picture to show on the phone."""
    found = world.language(language) if language else None
    place = world.catalogue.districts.get(district)
    presets = [p for p in (found.name if found else "", place.name if place else "") if p]
    first = (
        html_format(t.gettext("A referral to: {service}. The young person sees it only after "
                              "they open the link and agree."), service=counselling)
        if counselling
        else esc(t.gettext("Your invite. Show the QR code or send the link:"))
    )  # fmt: skip
    lines = [first]
    lines.append(esc(ltr(t, link)) if link else html_format(
        t.gettext("They open Lotse in Telegram and send: {command}"), command=f"/start {code}"
    ))  # fmt: skip
    if presets:
        lines.append(html_format(t.gettext("Lotse starts with: {presets}"),
                                 presets=t.format_list(presets)))  # fmt: skip
    lines.append(
        esc(
            t.gettext(
                "Lotse cannot write to anyone first: the young person opens the link themselves."
            )
        )
    )
    return Reply("\n\n".join(lines), attachment=Attachment("lotse-invite.png", qr, "image/png"))


def flyer_made(t: Translator, flyer: bytes) -> Reply:
    return Reply(
        esc(t.gettext("The same as a flyer to print (A6).")),
        attachment=Attachment("lotse-flyer.pdf", flyer, "application/pdf"),
    )


def forwarded_to_staff(t: Translator) -> str:
    return t.gettext(
        "Lotse cannot write to anyone first, and I stored nothing about the person you "
        "forwarded. Pass on your invite instead:"
    )


def forwarded_counselling(t: Translator, world: World, services: list[tuple[str, str]]) -> Reply:
    """A coordinator forwarded someone: a referral to a counselling service, if they want."""
    text = esc(t.gettext(
        "Lotse cannot write to anyone first, and I stored nothing about the person you "
        "forwarded. I can make a referral link to a counselling service: it reaches the young "
        "person only when they open it and agree. Which service?"
    ))  # fmt: skip
    rows: Rows = [(Button(short(title), callback.encode("vl", "c", offer_id)),)
                  for offer_id, title in services]  # fmt: skip
    rows.append((Button(t.gettext("Make an invite"), callback.encode("vl", "l")),))
    return Reply(text, tuple(rows))


def forwarded_to_person(t: Translator, link: str) -> str:
    if link:
        return t.gettext(
            "I cannot write to anyone first, and I did not store anything about this person. "
            "If they want to use Lotse, send them this link: {link}"
        ).format(link=link)
    return t.gettext(
        "I cannot write to anyone first, and I did not store anything about this person. "
        "If they want to use Lotse, tell them to look for me in Telegram."
    )


def mentor_offer(t: Translator) -> Reply:
    text = esc(t.gettext(
        "You came through an invite of a mentor. If you want, I tell them that you are "
        "here. Only if you want: I do not tell them anything by myself."
    ))  # fmt: skip
    button = Button(t.gettext("Tell my mentor that I am here"), callback.encode("vl", "m"))
    return Reply(text, ((button,),))


def mentor_told(t: Translator, name: str) -> str:
    return t.gettext(
        "Done. Your mentor got this message: “{name} is here and uses Lotse.” Nothing else. "
        "You can take it back in /privacy."
    ).format(name=name)


def mentor_message(t: Translator, name: str) -> Reply:
    """What the volunteer gets (the first name the young person typed, nothing else)."""
    return Reply(html_format(
        t.gettext("{name} is here: they started Lotse through your invite and asked me to "
                  "tell you."), name=name,
    ))  # fmt: skip


def mentor_privacy(t: Translator, name: str | None) -> Reply | None:
    if name is None:
        return None
    text = html_format(
        t.gettext("Your mentor knows that you are here, with the name “{name}”."), name=name
    )
    button = Button(t.gettext("Take it back"), callback.encode("vl", "w"))
    return Reply(text, ((button,),))


def mentor_withdrawn(t: Translator) -> str:
    return t.gettext("Taken back. Your mentor no longer sees your name in Lotse.")
