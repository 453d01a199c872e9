"""Any text, any button data, any order: the core answers politely, in valid Telegram HTML,
and loses nothing. Starts from finished profiles, inside edits and wizards, so that replies
that echo what a person typed (the search) are exercised."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import engine
from bot.core.dialogue_io import Input, Reply, Upload
from bot.core.profile import Frame, Profile, Session
from bot.core.world import World
from tests.support.fake_bot_api import parse_telegram_html, utf16_len
from tests.support.fake_bot_api.common import MAX_CAPTION, MAX_TEXT

NASTY = st.sampled_from(
    [
        "", " ", "\u202e\u2066evil\u2069", "<b>", "&amp;", "</b><script>", "\x00\x07", "😀" * 500,
        "a" * 5000, "/start", "/", "17", "١٧", "\n\n", "fl:a:age:17", "of:o:", "‹ Back",
        "<b>Ausbildung</b> & Kfz", "<i>nurse", "Deutsch & Arbeit <>", "\"quoted\" 'text'",
    ]
)  # fmt: skip
TEXTS = st.one_of(st.text(max_size=300), NASTY)
BUTTONS = [
    "b", "fl:b", "of:p:0", "of:p:-1", "of:p:999999", "of:o:NOPE:1", "of:o:T-HE-1:x",
    "of:o:T-HE-1:1", "of:s:T-HE-1:1", "of:n:T-HE-1:1", "pr:x:yes", "pr:x:ask", "pr:x:no",
    "pf:e:", "pf:e:nope", "pf:e:age", "pf:e:place", "pf:e:interests", "pf:v",
    "fl:t:interests:zzz", "fl:t:interests:sport", "fl:d:interests", "fl:a:place:atlantis",
    "fl:a:place:helmstedt", "fl:a:language:xx", "fl:a:rating:4", "fl:k:comment", "ev:l:1",
    "ev:l:x", "ev:o:EV-T-1", "ev:o:NOPE", "ev:r:EV-T-1", "ev:r:EV-T-5", "ev:r:EV-T-6",
    "ev:u:EV-T-1", "ev:u:NOPE", "ev:c:EV-T-4", "ev:c:NOPE", "ev:g:EV-T-1:yes",
    "ev:g:EV-T-1:maybe", "ev:g:NOPE:no", "ev:g:", "ev:r:", "ev:o:",
]  # fmt: skip
INPUTS = st.one_of(
    TEXTS.map(lambda t: Input("text", t)),
    st.one_of(st.text(max_size=80), NASTY, st.sampled_from(BUTTONS)).map(
        lambda d: Input("button", d)
    ),
    st.sampled_from(
        [
            "start",
            "offers",
            "profile",
            "language",
            "privacy",
            "help",
            "nope",
            "resume",
            "events",
            "saved",
            "feedback",
            "",
        ]
    ).map(lambda c: Input("command", c)),
    st.tuples(st.floats(-90, 90), st.floats(-180, 180)).map(
        lambda p: Input("location", latitude=p[0], longitude=p[1])
    ),
    st.builds(lambda b: Input("file", upload=Upload("x.csv", "text/csv", b)), st.binary()),
    st.just(Input("unsupported")),
)


def complete() -> Session:
    return Session(
        language="en",
        consented=True,
        profile=Profile(
            None, "duldung", "A2", "helmstedt", ("german_course", "sport"), birth="2008-03"
        ),
        subscribed=["EV-T-1"],
        saved=["T-HE-1"],
    )


def editing_place() -> Session:
    session = complete()
    session.stack = [Frame("onboarding", "place", single=True, then="profile_edited")]
    return session


def in_onboarding() -> Session:
    return Session(
        language="en",
        consented=True,
        stack=[
            Frame(
                "onboarding",
                "place",
                ["language", "consent", "age", "residence_status", "german_level"],
            )
        ],
        profile=Profile(age=18, status="duldung", german_level="A2"),
    )


def in_feedback() -> Session:
    session = complete()
    session.stack = [Frame("feedback", "comment", ["rating"], draft={"rating": "3"})]
    return session


STARTS = {
    "complete": complete,
    "editing_place": editing_place,
    "in_onboarding": in_onboarding,
    "in_feedback": in_feedback,
}


def check_reply(reply: Reply) -> str:
    """Parses as Telegram HTML within Telegram's limits; returns the visible text."""
    visible, _entities = parse_telegram_html(reply.html)
    limit = MAX_CAPTION if reply.attachment else MAX_TEXT
    assert 0 < utf16_len(visible.strip()) <= limit, reply.html[:200]
    for row in reply.buttons:
        for button in row:
            # Exactly one of: callback data (Telegram: 1-64 bytes), a link, a share query.
            kinds = [bool(button.data), bool(button.url), button.share is not None]
            assert kinds.count(True) == 1, button
            if button.data:
                assert 0 < len(button.data.encode()) <= 64
            if button.url:
                assert button.url.startswith("https://t.me/")
            if button.share is not None:
                assert len(button.share) <= 256  # Telegram's inline query limit
            assert button.label.strip()
    assert len(reply.notice) <= 200
    return visible


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.sampled_from(sorted(STARTS)), events=st.lists(INPUTS, min_size=1, max_size=8))
def test_every_input_gets_a_valid_reply_and_keeps_the_answers(
    world: World, start: str, events: list[Input]
) -> None:
    session = STARTS[start]()
    for event in events:
        before = copy.deepcopy(session.profile)
        outcome = engine.handle(session, event, world, "en")
        assert outcome.replies, event
        for reply in outcome.replies:
            check_reply(reply)
        if outcome.effects and any(type(e).__name__ == "Erase" for e in outcome.effects):
            return
        # An answer may change one field; nothing already answered is ever blanked.
        for name in ("age", "status", "german_level", "interests"):
            if before.has(name):
                assert session.profile.has(name), (event, name)


@pytest.mark.parametrize(
    "typed",
    ["<b>Ausbildung</b> & Kfz", "</i><script>alert(1)</script>", "a & b < c > d \"e\"",
     "\u202eevil\u2069 <u>x</u>"],
)  # fmt: skip
def test_typed_text_is_echoed_escaped_and_readable(world: World, typed: str) -> None:
    """The search repeats what it did not understand: as the visible text, never as markup."""
    outcome = engine.handle(complete(), Input("text", typed), world, "en")
    visible = "\n".join(check_reply(r) for r in outcome.replies)
    assert typed.strip() in visible or "You searched for" in visible
    assert "<script>" not in "".join(r.html for r in outcome.replies)


@given(text=TEXTS)
def test_any_text_at_any_open_question_gives_valid_html(world: World, text: str) -> None:
    for make in STARTS.values():
        outcome = engine.handle(make(), Input("text", text), world, "en")
        for reply in outcome.replies:
            check_reply(reply)
