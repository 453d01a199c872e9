"""The young person's offers: the list, one offer, saving, "not for me", free-text search,
and telling them once when a changed answer opens new offers."""

from __future__ import annotations

from bot.core import almost_views, card_views, detail_views, offer_views, search_views
from bot.core.cards import Card
from bot.core.effects import Count, SendSummary
from bot.core.interpreter import Result
from bot.core.keys import MBE_AGE
from bot.core.matching import assess_all, fitting_ids, rank
from bot.core.profile import Profile
from bot.core.sides import talk, volunteers
from bot.core.sides.common import consented, profile_ready
from bot.core.tables import Command, Route
from bot.core.text import N_, esc
from bot.core.turn import Turn


def _page(value: str) -> int:
    return int(value) if value.isdigit() and len(value) < 6 else 1


def show_list(turn: Turn, page: int = 1, intro: str = "") -> None:
    if not profile_ready(turn):
        return
    turn.session.stack = []  # a list closes any open question
    turn.say(offer_views.offer_list(turn.t, turn.world, turn.session, page, intro))


def offers_command(turn: Turn, argument: str) -> None:
    show_list(turn)


def saved_command(turn: Turn, argument: str) -> None:
    if consented(turn):
        turn.say(search_views.saved_list(turn.t, turn.world, turn.session))


def page(turn: Turn, args: tuple[str, ...]) -> None:
    if consented(turn):
        show_list(turn, _page(args[0]))


def almost(turn: Turn, args: tuple[str, ...]) -> None:
    if profile_ready(turn):
        turn.session.stack = []
        turn.say(almost_views.almost_list(turn.t, turn.world, turn.session, _page(args[0])))


def detail(turn: Turn, args: tuple[str, ...]) -> None:
    if not consented(turn):
        return
    offer = turn.world.catalogue.offers.get(args[0])
    if offer is None:
        turn.note(turn.t.gettext("This offer is no longer available."))
        show_list(turn)
        return
    turn.session.opened_offer = True
    turn.effect(Count("offer_opened", offer.district, offer.id))
    turn.say(detail_views.offer_detail(turn.t, turn.world, offer, turn.session, _page(args[1])))


def toggle_saved(turn: Turn, args: tuple[str, ...]) -> None:
    if not consented(turn):
        return
    offer_id, saved = args[0], turn.session.saved
    offer = turn.world.catalogue.offers.get(offer_id)
    if offer is None:
        turn.note(turn.t.gettext("This offer is no longer available."))
        return
    if offer_id in saved:
        saved.remove(offer_id)
        notice = turn.t.gettext("Removed from your saved offers.")
    else:
        saved.append(offer_id)
        notice = turn.t.gettext("Saved. /saved shows your saved offers.")
    turn.say(
        detail_views.offer_detail(
            turn.t, turn.world, offer, turn.session, _page(args[1]), replace=True, notice=notice
        )
    )


def dismiss(turn: Turn, args: tuple[str, ...]) -> None:
    if not consented(turn):
        return
    offer_id, session = args[0], turn.session
    if offer_id in turn.world.catalogue.offers and offer_id not in session.dismissed:
        session.dismissed.append(offer_id)
        if offer_id in session.saved:
            session.saved.remove(offer_id)
    intro = esc(turn.t.gettext("Okay, I will not show you this offer again."))
    show_list(turn, _page(args[1]), intro)


def search(turn: Turn, text: str) -> None:
    """Free text with no question open: look for what the person names."""
    if not profile_ready(turn):
        return
    world, session, t = turn.world, turn.session, turn.t
    card = world.cards.find(text)
    if card is not None:
        answer_card(turn, card)
        return
    hits = world.search.concepts(text)[:2]
    district = turn.district
    language = session.language or "unknown"
    if not hits:
        turn.effect(Count("search_miss", district, f"unknown|{language}"))
        turn.say(search_views.nothing_understood(t, text))
        return
    wanted: set[str] = set()
    for hit in hits:
        wanted.update(o.id for o in world.search.offers_for(hit.concept))
    hidden = set(session.dismissed)
    assessed = [
        m for m in assess_all(world.catalogue, session.profile, world.today)
        if m.offer.id not in hidden
    ]  # fmt: skip
    found = [m for m in assessed if m.offer.id in wanted]
    related: list = []
    if not any(m.assessment.verdict == "fit" for m in found):
        # By what they looked for, so that the needs report can say which needs go unmet.
        turn.effect(Count("search_miss", district, f"{hits[0].concept.id}|{language}"))
        # Nothing named fits: offer what fits in the same field (other Ausbildung, ...).
        categories = {hit.concept.category for hit in hits}
        related = [
            m for m in assessed if m.assessment.verdict == "fit" and m.offer.category in categories
        ]
    concepts = [hit.concept for hit in hits]
    turn.say(search_views.search_results(t, world, session, concepts, found, related))


def answer_card(turn: Turn, card: Card) -> None:
    """A question with a checked answer: the card, then what fits in its field."""
    world, session, t = turn.world, turn.session, turn.t
    turn.effect(Count("card", turn.district, card.id))
    ranking = rank(world.catalogue, session.profile, world.today)
    ranking = ranking.without(session.dismissed) if ranking else None
    person = ranking.person if ranking else None
    adult = person is not None and person.age_low is not None and person.age_low >= MBE_AGE
    district = world.catalogue.districts.get(turn.district)
    turn.say(
        card_views.card_reply(
            t,
            world,
            card,
            session.profile.status or "",
            district.state if district else "",
            card_views.counselling_offer(ranking, adult),
        )
    )
    if card.category and ranking is not None:
        keys = [k for k in ranking.fit if ranking.offer(k).category == card.category]
        matches = ranking.matches(keys[: card_views.OFFERS_SHOWN])
        turn.say(card_views.category_offers(t, world, card.category, matches))


def onboarding_done(turn: Turn, result: Result) -> None:
    # What fits now is known to the person; later changes announce only what is new.
    session, world = turn.session, turn.world
    fitting = fitting_ids(world.catalogue, session.profile, world.today)
    session.announced = sorted(set(session.announced) | fitting)
    intro = esc(turn.t.gettext("Thank you! Here are the offers for you."))
    show_list(turn, 1, intro)
    volunteers.finished(turn)
    if session.referral_kind == volunteers.COUNSELLING and session.referral_service:
        # A coordinator's referral: the service they named, now that the person agreed.
        talk.service_chosen(turn, (session.referral_service,))


def summary(turn: Turn, args: tuple[str, ...]) -> None:
    """ "My offers" to take along: a short message and a one-page PDF."""
    if consented(turn):
        turn.effect(SendSummary())


def announce_new(turn: Turn, before: Profile) -> None:
    """A changed answer opened offers: say which ones, once per offer, best first."""
    session, world = turn.session, turn.world
    required = world.profile_flow.required_fields()
    if not before.is_complete(required):
        return
    earlier = fitting_ids(world.catalogue, before, world.today)
    ranking = rank(world.catalogue, session.profile, world.today)
    if ranking is None:
        return
    moved_from = world.catalogue.district_of(before.place or "")
    if moved_from is not None and moved_from.id != ranking.place.district:
        # Another district: other offers, not "more" offers. What fits there is now known.
        session.announced = sorted(set(session.announced) | ranking.fit_ids())
        turn.say(search_views.offers_changed(turn.t, world, ranking))
        return
    known = earlier | set(session.announced) | set(session.dismissed)
    offers = [o for o in map(ranking.offer, ranking.fit) if o.id not in known]
    if offers:
        session.announced.extend(o.id for o in offers)
        turn.say(search_views.newly_fitting(turn.t, world, offers))


COMMANDS = (
    Command("offers", N_("show the offers that fit you"), offers_command, order=20),
    Command("saved", N_("your saved offers"), saved_command, order=40),
)
ROUTES = (
    Route("of", "p", page, arity=1),
    Route("of", "a", almost, arity=1),
    Route("of", "o", detail, arity=2),
    Route("of", "s", toggle_saved, arity=2),
    Route("of", "n", dismiss, arity=2),
    Route("of", "m", summary),
)
RESULTS = {"offers_ready": onboarding_done}
PROFILE_HOOKS = (announce_new,)
