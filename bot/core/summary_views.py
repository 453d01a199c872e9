"""What goes on a page: the A6 flyer of an invite, and "My offers" to take along (the
person's language, then German). Plain paragraphs; bot/pdf_pages.py lays them out. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import fact_views
from bot.core.bidi import html_to_text
from bot.core.profile import Session
from bot.core.profile_views import answers_text
from bot.core.share_views import place_of
from bot.core.text import Translator, esc
from bot.core.world import World


@dataclass(frozen=True)
class Paragraph:
    text: str
    language: str
    style: str = "body"  # title, heading, body, small


def flyer(translators: list[Translator]) -> list[Paragraph]:
    """The flyer's title (German) and its text in German and each chosen language."""
    german = translators[0]
    out = [Paragraph(german.gettext("Lotse: your way to school, German course and training"),
                     "de", "title")]  # fmt: skip
    for t in translators:
        out.append(Paragraph(t.gettext(
            "Scan the code with your phone. Lotse shows you courses, schools and training "
            "near you, in Telegram. It is free and speaks 13 languages."
        ), t.language))  # fmt: skip
    return out


def my_offers(
    t: Translator, german: Translator, world: World, session: Session, shown: frozenset[str]
) -> list[Paragraph]:
    """The profile in plain words and the saved offers with contacts and next steps: each
    part in the person's language, then in German (for the counsellor, teacher, Jobcenter)."""
    readers = [t] if t.language == "de" else [t, german]
    out = [Paragraph(" / ".join(dict.fromkeys(r.gettext("My offers") for r in readers)),
                     t.language, "title")]  # fmt: skip
    out.append(Paragraph(t.format_date(world.today), t.language, "small"))
    for reader in readers:
        out.append(Paragraph(reader.gettext("My answers"), reader.language, "heading"))
        for line in html_to_text(answers_text(reader, world, session, shown)).splitlines():
            out.append(Paragraph(line, reader.language))
    offers = [world.catalogue.offers[o] for o in session.saved if o in world.catalogue.offers]
    for offer in offers:
        for reader in readers:
            title = offer.title_in(reader.language) if reader.language != "de" else ""
            heading = f"{title} ({offer.title_de})" if title else offer.title_de
            out.append(Paragraph(heading, reader.language, "heading"))
            facts = [place_of(reader, world, offer)]
            steps = " ".join(html_to_text(s) for s in fact_views.next_lines(reader, offer.facts))
            if steps:
                facts.append(reader.gettext("Next step: {steps}").format(steps=steps))
            facts.append(reader.gettext("Contact: {contact}").format(contact=offer.contact))
            for fact in facts:
                out.append(Paragraph(html_to_text(fact), reader.language))
    if not offers:
        for reader in readers:
            out.append(Paragraph(reader.gettext("No saved offers yet."), reader.language))
    return out


def summary_message(t: Translator, world: World, session: Session) -> str:
    """The short message that comes with the PDF (HTML)."""
    count = len([o for o in session.saved if o in world.catalogue.offers])
    return esc(t.ngettext(
        "Here is a page with your answers and your {count} saved offer, in your language and "
        "in German. Show it to a counsellor, a teacher or the Jobcenter.",
        "Here is a page with your answers and your {count} saved offers, in your language and "
        "in German. Show it to a counsellor, a teacher or the Jobcenter.",
        count,
    ).format(count=t.format_number(count)))  # fmt: skip
