"""A chat transcript driver for the dialogue: send, look at the reply, tap a button."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from bot.core.bidi import strip_isolates
from bot.core.dialogue_io import Button, Input, Reply
from bot.service import LotseService

_TAG = re.compile(r"</?[a-z][^>]*>")


def plain(text: str) -> str:
    return strip_isolates(html.unescape(_TAG.sub("", text)))


@dataclass
class Transcript:
    service: LotseService
    user: str = "u1"
    channel: str = "test"
    language_hint: str | None = None
    replies: list[Reply] = field(default_factory=list)
    last_message_id: int = 0  # the channel's message ids of what this person sent

    async def _do(self, event: Input) -> list[Reply]:
        self.replies = await self.service.handle(
            self.channel, self.user, event, self.language_hint
        )
        assert self.replies, f"no reply to {event}"
        return self.replies

    async def send(self, text: str) -> list[Reply]:
        self.last_message_id += 1
        if text.startswith("/"):
            name, _, argument = text[1:].partition(" ")
            return await self._do(Input("command", name, argument))
        return await self._do(Input("text", text, message_id=self.last_message_id))

    async def forward(self) -> list[Reply]:
        """Forward someone's message or contact card to the bot."""
        self.last_message_id += 1
        return await self._do(Input("forwarded", message_id=self.last_message_id))

    async def press(self, data: str) -> list[Reply]:
        return await self._do(Input("button", data))

    async def tap(self, label: str) -> list[Reply]:
        """Tap the button of the last replies whose visible label contains `label`."""
        for button in self.buttons:
            if label in plain(button.label):
                return await self.press(button.data)
        raise AssertionError(f"no button {label!r} in {[plain(b.label) for b in self.buttons]}")

    async def share_location(self, lat: float, lon: float) -> list[Reply]:
        return await self._do(Input("location", latitude=lat, longitude=lon))

    @property
    def buttons(self) -> list[Button]:
        return [b for reply in self.replies for row in reply.buttons for b in row]

    @property
    def labels(self) -> list[str]:
        return [plain(b.label) for b in self.buttons]

    @property
    def text(self) -> str:
        return "\n\n".join(plain(r.html) for r in self.replies)

    @property
    def html(self) -> str:
        return "\n\n".join(r.html for r in self.replies)

    def offer_ids(self) -> list[str]:
        return [b.data.split(":")[2] for b in self.buttons if b.data.startswith("of:o:")]

    async def begin(self, language: str = "English") -> list[Reply]:
        """/start and choose the language: the first question (the age) is open."""
        await self.send("/start")
        return await self.tap(language)

    async def agree(self) -> list[Reply]:
        """ "I agree" at the consent question (asked after the age)."""
        return await self.press("fl:a:consent:agree")

    async def onboard(
        self,
        *,
        language: str = "English",
        age: str = "17",
        status: str = "Asylum procedure",
        german: str = "A1",
        place: str = "Helmstedt",
        place_choice: str | None = None,
        interests: tuple[str, ...] = ("German course",),
        arrival: str = "unknown",
        reception: str = "no",
    ) -> list[Reply]:
        """The whole onboarding with button labels in the chosen language."""
        await self.begin(language)
        await self.send(age)
        await self.agree()
        await self.tap(status)
        await self.tap(german)
        await self.send(place)
        if any(b.data.startswith("fl:a:place:") for b in self.buttons):
            await self.tap(place_choice or place)  # not exact: pick it from the list
        # Asked only where an offer depends on them: a month ("07.2026") or "unknown".
        if any(b.data.startswith("fl:a:arrival:") for b in self.buttons):
            if arrival == "unknown":
                await self.press("fl:a:arrival:unknown")
            else:
                await self.send(arrival)
        if any(b.data.startswith("fl:a:reception:") for b in self.buttons):
            await self.press(f"fl:a:reception:{reception}")
        for interest in interests:
            await self.tap(interest)
        return await self.press("fl:d:interests")
