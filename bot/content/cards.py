"""Loading the answer cards: `data/cards/cards.toml` (legal basis, sources, checked on,
category) and `data/cards/<lang>.toml` (title, text, terms, examples, paragraphs per status
and state), checked with every problem named as `file: card.field: problem`."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import PurePosixPath

from bot.content.files import Files
from bot.content.rules import STATES
from bot.core.cards import Card, CardText
from bot.core.keys import INTERESTS, STATUS_UNKNOWN, STATUSES

STATUS_KEYS = (*STATUSES, STATUS_UNKNOWN)
MAX_TEXT = 1200  # characters: a card must fit one message with its sources


def _read(files: Files, path: str, problems: list[str]) -> dict:
    try:
        return tomllib.loads(files.read(path) or "")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        problems.append(f"{files.where(path)}: file: cannot be read ({exc})")
        return {}


def _strings(raw: object, where: str, problems: list[str], required: bool) -> tuple[str, ...]:
    if raw is None and not required:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
        problems.append(f"{where}: must be a list of texts")
        return ()
    if required and not raw:
        problems.append(f"{where}: must not be empty")
    return tuple(x.strip() for x in raw)


def _paragraphs(raw: object, keys: tuple[str, ...], where: str, problems: list[str]) -> dict:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be a table")
        return {}
    for key, value in raw.items():
        if key not in keys:
            problems.append(f"{where}.{key}: {key!r} is not one of {', '.join(keys)}")
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}.{key}: must be a text")
    return {k: v.strip() for k, v in raw.items() if k in keys and isinstance(v, str)}


def _card_text(raw: object, where: str, problems: list[str]) -> CardText | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be a table")
        return None
    title, text = raw.get("title"), raw.get("text")
    for name, value in (("title", title), ("text", text)):
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}.{name}: is required")
    if isinstance(text, str) and len(text) > MAX_TEXT:
        problems.append(f"{where}.text: {len(text)} characters, at most {MAX_TEXT}")
    for key in raw:
        if key not in ("title", "text", "terms", "examples", "by_status", "by_state"):
            problems.append(f"{where}.{key}: unknown field")
    return CardText(
        str(title or "").strip(),
        str(text or "").strip(),
        _strings(raw.get("terms"), f"{where}.terms", problems, required=True),
        _strings(raw.get("examples"), f"{where}.examples", problems, required=False),
        _paragraphs(raw.get("by_status"), STATUS_KEYS, f"{where}.by_status", problems),
        _paragraphs(raw.get("by_state"), STATES, f"{where}.by_state", problems),
    )


def load_cards(files: Files, folder: str, problems: list[str]) -> dict[str, Card]:
    """An absent folder means no cards."""
    paths = files.paths(folder, ".toml")
    index = f"{folder}/cards.toml"
    if not paths:
        return {}
    if index not in paths:
        problems.append(f"{files.where(index)}: file: missing (it lists every card's legal basis)")
        return {}
    texts: dict[str, dict[str, CardText]] = {}
    for path in paths:
        if path == index:
            continue
        language = PurePosixPath(path).stem
        for card_id, raw in _read(files, path, problems).items():
            text = _card_text(raw, f"{files.where(path)}: {card_id}", problems)
            if text is not None:
                texts.setdefault(card_id, {})[language] = text
    cards: dict[str, Card] = {}
    for card_id, raw in _read(files, index, problems).items():
        where = f"{files.where(index)}: {card_id}"
        if not isinstance(raw, dict):
            problems.append(f"{where}: must be a table")
            continue
        sources = _strings(raw.get("sources"), f"{where}.sources", problems, required=True)
        for source in sources:
            if not source.startswith("https://"):
                problems.append(f"{where}.sources: {source!r} must start with https://")
        checked = raw.get("checked_on")
        if not isinstance(checked, date):
            problems.append(f"{where}.checked_on: must be a date like 2026-12-01")
        legal = raw.get("legal_basis")
        if not isinstance(legal, str) or not legal.strip():
            problems.append(f"{where}.legal_basis: is required")
        category = raw.get("category", "")
        if category and category not in INTERESTS:
            problems.append(f"{where}.category: {category!r} is not an interest key")
        if card_id not in texts:
            problems.append(f"{where}: no language file has this card")
        cards[card_id] = Card(
            card_id, str(legal or "").strip(), sources,
            checked if isinstance(checked, date) else date.min,
            bool(raw.get("needs_verification", False)), str(category), texts.get(card_id, {}),
        )  # fmt: skip
    for card_id in texts.keys() - cards.keys():
        problems.append(
            f"{files.where(index)}: {card_id}: a language file has it, cards.toml does not"
        )
    return cards
