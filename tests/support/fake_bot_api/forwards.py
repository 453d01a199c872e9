"""What users pass on to the bot: forwarded messages and contact cards.

A forward carries ``forward_origin`` (Bot API 7.0 and later; the older forward_from and
forward_from_chat fields are gone), one of the four MessageOrigin kinds with their required
fields: "user" {date, sender_user}, "hidden_user" {date, sender_user_name} (the sender hides
their account), "chat" {date, sender_chat} (sent on behalf of a group), "channel" {date, chat,
message_id} (a channel post). A contact card is a message with ``contact`` {phone_number,
first_name, and optionally last_name and user_id (when the contact is a Telegram user)}.
"""

from __future__ import annotations

from tests.support.fake_bot_api.common import JSON
from tests.support.fake_bot_api.files import FilesMixin

ORIGINS = ("user", "hidden_user", "chat", "channel")


def contact_card(
    phone_number: str,
    first_name: str,
    *,
    last_name: str | None = None,
    user_id: int | None = None,
) -> JSON:
    """A Contact as Telegram sends it (phone_number and first_name are required)."""
    if not phone_number or not first_name:
        raise ValueError("a contact has a phone number and a first name")
    contact: JSON = {"phone_number": phone_number, "first_name": first_name}
    if last_name is not None:
        contact["last_name"] = last_name
    if user_id is not None:
        contact["user_id"] = user_id
    return contact


class ForwardsMixin(FilesMixin):
    """Users forward messages (text, a photo or a contact card) and share contacts."""

    # --- simulated users ----------------------------------------------------------------------

    def forward_message(
        self,
        user_id: int,
        text: str | None,
        *,
        origin: str = "user",
        origin_user_id: int | None = None,
        origin_name: str | None = None,
        origin_chat_id: int | None = None,
        origin_message_id: int = 1,
        origin_date: int | None = None,
        photo: bytes | None = None,
        contact: JSON | None = None,
        first_name: str | None = None,
        language_code: str | None = None,
    ) -> int:
        """Queue a private message from ``user_id`` that forwards someone else's message.

        ``origin`` says whose: "user" (``origin_user_id``, whose first name ``origin_name``
        sets), "hidden_user" (only ``origin_name``), "chat" (the group ``origin_chat_id``,
        titled ``origin_name``) or "channel" (the channel ``origin_chat_id`` and its post
        ``origin_message_id``). ``origin_date``: when the original was sent (default: now).
        The forwarded content is ``text``, or a ``photo`` (image bytes; ``text`` is then its
        caption), or a ``contact`` card (see `contact_card`; ``text`` must be None).
        """
        if photo is not None and contact is not None:
            raise ValueError("a message is a photo or a contact card, not both")
        if contact is not None and text is not None:
            raise ValueError("a contact card has no text")
        if photo is None and contact is None and not text:
            raise ValueError("a forwarded text message has text")
        with self._cond:
            forward_origin = self._forward_origin(
                origin,
                origin_user_id,
                origin_name,
                origin_chat_id,
                origin_message_id,
                self._now() if origin_date is None else origin_date,
            )
            content: JSON
            if contact is not None:
                content = {"contact": _card_of(contact)}
            elif photo is not None:
                content = {"photo": self._photo_sizes(photo)}
                if text:
                    content["caption"] = text
            else:
                content = {"text": text}
        content["forward_origin"] = forward_origin
        return self._user_message(user_id, content, first_name, language_code, "private", None)

    def send_contact(
        self,
        user_id: int,
        phone_number: str,
        contact_first_name: str,
        *,
        contact_user_id: int | None = None,
        contact_last_name: str | None = None,
        first_name: str | None = None,
        language_code: str | None = None,
    ) -> int:
        """Queue a private message from ``user_id`` sharing a contact card. Their own number
        (a request_contact button) has ``contact_user_id=user_id``, as on Telegram."""
        card = contact_card(
            phone_number, contact_first_name, last_name=contact_last_name, user_id=contact_user_id
        )
        content: JSON = {"contact": card}
        return self._user_message(user_id, content, first_name, language_code, "private", None)

    # --- internals ----------------------------------------------------------------------------

    def _forward_origin(
        self,
        origin: str,
        user_id: int | None,
        name: str | None,
        chat_id: int | None,
        message_id: int,
        date: int,
    ) -> JSON:
        if origin not in ORIGINS:
            raise ValueError(f"origin is one of {ORIGINS}, not {origin!r}")
        if origin == "user":
            if user_id is None:
                raise ValueError('origin="user" needs origin_user_id')
            return {"type": "user", "date": date, "sender_user": self._user(user_id, name, None)}
        if origin == "hidden_user":
            if not name:
                raise ValueError('origin="hidden_user" needs origin_name')
            return {"type": "hidden_user", "date": date, "sender_user_name": name}
        if chat_id is None or chat_id >= 0:
            raise ValueError(f'origin="{origin}" needs a (negative) origin_chat_id')
        if origin == "chat":
            known = self._chats.get(chat_id)
            chat = dict(known) if known else {"id": chat_id, "type": "supergroup"}
            chat["title"] = name or chat.get("title") or "Test group"
            return {"type": "chat", "date": date, "sender_chat": chat}
        channel = {"id": chat_id, "type": "channel", "title": name or "Test channel"}
        return {"type": "channel", "date": date, "chat": channel, "message_id": message_id}


def _card_of(contact: JSON) -> JSON:
    unknown = set(contact) - {"phone_number", "first_name", "last_name", "user_id"}
    if unknown:
        raise ValueError(f"a contact card has no {sorted(unknown)}")
    return contact_card(
        contact.get("phone_number", ""),
        contact.get("first_name", ""),
        last_name=contact.get("last_name"),
        user_id=contact.get("user_id"),
    )
