"""An offer shared into any chat (inline mode, the "Share" button) and opened from there:
the card, in the sharer's language with the German name, and the "Open in Lotse" link. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.catalogue import Offer
from bot.core.links import offer_payload, start_link
from bot.core.offer_views import offer_title
from bot.core.text import Translator, bold, esc, ltr
from bot.core.world import World

INLINE_SHOWN = 10


@dataclass(frozen=True)
class SharedCard:
    """One inline result: what the picker shows, what is posted, and its link button."""

    id: str
    title: str
    description: str
    html: str
    link_label: str
    link: str


def place_of(t: Translator, world: World, offer: Offer) -> str:
    if offer.online:
        return t.gettext("online")
    district = world.catalogue.districts.get(offer.district)
    place = world.catalogue.places.get(offer.municipality or "")
    return ltr(t, place.name if place else district.name if district else offer.district)


def offer_card(t: Translator, world: World, offer: Offer) -> str:
    """Title (translated, with the German name), place, and the summary in short (HTML)."""
    summary = offer.summary_in(t.language) if t.language != "de" else offer.summary_de
    lines = [
        bold(offer_title(t, world.profile_flow, offer)),
        f"📍 {esc(place_of(t, world, offer))}",
    ]
    if summary:
        lines.append(esc(summary if len(summary) <= 300 else summary[:299].rstrip() + "…"))
    return "\n".join(lines)


def shared_card(t: Translator, world: World, offer: Offer) -> SharedCard:
    link = start_link(world.operator.bot_username, offer_payload(offer.id))
    title = offer.title_in(t.language) or offer.title_de
    return SharedCard(
        offer.id, title, f"{offer.title_de} · {place_of(t, world, offer)}",
        offer_card(t, world, offer), t.gettext("Open in Lotse"), link,
    )  # fmt: skip


def inline_offers(t: Translator, world: World, query: str) -> list[SharedCard]:
    """The offers an inline query names: an offer id (the Share button), else what the words
    find, narrowed to a district or town the query names."""
    offers = world.catalogue.offers
    query = query.strip()
    if query in offers:
        return [shared_card(t, world, offers[query])]
    words = query.casefold().split()
    districts = {d.id for d in world.catalogue.districts.values()
                 if any(w in d.name.casefold().split() or w == d.id for w in words)}  # fmt: skip
    rest = " ".join(w for w in words
                    if not any(w == d or w in world.catalogue.districts[d].name.casefold()
                               for d in districts))  # fmt: skip
    found: list[Offer] = []
    if rest:
        for hit in world.search.concepts(rest)[:2]:
            found.extend(world.search.offers_for(hit.concept))
    elif districts:
        found = [o for o in offers.values() if o.district in districts]
    if districts:
        found = [o for o in found if o.district in districts]
    unique = list({o.id: o for o in found}.values())[:INLINE_SHOWN]
    return [shared_card(t, world, o) for o in unique]
