"""/feedback (conversations/feedback.toml): a rating counted without names, and an optional
comment kept without the person's id."""

from __future__ import annotations

from bot.core.effects import Count, KeepComment
from bot.core.interpreter import Result
from bot.core.turn import Turn


def feedback(turn: Turn, result: Result) -> None:
    if result.cancelled:
        turn.note(turn.t.gettext("Okay, no feedback this time."))
        return
    rating = str(result.values.get("rating") or "")
    if rating:
        turn.effect(Count("feedback_rating", turn.district, rating))
    comment = result.values.get("comment")
    if isinstance(comment, str) and comment:
        turn.effect(KeepComment(comment, turn.session.language or ""))
    turn.note(turn.t.gettext("Thank you! Your feedback helps to make Lotse better."))


RESULTS = {"feedback": feedback}
