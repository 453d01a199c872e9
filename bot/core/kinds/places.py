"""Kinds that ask where: a town (typed, with typos, or as a shared location), a location."""

from __future__ import annotations

from typing import Any

from bot.core import interpreter
from bot.core.catalogue import NATIONWIDE, area_id
from bot.core.effects import Count
from bot.core.flow import Flow, Step
from bot.core.kinds.base import Kind, Rows, answer_button
from bot.core.places import german_postcode
from bot.core.text import Translator, esc, ltr
from bot.core.turn import Turn
from bot.core.world import World

TOWNS = frozenset({"stadt", "gemeinde"})
INVITED_TOWNS = 12


class PlaceKind(Kind):
    name = "place"
    value_type = "place"

    def candidates(self, turn: Turn) -> list[str]:
        return [str(p) for p in turn.frame.pending.get("candidates", [])] if turn.frame else []

    def prompt(self, turn: Turn, step: Step) -> list[str]:
        if self.candidates(turn):
            return [esc(turn.t.gettext("Is it one of these? Tap it, or type your town again."))]
        return super().prompt(turn, step)

    def buttons(self, turn: Turn, step: Step) -> Rows:
        t, rows = turn.t, []
        candidates = self.candidates(turn) or self.invited_to(turn)
        for place_id in candidates:
            place = turn.world.catalogue.places.get(place_id)
            if place:
                label = t.gettext("{place} ({postcode})").format(
                    place=place.name, postcode=place.postcodes[0]
                )
                rows.append((answer_button(ltr(t, label), step, place.id),))
        return rows

    def invited_to(self, turn: Turn) -> list[str]:
        """The towns of the district an invite names (its towns, not their parts), so that
        one tap answers; typing still works."""
        district = turn.session.referral_district
        if not district or turn.session.profile.place:
            return []
        places = turn.world.catalogue.places.values()
        return [p.id for p in places
                if p.district == district and p.kind in TOWNS][:INVITED_TOWNS]  # fmt: skip

    def text(self, turn: Turn, step: Step, text: str) -> None:
        exact = turn.world.places.exact(text)
        if exact is not None:  # "Helmstedt", "38154": no need to confirm it
            interpreter.save(turn, exact.id)
            return
        found = turn.world.places.search(text)
        postcode = german_postcode(text)
        if not found and postcode:
            # A town Lotse does not know yet: only its postcode area is kept, and counted.
            turn.effect(Count("outside_area", NATIONWIDE, postcode[:2]))
            interpreter.save(turn, area_id(postcode))
            return
        turn.frame.pending["candidates"] = [p.id for p in found]  # type: ignore[union-attr]
        if found:
            interpreter.ask(turn)
        else:
            interpreter.refuse(turn, step, self.help(turn, step))

    def location(self, turn: Turn, step: Step, lat: float, lon: float) -> bool:
        nearest = turn.world.places.nearest(lat, lon)
        turn.frame.pending["candidates"] = [place.id for place, _km in nearest]  # type: ignore[union-attr]
        if nearest:
            interpreter.ask(turn)
        else:
            interpreter.refuse(turn, step, self.help(turn, step))
        return True

    def help(self, turn: Turn, step: Step) -> str:
        t = turn.t
        districts = ", ".join(d.name for d in turn.world.catalogue.served_districts)
        return "\n".join(
            [
                esc(t.pgettext(interpreter.context(turn, step), step.help)),
                esc(
                    t.gettext("For now I know places in: {districts}.").format(districts=districts)
                ),
                esc(
                    t.gettext(
                        "Do you live somewhere else? Type your postcode: I show you what works "
                        "everywhere."
                    )
                ),
            ]
        )

    def show(self, t: Translator, world: World, flow: Flow, step: Step, value: Any) -> str:
        place = world.catalogue.places.get(str(value))
        if place is not None and place.kind == "area":
            return t.gettext("a town outside the districts Lotse knows (postcode {area}…)").format(
                area=ltr(t, place.name)
            )
        return ltr(t, place.name) if place else str(value)

    def press(self, turn: Turn, step: Step, action: str, value: str) -> None:
        if action == "a" and value in turn.world.catalogue.places:
            interpreter.save(turn, value)
        else:
            interpreter.ask(turn)


class LocationKind(Kind):
    name = "location"
    value_type = "location"

    def location(self, turn: Turn, step: Step, lat: float, lon: float) -> bool:
        interpreter.save(turn, [round(lat, 5), round(lon, 5)])
        return True
