"""The young person's questions: /start, the onboarding's end, /language, /profile and its
edits, /help."""

from __future__ import annotations

from bot.core import interpreter, kinds, share_views
from bot.core.dialogue_io import Reply
from bot.core.effects import Count
from bot.core.interpreter import Result
from bot.core.links import OFFER_PREFIX, REFERRAL_PREFIX
from bot.core.person import person_of
from bot.core.profile_views import new_offers_switched, news_switched, profile_view
from bot.core.sides import offers, staff, volunteers
from bot.core.sides.common import consented, saving, show_menu
from bot.core.tables import Command, Route
from bot.core.text import N_, esc
from bot.core.turn import Turn


def start(turn: Turn, argument: str) -> None:
    """From the beginning; an invite link or QR code can carry the language: /start lang_ar.
    A staff invitation (/start inv_...) is offered instead; staff get their home screen."""
    if argument.startswith(staff.INVITE_PREFIX):
        staff.show_invitation(turn, argument)
        return
    if argument.startswith(OFFER_PREFIX) and _shared_offer(turn, argument[len(OFFER_PREFIX) :]):
        return
    referral = turn.prepared.referral
    if argument.startswith(REFERRAL_PREFIX) and referral is not None:
        volunteers.arrived(turn, referral.id, referral.kind, referral.service)
        if referral.language and not turn.session.language:
            argument = f"lang_{referral.language}"
        if referral.district and not turn.session.profile.place:
            turn.session.referral_district = referral.district
    if turn.actor.is_staff and not argument:
        turn.session.stack = []
        staff.home(turn)
        return
    if not turn.session.consented and not turn.session.stack:
        turn.effect(Count("started"))  # the first step of the path the needs report follows
    interpreter.start(turn, turn.world.profile_flow.id, fresh=True)
    code = argument.removeprefix("lang_") if argument.startswith("lang_") else ""
    step = turn.step
    if code and turn.world.language(code) and step is not None and step.kind == "language":
        turn.outcome.replies.clear()
        kinds.REGISTRY[step.kind].press(turn, step, "a", code)


def _shared_offer(turn: Turn, offer_id: str) -> bool:
    """A shared offer's "Open in Lotse": its detail for someone who is here already; for
    someone new, the offer in short and then the questions."""
    offer = turn.world.catalogue.offers.get(offer_id)
    if offer is None:
        return False
    if turn.session.consented:
        offers.detail(turn, (offer_id, "1"))
        return True
    turn.say(Reply(share_views.offer_card(turn.t, turn.world, offer)))
    return False


def resume(turn: Turn, argument: str) -> None:
    """A channel (re)opened, e.g. the terminal chat: continue where the person was."""
    if turn.step is not None:
        interpreter.ask(turn)
    elif turn.session.consented and turn.profile_complete():
        turn.note(turn.t.gettext("Welcome back!"))
        show_menu(turn)
    else:
        start(turn, "")


def help_command(turn: Turn, argument: str) -> None:
    show_menu(turn)
    if turn.step is not None:
        interpreter.ask(turn)


def profile(turn: Turn, argument: str = "") -> None:
    if consented(turn):
        show_profile(turn)


def show_profile(turn: Turn, intro: str = "") -> None:
    shown = interpreter.shown_steps(turn)
    turn.say(profile_view(turn.t, turn.world, turn.session, shown, turn.profile_complete(), intro))


def switch_new_offers(turn: Turn, args: tuple[str, ...]) -> None:
    """ "Tell me about new offers" on or off (the button says which it makes it)."""
    if not consented(turn) or not saving(turn):
        return
    turn.session.new_offers = args[0] == "on"
    turn.note(new_offers_switched(turn.t, turn.session.new_offers))
    show_profile(turn)


def switch_news(turn: Turn, args: tuple[str, ...]) -> None:
    """News from the district (broadcasts) on or off."""
    if not consented(turn):
        return
    turn.session.news = args[0] == "on"
    turn.note(news_switched(turn.t, turn.session.news))
    show_profile(turn)


def edit(turn: Turn, args: tuple[str, ...]) -> None:
    """Change one answer: that question alone on top of the stack, then back to /profile."""
    if not consented(turn):
        return
    flow = turn.world.profile_flow
    step = flow.step_saving(args[0])
    if step is None or not step.edit:
        show_profile(turn)
        return
    interpreter.start(turn, flow.id, at=step.id, single=True, then="profile_edited")


def edited(turn: Turn, result: Result) -> None:
    intro = "" if result.cancelled else esc(turn.t.gettext("Saved."))
    show_profile(turn, intro)


def language_changed(turn: Turn, result: Result) -> None:
    language = turn.world.language(turn.session.language)
    turn.note(
        turn.t.gettext("Okay, I will write in {language}.").format(
            language=language.name if language else turn.session.language
        )
    )
    if turn.session.stack:
        return  # the question that was open is asked again, in the new language
    if turn.session.consented and turn.profile_complete():
        show_menu(turn)
    else:
        interpreter.start_profile(turn)


def focus_age_note(turn: Turn, value: object) -> None:
    from bot.core.offer_views import age_note

    if person_of(turn.session.profile, turn.world.today, None).outside_focus:
        turn.note(age_note(turn.t))


def _conditions_near(turn: Turn) -> list:
    """The conditions of the person's papers on the offers they can reach."""
    status = turn.session.profile.status
    district = turn.district
    if not status or not district:
        return []
    offers = turn.world.catalogue.offers_near(district)
    return [o.conditions[status] for o in offers if status in o.conditions]


def arrival_matters(turn: Turn) -> bool:
    """Ask when they came to Germany only if an offer near them waits for months with their
    papers."""
    return any(
        c.min_months is not None or c.min_months_reception is not None
        for c in _conditions_near(turn)
    )


def reception_matters(turn: Turn) -> bool:
    """Ask about the reception centre only if an offer near them, or the school obligation of
    their state, depends on it."""
    if any(
        c.reception_excluded or c.min_months_reception != c.min_months
        for c in _conditions_near(turn)
    ):
        return True
    district = turn.world.catalogue.district_of(turn.session.profile.place or "")
    rule = turn.world.catalogue.school_rules.get(district.state) if district else None
    person = person_of(turn.session.profile, turn.world.today, None)
    young = person.age_low is not None and person.age_low < 19
    return bool(rule and rule.reception_exempt and young)


COMMANDS = (
    Command("start", N_("start again from the beginning"), start, order=10),
    Command("resume", "", resume, menu=False),
    Command("profile", N_("see and change your answers"), profile, order=50),
    Command("help", N_("this help"), help_command, order=90),
)
ROUTES = (
    Route("pf", "v", lambda turn, args: profile(turn)),
    Route("pf", "e", edit, arity=1),
    Route("pf", "n", switch_new_offers, arity=1),
    Route("pf", "w", switch_news, arity=1),
)
RESULTS = {"profile_edited": edited, "language_changed": language_changed}
HOOKS = {"focus_age_note": focus_age_note}
PREDICATES = {"arrival_matters": arrival_matters, "reception_matters": reception_matters}
