"""The dialogue engine: one input and a session in, replies and the changed session out.

Pure: no I/O, no clock, no framework. The service loads and saves the session around it.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process, utils

from bot.core import callback, event_views, offer_views, views
from bot.core.dialogue_io import Input, Outcome, Reply
from bot.core.events import Event, upcoming_for
from bot.core.flow import END, Step
from bot.core.keys import FOCUS_AGE_MAX, FOCUS_AGE_MIN
from bot.core.matching import assess_all, fitting_ids, rank
from bot.core.profile import Profile, Session
from bot.core.reminders import plan
from bot.core.text import Translator, esc
from bot.core.validators import VALIDATORS
from bot.core.world import FALLBACK_LANGUAGE, World

TEXT_MATCH_CUTOFF = 85
_LIST_SEPARATORS = re.compile(r"[,;/\n،؛]+")


def handle(
    session: Session, event: Input, world: World, language_hint: str | None = None
) -> Outcome:
    """Answer one input. `session` is changed in place; save it if the outcome asks for it."""
    return _Dialogue(session, world, language_hint).run(event)


class _Dialogue:
    def __init__(self, session: Session, world: World, hint: str | None) -> None:
        self.session = session
        self.world = world
        self.hint = world.closest_language(hint)
        self.outcome = Outcome()

    # -- helpers ----------------------------------------------------------------------------

    @property
    def t(self) -> Translator:
        return self.world.translator(self.session.language or self.hint or FALLBACK_LANGUAGE)

    def say(self, reply: Reply) -> None:
        self.outcome.replies.append(reply)

    def note(self, text: str) -> None:
        self.say(Reply(esc(text)))

    @property
    def step(self) -> Step | None:
        step_id = self.session.step
        return self.world.flow.steps.get(step_id) if step_id else None

    def ask(self, intro: str = "", replace: bool = False) -> None:
        step = self.step
        if step is None:
            return
        reply = views.question(self.t, self.world, step, self.session, intro)
        self.say(Reply(reply.html, reply.buttons, replace=replace))

    def go_to(self, step_id: str) -> None:
        self.session.step = step_id
        self.session.pending = {
            k: v for k, v in self.session.pending.items() if k in ("suggested", "resume")
        }
        if step_id == "interests" or self.world.flow.steps[step_id].kind == "multi":
            save = self.world.flow.steps[step_id].save
            self.session.pending["ticked"] = list(self.session.profile.get(save) or ())

    # -- entry ------------------------------------------------------------------------------

    def run(self, event: Input) -> Outcome:
        if event.kind == "command":
            self.command(event.value, event.argument)
        elif event.kind == "button":
            self.button(event.value)
        elif self.session.language is None and self.session.step is None:
            self.start()  # a first message of any kind opens the conversation
        elif event.kind == "text":
            self.text(event.value)
        elif event.kind == "location":
            self.location(event.latitude, event.longitude)
        else:
            self.note(self.t.gettext("I can only read text messages and buttons."))
            self.reask_or_menu()
        return self.outcome

    def reask_or_menu(self) -> None:
        if self.step:
            self.ask()
        else:
            self.say(views.help_view(self.t))

    # -- commands ---------------------------------------------------------------------------

    def command(self, name: str, argument: str) -> None:
        session = self.session
        if name == "start":
            self.start()
            code = argument.removeprefix("lang_") if argument.startswith("lang_") else ""
            if code and self.world.language(code) and self.step and self.step.kind == "language":
                # An invite link or QR code can carry the language: /start lang_ar
                self.outcome.replies.clear()
                self.answer(self.step, code)
        elif name == "resume":
            # A channel (re)opened, e.g. the terminal chat: continue where the person was.
            if self.step:
                self.ask()
            elif session.consented and session.profile.is_complete():
                self.note(self.t.gettext("Welcome back!"))
                self.say(views.help_view(self.t))
            else:
                self.start()
        elif name == "help":
            self.say(views.help_view(self.t))
            self.reask_if_open()
        elif name == "language":
            session.pending["resume"] = session.step or ""
            session.return_to = "language"
            self.go_to(self.world.flow.start)
            session.pending["suggested"] = session.language or self.hint or ""
            self.ask()
        elif name == "privacy":
            self.say(views.privacy_view(self.t, self.world, session))
        elif not session.consented:
            self.note(self.t.gettext("Please answer the questions first."))
            self.start() if session.step is None else self.ask()
        elif name == "offers":
            self.offers(1)
        elif name == "profile":
            self.say(views.profile_view(self.t, self.world, session))
        elif name == "saved":
            self.say(offer_views.saved_list(self.t, self.world, session))
        elif name == "events":
            self.events()
        else:
            self.note(self.t.gettext("I do not know this command."))
            self.say(views.help_view(self.t))

    def reask_if_open(self) -> None:
        if self.step:
            self.ask()

    def start(self) -> None:
        session = self.session
        session.history = []
        session.return_to = ""
        session.pending = {}
        self.go_to(self.world.flow.start)
        session.pending["suggested"] = session.language or self.hint or ""
        self.ask()

    def offers(self, page: int) -> None:
        if not self.session.profile.is_complete():
            self.note(self.t.gettext("Please answer the questions first."))
            self.resume_flow()
            return
        self.session.step = None
        self.say(offer_views.offer_list(self.t, self.world, self.session, page))

    def resume_flow(self) -> None:
        """Continue with the first question that has no answer yet."""
        flow, profile = self.world.flow, self.session.profile
        for step in flow.steps.values():
            if step.save and not profile.get(step.save):
                if profile.get(step.save) == 0:
                    continue
                self.session.history = []
                self.go_to(step.id)
                self.ask()
                return
        self.go_to(flow.start)
        self.ask()

    # -- buttons ----------------------------------------------------------------------------

    def button(self, data: str) -> None:
        try:
            pressed = callback.decode(data)
        except callback.CallbackError:
            self.note(self.t.gettext("Sorry, I did not understand this button."))
            self.reask_or_menu()
            return
        action = pressed.action
        if action == "x":
            self.erase(pressed.value)
            return
        if action in "std":
            if pressed.step != self.session.step or self.step is None:
                self.outcome.replies.append(
                    Reply(
                        esc(self.t.gettext("This button belongs to an earlier question.")),
                        notice=self.t.gettext("This button belongs to an earlier question."),
                    )
                )
                self.reask_or_menu()
                return
            step = self.step
            if action == "s":
                self.answer(step, pressed.value)
            elif action == "t":
                self.toggle(step, pressed.value)
            else:
                self.finish_multi(step)
            return
        if action == "b":
            self.back()
            return
        if not self.session.consented:
            self.note(self.t.gettext("Please answer the questions first."))
            self.start() if self.step is None else self.ask()
            return
        if action == "p":
            self.offers(int(pressed.value) if pressed.value.isdigit() else 1)
        elif action == "o":
            offer = self.world.catalogue.offers.get(pressed.value)
            if offer is None:
                self.note(self.t.gettext("This offer is no longer available."))
                self.offers(1)
            else:
                self.say(offer_views.offer_detail(self.t, self.world, offer, self.session))
        elif action == "e":
            self.edit(pressed.step)
        elif action == "v":
            self.toggle_saved(pressed.value)
        elif action == "n":
            self.dismiss(pressed.value)
        elif action == "l":
            self.events()
        elif action in "wruc":
            self.event_button(action, pressed.value)
        elif action == "g":
            self.went(pressed.step, pressed.value)

    # -- events -----------------------------------------------------------------------------

    def events(self) -> None:
        session, world = self.session, self.world
        if not session.profile.is_complete():
            self.note(self.t.gettext("Please answer the questions first."))
            self.resume_flow()
            return
        session.step = None
        profile = session.profile
        district = world.catalogue.places[profile.place or ""].district
        choice = upcoming_for(
            world.events, district, profile.age, profile.interests, session.subscribed, world.now
        )
        self.say(event_views.event_list(self.t, world, session, choice))

    def event_button(self, action: str, event_id: str) -> None:
        t, world, session = self.t, self.world, self.session
        event = world.events.get(event_id)
        if event is None:
            self.unsubscribe(event_id)
            self.note(t.gettext("This event is no longer available."))
            self.events()
            return
        if action == "c":
            self.say(event_views.calendar(t, event, world.now))
            return
        if action == "w":
            self.say(event_views.event_detail(t, world, event, session))
            return
        if action == "u":
            self.unsubscribe(event_id)
            notice = t.gettext("Reminder cancelled.")
        elif event.end <= world.now:
            self.note(t.gettext("This event is over."))
            self.events()
            return
        elif event.cancelled:
            notice = t.gettext("This event is cancelled.")
        else:
            notice = self.subscribe(event)
        self.say(event_views.event_detail(t, world, event, session, replace=True, notice=notice))

    def unsubscribe(self, event_id: str) -> None:
        if event_id in self.session.subscribed:
            self.session.subscribed.remove(event_id)
            self.outcome.unsubscribe.append(event_id)

    def subscribe(self, event: Event) -> str:
        t, session = self.t, self.session
        if event.id not in session.subscribed:
            session.subscribed.append(event.id)
            self.outcome.subscribe.append(event.id)
        if not plan("", event, self.world.now):
            return t.gettext("The event starts soon, so no reminder is left before it.")
        return t.gettext("Okay. I will remind you {times} before the start.").format(
            times=event_views.reminder_times(t, event)
        )

    def went(self, event_id: str, answer: str) -> None:
        if event_id in self.session.subscribed and answer in event_views.ANSWERS:
            self.outcome.went = (event_id, answer)
        self.say(event_views.thanks_for_answer(self.t))

    def search(self, text: str) -> None:
        """Free text with no question open: look for what the person names."""
        session, world = self.session, self.world
        if not session.consented or not session.profile.is_complete():
            self.note(self.t.gettext("Please answer the questions first."))
            self.resume_flow() if session.consented else self.start()
            return
        hits = world.search.concepts(text)[:2]
        district = world.catalogue.places[session.profile.place or ""].district
        if not hits:
            self.outcome.search_miss = district
            self.say(offer_views.nothing_understood(self.t, text))
            return
        wanted: set[str] = set()
        for hit in hits:
            wanted.update(o.id for o in world.search.offers_for(hit.concept))
        assessed = offer_views.visible(
            assess_all(world.catalogue, session.profile, world.today), session
        )
        found = [m for m in assessed if m.offer.id in wanted]
        related: list = []
        if not any(m.assessment.verdict == "fit" for m in found):
            self.outcome.search_miss = district
            # Nothing named fits: offer what fits in the same field (other Ausbildung, ...).
            categories = {hit.concept.category for hit in hits}
            related = [
                m
                for m in assessed
                if m.assessment.verdict == "fit" and m.offer.category in categories
            ]
        concepts = [hit.concept for hit in hits]
        self.say(offer_views.search_results(self.t, world, session, concepts, found, related))

    def toggle_saved(self, offer_id: str) -> None:
        saved = self.session.saved
        if offer_id not in self.world.catalogue.offers:
            self.note(self.t.gettext("This offer is no longer available."))
            return
        if offer_id in saved:
            saved.remove(offer_id)
            notice = self.t.gettext("Removed from your saved offers.")
        else:
            saved.append(offer_id)
            notice = self.t.gettext("Saved. /saved shows your saved offers.")
        offer = self.world.catalogue.offers[offer_id]
        detail = offer_views.offer_detail(self.t, self.world, offer, self.session)
        self.say(Reply(detail.html, detail.buttons, replace=True, notice=notice))

    def dismiss(self, offer_id: str) -> None:
        if offer_id in self.world.catalogue.offers and offer_id not in self.session.dismissed:
            self.session.dismissed.append(offer_id)
            if offer_id in self.session.saved:
                self.session.saved.remove(offer_id)
        intro = esc(self.t.gettext("Okay, I will not show you this offer again."))
        page = int(self.session.pending.get("page", 1) or 1)  # type: ignore[call-overload]
        self.say(offer_views.offer_list(self.t, self.world, self.session, page, intro))

    def edit(self, step_id: str) -> None:
        if step_id not in self.world.flow.steps or not self.world.flow.steps[step_id].save:
            self.session.step = None
            self.say(views.profile_view(self.t, self.world, self.session))
            return
        self.session.history = []
        self.session.return_to = "profile"
        self.go_to(step_id)
        self.ask()

    def back(self) -> None:
        session = self.session
        if session.return_to == "profile":
            session.return_to = ""
            session.step = None
            self.say(views.profile_view(self.t, self.world, session))
        elif session.return_to == "language":
            self.resume_after_language()
        elif session.history:
            previous = session.history.pop()
            if previous == "consent" and session.consented and session.history:
                previous = session.history.pop()
            self.go_to(previous)
            self.ask()
        else:
            self.reask_or_menu()

    def erase(self, value: str) -> None:
        t = self.t
        if not self.session.consented:
            self.say(views.privacy_view(t, self.world, self.session))
        elif value == "ask":
            self.say(views.erase_question(t))
        elif value == "yes":
            self.outcome.erase = True
            self.note(
                t.gettext(
                    "Everything is deleted. I do not know anything about you anymore. "
                    "Send /start if you want to begin again."
                )
            )
        else:
            self.note(t.gettext("Nothing was deleted."))
            self.reask_or_menu()

    # -- answers ----------------------------------------------------------------------------

    def text(self, text: str) -> None:
        step = self.step
        if step is None:
            self.search(text)
            return
        if self._matches_label(text, "‹ Back", self.t.gettext("‹ Back")):
            self.back()
            return
        if step.kind == "number":
            value = VALIDATORS[step.validator](text, self.world.today)
            if value is None:
                self.ask(esc(self.t.pgettext(self.world.flow.context(step), step.help)))
            else:
                self.save_and_advance(step, value)
        elif step.kind == "place":
            self.place_text(step, text)
        elif step.kind == "multi":
            self.multi_text(step, text)
        else:
            value = self.match_option(step, text)
            if value is None:
                self.ask(esc(self.t.pgettext(self.world.flow.context(step), step.help)))
            else:
                self.answer(step, value)

    def _choices(self, step: Step) -> dict[str, str]:
        """Every text that names an option, folded, mapped to the option value."""
        t, context = self.t, self.world.flow.context(step)
        names: dict[str, str] = {}
        if step.kind == "language":
            for lang in self.world.languages:
                for name in (lang.name, lang.code):
                    names[utils.default_process(name)] = lang.code
            return names
        for option in step.options:
            for name in (t.pgettext(context, option.label), option.label, option.value):
                names.setdefault(utils.default_process(name), option.value)
        return names

    def match_option(self, step: Step, text: str) -> str | None:
        names = self._choices(step)
        found = process.extractOne(
            utils.default_process(text), list(names), scorer=fuzz.WRatio,
            score_cutoff=TEXT_MATCH_CUTOFF,
        )  # fmt: skip
        return names[found[0]] if found else None

    @staticmethod
    def _matches_label(text: str, *labels: str) -> bool:
        """Typed text that names a button, in English or the reader's language."""
        typed = utils.default_process(text)
        return bool(typed) and any(
            fuzz.ratio(typed, utils.default_process(label)) >= 90 for label in labels
        )

    def answer(self, step: Step, value: str) -> None:
        session = self.session
        if step.kind == "language":
            if self.world.language(value) is None:
                self.ask()
                return
            session.language = value
            if session.return_to == "language":
                self.resume_after_language()
            else:
                self.advance(step, value)
        elif step.kind == "consent":
            if value == "agree":
                session.consented = True
                self.advance(step, value)
            elif value == "decline":
                self.decline()
            else:
                self.ask()
        elif step.kind == "choice":
            if step.option(value) is None:
                self.ask()
            else:
                self.save_and_advance(step, value)
        elif step.kind == "place":
            if value in self.world.catalogue.places:
                self.save_and_advance(step, value)
            else:
                self.ask()
        else:
            self.ask()

    def decline(self) -> None:
        language = self.session.language
        self.session.__init__()  # type: ignore[misc]  # forget everything
        self.session.language = language
        self.outcome.erase = True
        self.note(
            self.t.gettext(
                "Okay. I did not save anything about you. If you need help, you can go to the "
                "Jugendmigrationsdienst (youth migration service) in your town. If you change "
                "your mind, send /start."
            )
        )

    def resume_after_language(self) -> None:
        session = self.session
        resume = str(session.pending.pop("resume", "") or "")
        session.return_to = ""
        language = self.world.language(session.language)
        changed = self.t.gettext("Okay, I will write in {language}.").format(
            language=language.name if language else session.language
        )
        if not session.consented:
            self.advance(self.world.flow.step(self.world.flow.start), session.language or "")
            return
        if resume and resume in self.world.flow.steps and resume != self.world.flow.start:
            self.go_to(resume)
            self.ask(esc(changed))
        else:
            session.step = None
            self.note(changed)
            if session.profile.is_complete():
                self.say(views.help_view(self.t))
            else:
                self.resume_flow()

    def place_text(self, step: Step, text: str) -> None:
        found = self.world.places.search(text)
        self.session.pending["candidates"] = [p.id for p in found]
        if found:
            self.ask()
        else:
            self.ask(self._place_help(step))

    def _place_help(self, step: Step) -> str:
        t = self.t
        districts = ", ".join(d.name for d in self.world.catalogue.districts.values())
        return "\n".join(
            [
                esc(t.pgettext(self.world.flow.context(step), step.help)),
                esc(
                    t.gettext("For now I know places in: {districts}.").format(districts=districts)
                ),
            ]
        )

    def location(self, latitude: float | None, longitude: float | None) -> None:
        step = self.step
        if step is None or step.kind != "place" or latitude is None or longitude is None:
            self.note(
                self.t.gettext("Thank you. I only need a location when I ask for your town.")
            )
            self.reask_or_menu()
            return
        nearest = self.world.places.nearest(latitude, longitude)
        self.session.pending["candidates"] = [place.id for place, _km in nearest]
        if nearest:
            self.ask()
        else:
            self.ask(self._place_help(step))

    def toggle(self, step: Step, value: str) -> None:
        if step.option(value) is None:
            self.ask()
            return
        ticked = list(self.session.pending.get("ticked", []))  # type: ignore[call-overload]
        if value in ticked:
            ticked.remove(value)
        else:
            ticked.append(value)
        self.session.pending["ticked"] = ticked
        self.ask(replace=True)

    def multi_text(self, step: Step, text: str) -> None:
        if self._matches_label(text, "Done ✔", self.t.gettext("Done ✔")):
            self.finish_multi(step)
            return
        ticked = list(self.session.pending.get("ticked", []))  # type: ignore[call-overload]
        understood = False
        for piece in _LIST_SEPARATORS.split(text):
            value = self.match_option(step, piece) if piece.strip() else None
            if value:
                understood = True
                if value not in ticked:
                    ticked.append(value)
        self.session.pending["ticked"] = ticked
        if understood:
            self.ask()
        else:
            self.ask(esc(self.t.pgettext(self.world.flow.context(step), step.help)))

    def finish_multi(self, step: Step) -> None:
        ticked = [v for v in self.session.pending.get("ticked", []) if step.option(v)]  # type: ignore[union-attr]
        if not ticked:
            self.ask(esc(self.t.pgettext(self.world.flow.context(step), step.help)))
            return
        order = [o.value for o in step.options]
        self.save_and_advance(step, tuple(sorted(ticked, key=order.index)))

    def save_and_advance(self, step: Step, value: object) -> None:
        profile: Profile = self.session.profile
        catalogue, today = self.world.catalogue, self.world.today
        before = fitting_ids(catalogue, profile, today) if profile.is_complete() else None
        profile.set(step.save, value)
        if before is not None:
            self.announce_new(before)
        if step.save == "age" and not FOCUS_AGE_MIN <= int(value) <= FOCUS_AGE_MAX:  # type: ignore[call-overload]
            self.note(offer_views.age_note(self.t))
        self.advance(step, value if isinstance(value, str) else "")

    def announce_new(self, before: frozenset[str]) -> None:
        """A changed answer opened offers: say which ones, once per offer."""
        session = self.session
        ranking = rank(self.world.catalogue, session.profile, self.world.today)
        if ranking is None:
            return
        known = before | set(session.announced) | set(session.dismissed)
        # Best first, as in the offer list.
        offers = [o for o in map(ranking.offer, ranking.fit) if o.id not in known]
        if offers:
            session.announced.extend(o.id for o in offers)
            self.say(offer_views.newly_fitting(self.t, self.world, offers))

    def advance(self, step: Step, value: str) -> None:
        session = self.session
        if session.return_to == "profile":
            session.return_to = ""
            session.step = None
            session.pending = {}
            self.say(
                views.profile_view(self.t, self.world, session, esc(self.t.gettext("Saved.")))
            )
            return
        target = step.next_for(value)
        while target != END and target == "consent" and session.consented:
            target = self.world.flow.step(target).next
        if target == END:
            self.finish()
            return
        session.history.append(step.id)
        self.go_to(target)
        self.ask()

    def finish(self) -> None:
        session = self.session
        session.step = None
        session.history = []
        session.pending = {}
        # What fits now is known to the person; later changes announce only what is new.
        fitting = fitting_ids(self.world.catalogue, session.profile, self.world.today)
        session.announced = sorted(set(session.announced) | fitting)
        intro = esc(self.t.gettext("Thank you! Here are the offers for you."))
        self.say(offer_views.offer_list(self.t, self.world, session, 1, intro))
