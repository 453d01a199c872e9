"""Replies for "Talk to a person": choosing the service and what to share, the hand-over shown
in full (in the person's language and in German), and the case as a counselling service sees
it (German, by pseudonym). Pure."""

from __future__ import annotations

from bot.core import callback, kinds
from bot.core.broadcasts import band_of
from bot.core.desk import CaseInfo
from bot.core.dialogue_io import Button, Reply
from bot.core.profile import Session
from bot.core.text import Translator, bold, esc, html_format, ltr
from bot.core.views import Rows, category_label, short
from bot.core.world import World

SHARES = ("q", "a", "all")  # only the question; also the answers; also the saved offers
OUTCOMES = ("advised", "referred", "no_contact")
SHARED_FIELDS = ("status", "german_level", "place", "interests")


def service_name(t: Translator, world: World, service: str) -> str:
    offer = world.catalogue.offers.get(service)
    if offer is None:
        return service
    return offer.provider_in(t.language) if t.language != "de" else offer.provider


def choose_service(
    t: Translator, world: World, services: list[str], reachable: frozenset[str]
) -> Reply:
    lines = [bold(esc(t.gettext("Talk to a person")))]
    lines.append(esc(t.gettext(
        "A counsellor of a service in your district can answer you here, in this chat. They "
        "see a case number, not your name or your Telegram account. Which service?"
    )))  # fmt: skip
    rows: Rows = []
    for service in services:
        offer = world.catalogue.offers[service]
        title = ltr(t, offer.title_in(t.language) or offer.title_de)
        if service in reachable:
            rows.append((Button(short(title), callback.encode("tk", "s", service)),))
        else:
            rows.append((Button(short(title), callback.encode("of", "o", service, "1")),))
    if any(s not in reachable for s in services):
        lines.append(esc(t.gettext(
            "Some services cannot get messages through Lotse yet: their button shows how to "
            "reach them."
        )))  # fmt: skip
    return Reply("\n\n".join(lines), tuple(rows))


def no_service(t: Translator) -> str:
    return t.gettext(
        "I know no counselling service in your district that gets messages through Lotse. "
        "These services help online, in many languages:"
    )


def choose_share(t: Translator, world: World, service: str) -> Reply:
    text = html_format(
        t.gettext("What may {service} see besides your question?"),
        service=service_name(t, world, service),
    )
    rows: Rows = [
        (Button(t.gettext("Only my question"), callback.encode("tk", "h", service, "q")),),
        (Button(t.gettext("My question and my answers"),
                callback.encode("tk", "h", service, "a")),),
        (Button(t.gettext("Also my saved offers"), callback.encode("tk", "h", service, "all")),),
        (Button(t.gettext("‹ Back"), callback.encode("tk", "l")),),
    ]  # fmt: skip
    return Reply(text, tuple(rows), replace=True)


def shared_lines(t: Translator, world: World, session: Session, share: str) -> list[str]:
    """What the service sees besides the question, in `t`'s language (HTML lines)."""
    if share not in ("a", "all"):
        return []
    flow, profile = world.profile_flow, session.profile
    lines = [
        html_format(t.gettext("Age: {band}"), band=band_label(t, band_of(profile, world.today)))
    ]
    for field in SHARED_FIELDS:
        step = flow.step_saving(field)
        if step is None or not step.label or not profile.has(field):
            continue
        value = kinds.REGISTRY[step.kind].show(t, world, flow, step, profile.get(field))
        label = t.pgettext(flow.context(step), step.label)
        lines.append(f"{bold(esc(label))}: {esc(value)}")
    if share == "all":
        offers = [world.catalogue.offers[o] for o in session.saved if o in world.catalogue.offers]
        if offers:
            lines.append(bold(esc(t.gettext("Saved offers"))))
            lines.extend(f"• {esc(ltr(t, o.title_de))}" for o in offers)
    return lines


def band_label(t: Translator, band: str) -> str:
    if band == "unknown":
        return t.gettext("not known")
    if band == "other":
        return t.gettext("outside 14 to 27")
    return ltr(t, band)


def handover(t: Translator, world: World, session: Session, talk: dict[str, str]) -> str:
    """The hand-over in `t`'s language: the question and what is shared (HTML)."""
    lines = [html_format(t.gettext("To: {service}"),
                         service=service_name(t, world, talk["service"]))]  # fmt: skip
    lines.append(bold(esc(t.gettext("Question"))))
    lines.append(esc(talk.get("question", "")))
    shared = shared_lines(t, world, session, talk.get("share", "q"))
    if shared:
        lines.append(bold(esc(t.gettext("Shared with it"))))
        lines.extend(shared)
    return "\n".join(lines)


def preview(
    t: Translator, german: Translator, world: World, session: Session, talk: dict[str, str]
) -> Reply:
    parts = [bold(esc(t.gettext("Please check. This is what I send:")))]
    parts.append(handover(t, world, session, talk))
    if t.language != "de":
        parts.append(bold(esc(t.gettext("In German, as the service reads it:"))))
        parts.append(handover(german, world, session, talk))
    parts.append(esc(t.gettext(
        "The service sees a case number, not your name or Telegram account. I keep the case "
        "number and the service, not the messages. Send it?"
    )))  # fmt: skip
    rows: Rows = [
        (Button(t.gettext("✅ Send"), callback.encode("tk", "y")),),
        (Button(t.gettext("Change the question"), callback.encode("tk", "e")),
         Button(t.gettext("Cancel"), callback.encode("tk", "n"))),
    ]  # fmt: skip
    return Reply("\n\n".join(parts), tuple(rows))


def topic_of(t: Translator, world: World, session: Session, talk: dict[str, str]) -> str:
    """What the case is about, in German, for the topic's name."""
    topic = talk.get("topic") or next(iter(session.profile.interests or ()), "")
    return category_label(t, world.profile_flow, topic) if topic else ""


def topic_name(pseudonym: str, topic: str, band: str) -> str:
    """ "Fall 7F3K · Ausbildung · 18–20" (German: the service's working language)."""
    parts = [f"Fall {pseudonym}", topic, band if band not in ("unknown", "other") else ""]
    return " · ".join(p for p in parts if p)[:128]


def case_card(german: Translator, world: World, pseudonym: str, summary_de: str) -> Reply:
    """The case's first message for the service, with the buttons that close it."""
    intro = html_format(
        german.gettext("New case {case} through Lotse. Answer in this topic: Lotse passes your "
                       "messages on under the name of your service."), case=pseudonym,
    )  # fmt: skip
    return Reply("\n\n".join([intro, summary_de]), close_buttons(german, pseudonym))


def close_buttons(t: Translator, case: str) -> tuple[tuple[Button, ...], ...]:
    labels = {
        "advised": t.gettext("Done: advised"),
        "referred": t.gettext("Done: referred to an offer"),
        "no_contact": t.gettext("Done: no contact"),
    }
    return tuple((Button(labels[o], callback.encode("cs", "c", case, o)),) for o in OUTCOMES)


def sent(t: Translator, world: World, service: str, pseudonym: str) -> Reply:
    text = html_format(
        t.gettext("Sent to {service} (case {case}). They answer here, in this chat. You see "
                  "the name of the service, not the person's account."),
        service=service_name(t, world, service), case=pseudonym,
    )  # fmt: skip
    return Reply(text, ((write_button(t, world, service, pseudonym),),))


def waiting(t: Translator, world: World, service: str, pseudonym: str) -> Reply:
    """The case is stored, but no counsellor could be reached through Lotse right now."""
    offer = world.catalogue.offers.get(service)
    text = html_format(
        t.gettext("Your question is saved for {service} (case {case}), but I could not reach a "
                  "counsellor right now. If it is urgent, contact them directly: {contact}"),
        service=service_name(t, world, service), case=pseudonym,
        contact=ltr(t, offer.contact) if offer else "–",
    )  # fmt: skip
    return Reply(text)


def write_button(t: Translator, world: World, service: str, case: str) -> Button:
    label = t.gettext("✍️ Write to {service}").format(service=service_name(t, world, service))
    return Button(short(label), callback.encode("cs", "w", case))


def answer_button(german: Translator, case: str) -> Button:
    """ "Answer" for a coordinator who gets a case in their own chat (no inbox group)."""
    return Button(german.gettext("✍️ Answer"), callback.encode("cs", "w", case))


def writing(t: Translator, world: World, case: CaseInfo) -> Reply:
    text = html_format(
        t.gettext("Write your message to {service} now. Everything you send goes there, until "
                  "you tap “Done”."), service=service_name(t, world, case.service),
    )  # fmt: skip
    return Reply(text, ((Button(t.gettext("Done"), callback.encode("cs", "d")),),))


def relayed(t: Translator, world: World, service: str) -> Reply:
    text = html_format(t.gettext("✓ Sent to {service}."),
                       service=service_name(t, world, service))  # fmt: skip
    return Reply(text, ((Button(t.gettext("Done"), callback.encode("cs", "d")),),))


def open_cases(t: Translator, world: World, cases: tuple[CaseInfo, ...]) -> Reply:
    lines = [bold(esc(t.gettext("Your open conversations")))]
    rows: Rows = []
    for case in cases:
        lines.append(html_format(t.gettext("{service} (case {case})"),
                                 service=service_name(t, world, case.service),
                                 case=case.pseudonym))  # fmt: skip
        rows.append((write_button(t, world, case.service, case.pseudonym),))
    rows.append((Button(t.gettext("Ask something new"), callback.encode("tk", "l")),))
    return Reply("\n".join(lines), tuple(rows))


def ended(t: Translator) -> str:
    return t.gettext("This conversation has ended. /talk starts a new one.")


def closed_for_person(t: Translator, world: World, service: str) -> str:
    return t.gettext(
        "{service} closed your conversation. If you have a new question, send /talk."
    ).format(service=service_name(t, world, service))


def closed_in_inbox(german: Translator, pseudonym: str, outcome: str) -> str:
    labels = {
        "advised": german.gettext("advised"),
        "referred": german.gettext("referred to an offer"),
        "no_contact": german.gettext("no contact"),
        "timeout": german.gettext("30 days without messages"),
    }
    return german.gettext("Case {case} closed: {outcome}.").format(
        case=pseudonym, outcome=labels.get(outcome, outcome)
    )


def deleted_in_inbox(german: Translator, pseudonym: str) -> str:
    return german.gettext(
        "Case {case} was deleted at the person's request. Messages are no longer passed on."
    ).format(case=pseudonym)


def refused_in_inbox(german: Translator, state: str) -> str:
    if state == "closed":
        return german.gettext("This case is closed. Messages are no longer passed on.")
    return german.gettext(
        "This case was deleted at the person's request. Messages are no longer passed on."
    )


def inbox_choice(german: Translator, world: World, services: list[str], title: str) -> Reply:
    """/inbox in a forum group: which service's inbox this group becomes."""
    text = html_format(
        german.gettext("Make the group “{title}” the inbox of a counselling service? Cases "
                       "then come here, one topic each. Only a coordinator can confirm."),
        title=title,
    )  # fmt: skip
    rows: Rows = [
        (Button(short(world.catalogue.offers[s].title_de), callback.encode("ib", "r", s)),)
        for s in services
    ]
    return Reply(text, tuple(rows))


def inbox_registered(german: Translator, world: World, service: str) -> str:
    offer = world.catalogue.offers.get(service)
    return german.gettext(
        "This group is now the inbox of {service}. Each case comes as its own topic."
    ).format(service=offer.title_de if offer else service)


def inbox_not_forum(german: Translator) -> str:
    return german.gettext(
        "This group has no topics. Please turn on topics in the group settings, make me an "
        "administrator with the right to manage topics, and send /inbox again."
    )


def cases_privacy(t: Translator, world: World, cases: tuple[CaseInfo, ...]) -> Reply:
    """In /privacy: the open conversations with services (deleted with everything else)."""
    names = t.format_list([
        t.gettext("{service} (case {case})").format(
            service=service_name(t, world, c.service), case=c.pseudonym
        )
        for c in cases
    ])  # fmt: skip
    return Reply(html_format(
        t.gettext("Your conversations with counselling services: {cases}. I keep only the case "
                  "number and the service, not the messages."), cases=names,
    ))  # fmt: skip
