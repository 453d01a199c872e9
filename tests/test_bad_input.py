"""Any text, any button data, any order: the core answers politely and loses nothing."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import engine
from bot.core.dialogue_io import Input
from bot.core.profile import Profile, Session
from bot.core.world import World

NASTY = st.sampled_from(
    [
        "", " ", "\u202e\u2066evil\u2069", "<b>", "&amp;", "</b><script>", "\x00\x07", "😀" * 500,
        "a" * 5000, "/start", "/" , "17", "١٧", "\n\n", "s:age:17", "o:", "‹ Back",
    ]
)  # fmt: skip
TEXTS = st.one_of(st.text(max_size=300), NASTY)
INPUTS = st.one_of(
    TEXTS.map(lambda t: Input("text", t)),
    st.one_of(st.text(max_size=80), NASTY, st.sampled_from(["b", "p:0", "p:-1", "p:999999",
              "o:NOPE", "x:yes", "e:", "e:nope", "t:interests:zzz", "d:interests",
              "s:place:atlantis", "s:language:xx", "l:1", "l:x", "w:EV-T-1", "w:NOPE",
              "r:EV-T-1", "r:EV-T-5", "r:EV-T-6", "u:EV-T-1", "u:NOPE", "c:EV-T-4",
              "c:NOPE", "g:EV-T-1:yes", "g:EV-T-1:maybe", "g:NOPE:no", "g:", "r:", "w:"])
              ).map(lambda d: Input("button", d)),
    st.sampled_from(["start", "offers", "profile", "language", "privacy", "help", "nope",
                     "resume", "events", "saved", ""]).map(lambda c: Input("command", c)),
    st.tuples(st.floats(-90, 90), st.floats(-180, 180)).map(
        lambda p: Input("location", latitude=p[0], longitude=p[1])
    ),
    st.just(Input("unsupported")),
)  # fmt: skip


def answered() -> Session:
    return Session(
        language="en",
        consented=True,
        step="place",
        history=["language", "consent", "age", "residence_status", "german_level"],
        profile=Profile(age=18, status="duldung", german_level="A2"),
    )


def complete() -> Session:
    session = answered()
    session.step, session.history = None, []
    session.profile.place, session.profile.interests = "helmstedt", ("german_course", "sport")
    return session


@settings(max_examples=300)
@given(events=st.lists(INPUTS, min_size=1, max_size=8), done=st.booleans())
def test_every_input_gets_a_reply_and_valid_buttons(
    world: World, events: list[Input], done: bool
) -> None:
    session = complete() if done else answered()
    for event in events:
        before = copy.deepcopy(session.profile)
        outcome = engine.handle(session, event, world, "en")
        assert outcome.replies, event
        for reply in outcome.replies:
            assert reply.html.strip()
            assert len(reply.html) < (1024 if reply.attachment else 4096)  # caption limit
            for row in reply.buttons:
                for button in row:
                    assert 0 < len(button.data.encode()) <= 64
                    assert button.label.strip()
        if outcome.erase:
            return
        # An answer may change one field; nothing already answered is ever blanked.
        for name in ("age", "status", "german_level"):
            if before.get(name) is not None:
                assert session.profile.get(name) is not None, (event, name)


@given(text=TEXTS)
def test_user_text_is_escaped_wherever_it_is_echoed(world: World, text: str) -> None:
    session = answered()
    outcome = engine.handle(session, Input("text", text), world, "en")
    for reply in outcome.replies:
        assert "<script>" not in reply.html
