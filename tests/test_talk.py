"""Talk to a person, through the service with a recording case channel: choosing the service
and what to share, the hand-over shown in full, the case in the inbox group's topic (or with
the coordinators), messages both ways by id, closing, and erasure."""

from __future__ import annotations

from datetime import timedelta

from bot.core.access import COORDINATOR, Grant
from bot.core.desk import GroupInfo
from bot.core.dialogue_io import Input, Reply
from bot.service import LotseService
from tests.support.db import rows
from tests.support.transcript import Transcript
from tests.test_coordinators import staff_member

INBOX = "-1001"


class RecordingChannel:
    """A CaseChannel that remembers what it was asked to do (topics are numbered from 100)."""

    def __init__(self) -> None:
        self.topics: dict[int, str] = {}
        self.posts: list[tuple[str, int | None, Reply]] = []
        self.copies: list[tuple[str, int, str, int | None, Reply | None]] = []
        self.closed: list[int] = []
        self.deleted: list[int] = []

    async def create_topic(self, chat_id: str, name: str) -> int | None:
        thread = 100 + len(self.topics)
        self.topics[thread] = name
        return thread

    async def post(self, chat_id: str, thread_id: int | None, reply: Reply) -> bool:
        self.posts.append((chat_id, thread_id, reply))
        return True

    async def copy(self, from_chat, message_id, to_chat, thread_id, buttons=None) -> bool:  # type: ignore[no-untyped-def]
        self.copies.append((from_chat, message_id, to_chat, thread_id, buttons))
        return True

    async def close_topic(self, chat_id: str, thread_id: int) -> bool:
        self.closed.append(thread_id)
        return True

    async def delete_topic(self, chat_id: str, thread_id: int) -> bool:
        self.deleted.append(thread_id)
        self.topics.pop(thread_id, None)
        return True


async def open_case(young: Transcript, share: str = "a", question: str = "Who helps me?") -> str:
    """The young person asks the Helmstedt counselling service; returns the case's pseudonym."""
    await young.send("/talk")
    await young.press("tk:s:T-HE-3") if any(
        b.data == "tk:s:T-HE-3" for b in young.buttons
    ) else None
    await young.press(f"tk:h:T-HE-3:{share}")
    await young.send(question)
    await young.press("tk:y")
    found = await rows(young.service, "SELECT pseudonym FROM cases ORDER BY id DESC")
    assert found, young.text
    return str(found[0]["pseudonym"])


async def case_in_inbox(
    lotse: LotseService, channel: RecordingChannel
) -> tuple[Transcript, str, int]:
    """A Helmstedt inbox group, and a young person's case in it: (their chat, the case's
    pseudonym, its topic)."""
    lotse.counselling.channel = channel
    coordinator = await staff_member(lotse, "coord", Grant(COORDINATOR, "helmstedt"))
    await register_inbox(lotse, coordinator)
    young = Transcript(lotse, user="young")
    await young.onboard()
    pseudonym = await open_case(young)
    [thread] = channel.topics
    return young, pseudonym, thread


async def register_inbox(lotse: LotseService, coordinator: Transcript) -> None:
    group = GroupInfo(INBOX, "JMD Beratung", True, True)
    await lotse.handle_group("test", coordinator.user, group, Input("command", "inbox"))
    await lotse.handle_group("test", coordinator.user, group, Input("button", "ib:r:T-HE-3"))


async def test_the_hand_over_is_shown_in_full_in_both_languages_before_anything_is_sent(
    lotse: LotseService,
) -> None:
    lotse.counselling.channel = channel = RecordingChannel()
    await staff_member(lotse, "coord", Grant(COORDINATOR, "helmstedt"))
    young = Transcript(lotse, user="young")
    await young.onboard()
    await young.send("/language")
    await young.tap("العربية")
    await young.send("/talk")
    await young.press("tk:s:T-HE-3")
    assert "tk:h:T-HE-3:q" in [b.data for b in young.buttons]
    await young.press("tk:h:T-HE-3:a")
    await young.send("أريد تدريبا مهنيا")
    preview = young.text
    assert "أريد تدريبا مهنيا" in preview
    assert "In German" not in preview  # the heading is translated ...
    assert "Frage" in preview and "Alter: 16–17" in preview  # ... the German part is German
    assert await rows(lotse, "SELECT * FROM cases") == []
    assert channel.posts == [] and channel.copies == []
    await young.press("tk:n")
    assert await rows(lotse, "SELECT * FROM cases") == []


async def test_a_case_goes_to_its_inbox_topic_and_messages_go_both_ways_by_id(
    lotse: LotseService,
) -> None:
    lotse.counselling.channel = channel = RecordingChannel()
    coordinator = await staff_member(lotse, "coord", Grant(COORDINATOR, "helmstedt"))
    await register_inbox(lotse, coordinator)
    young = Transcript(lotse, user="young")
    await young.onboard()
    pseudonym = await open_case(young, "q", "Where can I learn German?")
    assert f"case {pseudonym}" in young.text
    [(thread, name)] = channel.topics.items()
    assert name.startswith(f"Fall {pseudonym} · ") and "16–17" in name
    card = channel.posts[-1]
    assert card[:2] == (INBOX, thread) and "Where can I learn German?" in card[2].html
    assert "Alter" not in card[2].html  # only the question was shared
    stored = await rows(lotse, "SELECT * FROM cases")
    assert "Where can I learn German" not in str([tuple(r) for r in stored])

    # The young person writes: copied into the topic by message id, not as text.
    await young.tap("Write to")
    await young.send("Are you open on Monday?")
    assert channel.copies[-1] == ("young", young.last_message_id, INBOX, thread, None)
    # The counsellor answers in the topic: copied to the young person with a "Write" button.
    group = GroupInfo(INBOX, "JMD Beratung", True, True, ("T-HE-3",), thread)
    await lotse.counselling.from_counsellor(group, 555)
    source, message_id, to_chat, to_thread, buttons = channel.copies[-1]
    assert (source, message_id, to_chat, to_thread) == (INBOX, 555, "young", None)
    assert buttons is not None and buttons.buttons[0][0].data == f"cs:w:{pseudonym}"

    # The counsellor closes it; the topic closes, the person is told, the outcome counted.
    posts = len(channel.posts)
    await lotse.handle_group(
        "test", "counsellor", group, Input("button", f"cs:c:{pseudonym}:advised")
    )
    # Said in the topic (before it closes), and to the young person.
    in_topic, to_person = channel.posts[posts:]
    assert in_topic[:2] == (INBOX, thread) and "geschlossen" in in_topic[2].html
    assert to_person[0] == "young" and "closed your conversation" in to_person[2].html
    assert channel.closed == [thread]
    outcome = await rows(lotse, "SELECT key, count FROM counters WHERE name = 'case_outcome'")
    assert [tuple(r) for r in outcome] == [("advised", 1)]
    await young.send("one more thing")
    assert "ended" in young.text
    # A counsellor's message after closing is refused in the topic, not passed on.
    copies = len(channel.copies)
    await lotse.counselling.from_counsellor(group, 556)
    assert len(channel.copies) == copies
    assert "closed" in channel.posts[-1][2].html or "geschlossen" in channel.posts[-1][2].html


async def test_erasing_deletes_the_topic_and_the_mapping_at_once(lotse: LotseService) -> None:
    channel = RecordingChannel()
    young, pseudonym, thread = await case_in_inbox(lotse, channel)
    await young.press("pr:x:yes")
    assert channel.deleted == [thread]
    assert await rows(lotse, "SELECT * FROM cases") == []
    assert pseudonym in channel.posts[-1][2].html  # the group is told which case went
    group = GroupInfo(INBOX, "JMD Beratung", True, True, ("T-HE-3",), thread)
    await lotse.counselling.from_counsellor(group, 777)  # the topic's gone: nothing to copy
    assert all(c[1] != 777 for c in channel.copies)


async def test_without_an_inbox_group_the_case_goes_to_the_districts_coordinators(
    lotse: LotseService,
) -> None:
    lotse.counselling.channel = channel = RecordingChannel()
    coordinator = await staff_member(lotse, "coord", Grant(COORDINATOR, "helmstedt"))
    await staff_member(lotse, "kr", Grant(COORDINATOR, "krefeld"))
    young = Transcript(lotse, user="young")
    await young.onboard()
    pseudonym = await open_case(young)
    assert [p[0] for p in channel.posts] == ["coord"]  # not the Krefeld coordinator
    # The coordinator answers from their chat: copied to the young person.
    await coordinator.press(f"cs:w:{pseudonym}")
    await coordinator.send("Come on Monday at 10.")
    assert channel.copies[-1][:3] == ("coord", coordinator.last_message_id, "young")
    await coordinator.press("cs:d")
    await coordinator.press(f"cs:c:{pseudonym}:referred")
    assert "closed" in coordinator.text or "geschlossen" in coordinator.text


async def test_idle_cases_close_after_30_days_and_topics_go_90_days_later(
    lotse: LotseService, clock
) -> None:  # type: ignore[no-untyped-def]
    channel = RecordingChannel()
    _young, _pseudonym, thread = await case_in_inbox(lotse, channel)
    clock.now += timedelta(days=29)
    assert await lotse.counselling.upkeep() == 0
    clock.now += timedelta(days=2)
    assert await lotse.counselling.upkeep() == 1
    assert channel.closed == [thread]
    clock.now += timedelta(days=89)
    await lotse.counselling.upkeep()
    assert channel.deleted == []
    clock.now += timedelta(days=2)
    await lotse.counselling.upkeep()
    assert channel.deleted == [thread]
    assert await rows(lotse, "SELECT * FROM cases") == []
    outcome = await rows(lotse, "SELECT key FROM counters WHERE name = 'case_outcome'")
    assert [r["key"] for r in outcome] == ["timeout"]


async def test_closing_a_case_is_refused_outside_its_districts_inbox(lotse: LotseService) -> None:
    lotse.counselling.channel = channel = RecordingChannel()
    helmstedt = await staff_member(lotse, "coord", Grant(COORDINATOR, "helmstedt"))
    krefeld = await staff_member(lotse, "kr", Grant(COORDINATOR, "krefeld"))
    await register_inbox(lotse, helmstedt)
    other = GroupInfo("-1002", "KIM Krefeld", True, True)
    await lotse.handle_group("test", krefeld.user, other, Input("command", "inbox"))
    await lotse.handle_group("test", krefeld.user, other, Input("button", "ib:r:T-KR-3"))
    # A Krefeld coordinator cannot make a group Helmstedt's inbox.
    stranger = GroupInfo("-1003", "Somewhere", True, True)
    await lotse.handle_group("test", krefeld.user, stranger, Input("button", "ib:r:T-HE-3"))
    inboxes = await rows(lotse, "SELECT service, chat_id FROM inboxes ORDER BY service")
    assert [tuple(r) for r in inboxes] == [("T-HE-3", INBOX), ("T-KR-3", "-1002")]
    young = Transcript(lotse, user="young")
    await young.onboard()
    pseudonym = await open_case(young)
    press = Input("button", f"cs:c:{pseudonym}:advised")
    krefeld_inbox = GroupInfo("-1002", "KIM Krefeld", True, True, ("T-KR-3",), 100)
    unknown = await lotse.handle_group("test", "someone", krefeld_inbox, Input("button", "zz:q"))
    for group in (krefeld_inbox, stranger):
        replies = await lotse.handle_group("test", "someone", group, press)
        assert [r.html for r in replies] == [r.html for r in unknown]
    assert channel.closed == []
    assert [r["state"] for r in await rows(lotse, "SELECT state FROM cases")] == ["open"]


async def test_a_message_to_a_case_after_erasure_is_refused_politely(lotse: LotseService) -> None:
    channel = RecordingChannel()

    async def cannot_delete(chat_id: str, thread_id: int) -> bool:
        return False  # Telegram refused (the bot lost its rights): tried again later

    channel.delete_topic = cannot_delete  # type: ignore[method-assign]
    young, pseudonym, thread = await case_in_inbox(lotse, channel)
    await young.press("pr:x:yes")
    [case] = await rows(lotse, "SELECT state, user_id FROM cases")
    assert (case["state"], case["user_id"]) == ("erased", None)  # the mapping is gone
    group = GroupInfo(INBOX, "JMD Beratung", True, True, ("T-HE-3",), thread)
    copies = len(channel.copies)
    await lotse.counselling.from_counsellor(group, 900)
    assert len(channel.copies) == copies
    assert "deleted at the person's request" in channel.posts[-1][2].html or (
        "gelöscht" in channel.posts[-1][2].html
    )
    # The person, back later, taps the old "Write to" button: the conversation has ended.
    await young.send("/start")
    await young.press(f"cs:w:{pseudonym}")
    assert "ended" in young.text or "/talk" in young.text


async def test_privacy_names_the_open_conversations(lotse: LotseService) -> None:
    lotse.counselling.channel = RecordingChannel()
    await staff_member(lotse, "coord", Grant(COORDINATOR, "helmstedt"))
    young = Transcript(lotse, user="young")
    await young.onboard()
    pseudonym = await open_case(young)
    await young.send("/privacy")
    assert f"case {pseudonym}" in young.text and "not the messages" in young.text


async def test_a_command_or_another_button_ends_writing_to_the_service(
    lotse: LotseService,
) -> None:
    channel = RecordingChannel()
    young, pseudonym, _thread = await case_in_inbox(lotse, channel)
    await young.press(f"cs:w:{pseudonym}")
    await young.send("first message")
    copies = len(channel.copies)
    await young.send("/offers")
    await young.send("Deutschkurs")  # a search again, not a message to the service
    assert len(channel.copies) == copies
    await young.press(f"cs:w:{pseudonym}")
    await young.press("of:p:1")  # another button
    await young.send("Deutschkurs")
    assert len(channel.copies) == copies
