"""The young person's offers: the list, one offer, saving, "not for me", free-text search,
and telling them once when a changed answer opens new offers."""

from __future__ import annotations

from bot.core import offer_views, search_views
from bot.core.effects import Count
from bot.core.interpreter import Result
from bot.core.matching import assess_all, fitting_ids, rank
from bot.core.profile import Profile
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


def detail(turn: Turn, args: tuple[str, ...]) -> None:
    if not consented(turn):
        return
    offer = turn.world.catalogue.offers.get(args[0])
    if offer is None:
        turn.note(turn.t.gettext("This offer is no longer available."))
        show_list(turn)
        return
    turn.say(offer_views.offer_detail(turn.t, turn.world, offer, turn.session, _page(args[1])))


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
        offer_views.offer_detail(
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
    hits = world.search.concepts(text)[:2]
    district = turn.district
    if not hits:
        turn.effect(Count("search_miss", district))
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
        turn.effect(Count("search_miss", district))
        # Nothing named fits: offer what fits in the same field (other Ausbildung, ...).
        categories = {hit.concept.category for hit in hits}
        related = [
            m for m in assessed if m.assessment.verdict == "fit" and m.offer.category in categories
        ]
    concepts = [hit.concept for hit in hits]
    turn.say(search_views.search_results(t, world, session, concepts, found, related))


def onboarding_done(turn: Turn, result: Result) -> None:
    # What fits now is known to the person; later changes announce only what is new.
    session, world = turn.session, turn.world
    fitting = fitting_ids(world.catalogue, session.profile, world.today)
    session.announced = sorted(set(session.announced) | fitting)
    intro = esc(turn.t.gettext("Thank you! Here are the offers for you."))
    show_list(turn, 1, intro)


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
    Route("of", "o", detail, arity=2),
    Route("of", "s", toggle_saved, arity=2),
    Route("of", "n", dismiss, arity=2),
)
RESULTS = {"offers_ready": onboarding_done}
PROFILE_HOOKS = (announce_new,)
