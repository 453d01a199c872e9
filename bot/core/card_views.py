"""An answer card in the reader's language: the answer, the paragraph for their papers and
their state, the legal basis, when it was checked and where it comes from, and where
counselling checks their own case; then what fits them in the card's field."""

from __future__ import annotations

from bot.core import callback
from bot.core.cards import Card
from bot.core.catalogue import Offer
from bot.core.dialogue_io import Button, Reply
from bot.core.matching import Match, Ranking
from bot.core.offer_views import offer_button, offer_title, why_line
from bot.core.text import Translator, bold, esc, html_format, ltr
from bot.core.views import category_label, numbered, short, show_offers_button
from bot.core.world import World

SOURCES_SHOWN = 3
OFFERS_SHOWN = 5


def card_reply(
    t: Translator, world: World, card: Card, status: str, state: str, counsel: Offer | None
) -> Reply:
    texts = card.text_in(t.language)
    assert texts is not None
    parts = [bold(esc(texts.title)), esc(texts.text)]
    for extra in (texts.by_status.get(status, ""), texts.by_state.get(state, "")):
        if extra:
            parts.append(esc(extra))
    facts = [
        html_format(t.gettext("Legal basis: {law}"), law=ltr(t, card.legal_basis)),
        html_format(t.gettext("Checked on {date}."), date=ltr(t, t.format_date(card.checked_on))),
        esc(t.gettext("Sources:")),
        *(esc(ltr(t, source)) for source in card.sources[:SOURCES_SHOWN]),
    ]
    parts.append("\n".join(facts))
    if card.needs_verification:
        parts.append("⚠️ " + esc(t.gettext("These rules change often. Check them before you act.")))
    parts.append(
        esc(
            t.gettext(
                "This is general information, not legal advice. Counselling checks your own "
                "case, for free: the Jugendmigrationsdienst (up to 26), the Migrationsberatung "
                "für Erwachsene (from 27)."
            )
        )
    )
    rows: list[tuple[Button, ...]] = []
    if counsel is not None:
        name = ltr(t, counsel.title_in(t.language) or counsel.title_de)
        label = t.gettext("Counselling: {name}").format(name=name)
        rows.append((Button(short(label), callback.encode("of", "o", counsel.id, "1")),))
    rows.append((show_offers_button(t),))
    return Reply("\n\n".join(parts), tuple(rows))


def category_offers(t: Translator, world: World, category: str, matches: list[Match]) -> Reply:
    """The offers that fit the person in the card's field."""
    label = category_label(t, world.profile_flow, category)
    if not matches:
        none = t.gettext("No offer in “{field}” fits your answers right now.")
        return Reply(html_format(none, field=label), ((show_offers_button(t),),))
    text, rows = numbered(
        t,
        matches[:OFFERS_SHOWN],
        lambda m: f"{bold(offer_title(t, world.profile_flow, m.offer))}\n{why_line(t, world, m)}",
        lambda m, button_label: offer_button(t, m.offer, button_label),
    )
    header = bold(html_format(t.gettext("Offers for you in “{field}”:"), field=label))
    return Reply(f"{header}\n\n{text}", (*rows, (show_offers_button(t),)))


def counselling_offer(ranking: Ranking | None, adult: bool) -> Offer | None:
    """The counselling near the person that fits them: the JMD, or the MBE from 27."""
    if ranking is None:
        return None
    wanted = ("mbe",) if adult else ("jmd",)
    for key in ranking.fit:
        offer = ranking.offer(key)
        if offer.offer_type in wanted:
            return offer
    return None
