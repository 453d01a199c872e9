"""Telegram's HTML parse mode, parsed as strictly as Telegram does (see `parse_text`)."""

from __future__ import annotations

import re

from tests.support.fake_bot_api.common import JSON, bad_request, utf16_len


class TelegramHTMLError(ValueError):
    """The text is not valid for parse_mode=HTML; str(exc) is Telegram's detail message."""


_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8}));")
_NAME = r"[a-zA-Z][a-zA-Z0-9-]*"
_ATTR = r"""[a-zA-Z][a-zA-Z0-9_-]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?"""
_START_TAG_RE = re.compile(rf"<({_NAME})((?:\s+{_ATTR})*)\s*>")
_END_TAG_RE = re.compile(rf"</({_NAME})\s*>")
_ATTR_RE = re.compile(
    r"""([a-zA-Z][a-zA-Z0-9_-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?"""
)
_TAG_NAME_RE = re.compile(r"</?([^\s>/]*)")


def _byte_offset(text: str, index: int) -> int:
    # Telegram reports positions as UTF-8 byte offsets.
    return len(text[:index].encode("utf-8"))


def _decode_entities(text: str, where: int, source: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] != "&":
            out.append(text[i])
            i += 1
            continue
        match = _ENTITY_RE.match(text, i)
        code = None
        if match and match.group(1):
            out.append(_NAMED_ENTITIES[match.group(1)])
        elif match:
            code = int(match.group(2) or match.group(3), 10 if match.group(2) else 16)
        if match is None or (code is not None and not _valid_code_point(code)):
            raise TelegramHTMLError(
                f"Unsupported HTML entity at byte offset {_byte_offset(source, where + i)}"
            )
        if code is not None:
            out.append(chr(code))
        i = match.end()
    return "".join(out)


def _valid_code_point(code: int) -> bool:
    return 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF


def parse_telegram_html(source: str) -> tuple[str, list[JSON]]:
    """Parse text like Telegram does for parse_mode=HTML: (visible text, message entities).

    Raises TelegramHTMLError for unknown tags, misnested or unclosed tags, a raw ``<``, and any
    ``&`` that is not one of &lt; &gt; &amp; &quot; or a numeric character reference.
    """
    out: list[str] = []
    pos = 0  # UTF-16 position in the visible text
    stack: list[tuple[str, dict[str, str], int]] = []
    entities: list[JSON] = []
    i = 0
    n = len(source)
    while i < n:
        char = source[i]
        if char == "&":
            match = _ENTITY_RE.match(source, i)
            end = match.end() if match else i + 1
            decoded = _decode_entities(source[i:end], i, source)
            out.append(decoded)
            pos += utf16_len(decoded)
            i = end
            continue
        if char != "<":
            # Copy a run of plain characters at once.
            j = i
            while j < n and source[j] not in "<&":
                j += 1
            out.append(source[i:j])
            pos += utf16_len(source[i:j])
            i = j
            continue
        offset = _byte_offset(source, i)
        if source.startswith("</", i):
            match = _END_TAG_RE.match(source, i)
            if match is None:
                raise TelegramHTMLError(f"Unexpected end tag at byte offset {offset}")
            name = match.group(1).lower()
            if not stack:
                raise TelegramHTMLError(f"Unexpected end tag at byte offset {offset}")
            open_name, attrs, start = stack.pop()
            if open_name != name:
                raise TelegramHTMLError(
                    f'Unmatched end tag at byte offset {offset}, expected "</{open_name}>", '
                    f'found "</{name}>"'
                )
            _close_entity(open_name, attrs, start, pos, stack, entities)
            i = match.end()
            continue
        match = _START_TAG_RE.match(source, i)
        if match is None or match.group(1).lower() not in _ENTITY_TYPES:
            bad = _TAG_NAME_RE.match(source, i)
            name = bad.group(1) if bad else ""
            raise TelegramHTMLError(f'Unsupported start tag "{name}" at byte offset {offset}')
        name = match.group(1).lower()
        attrs = {
            a.group(1).lower(): _decode_entities(
                next((g for g in a.group(2, 3, 4) if g is not None), ""), i, source
            )
            for a in _ATTR_RE.finditer(match.group(2))
        }
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise TelegramHTMLError('Tag "span" must have class "tg-spoiler"')
        if name == "tg-emoji" and not attrs.get("emoji-id"):
            raise TelegramHTMLError('Tag "tg-emoji" must have attribute "emoji-id"')
        stack.append((name, attrs, pos))
        i = match.end()
    if stack:
        raise TelegramHTMLError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _close_entity(
    name: str,
    attrs: dict[str, str],
    start: int,
    end: int,
    stack: list[tuple[str, dict[str, str], int]],
    entities: list[JSON],
) -> None:
    kind = _ENTITY_TYPES[name]
    entity: JSON = {"type": kind, "offset": start, "length": end - start}
    if name == "a":
        if not attrs.get("href"):
            return  # Telegram keeps the text and drops a link without a target.
        entity["url"] = attrs["href"]
    elif name == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif name == "tg-emoji":
        entity["custom_emoji_id"] = attrs["emoji-id"]
    elif name == "code" and stack and stack[-1][0] == "pre":
        language = attrs.get("class", "")
        if language.startswith("language-"):
            # <pre><code class="language-x"> is one pre entity with a language.
            stack[-1][1]["language"] = language.removeprefix("language-")
            return
    elif name == "pre" and attrs.get("language"):
        entity["language"] = attrs["language"]
    if entity["length"] > 0:
        entities.append(entity)


def _strip(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    # Telegram trims leading and trailing whitespace and shifts/clips the entities to match.
    stripped = text.strip()
    if not stripped:
        return "", []
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    kept: list[JSON] = []
    for entity in entities:
        start = max(0, entity["offset"] - lead)
        end = min(total, entity["offset"] + entity["length"] - lead)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def parse_text(
    raw: str, parse_mode: str | None, *, limit: int, caption: bool = False
) -> tuple[str, list[JSON]]:
    """Visible text and entities of a message text or caption, validated like Telegram."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            text, entities = parse_telegram_html(raw)
        except TelegramHTMLError as exc:
            raise bad_request(f"can't parse entities: {exc}") from exc
    elif mode in ("", "markdown", "markdownv2"):
        # Markdown is not parsed (Lotse uses HTML); the raw text is what gets counted.
        text, entities = raw, []
    else:
        raise bad_request("unsupported parse_mode")
    text, entities = _strip(text, entities)
    if not text and not caption:
        raise bad_request("message text is empty")
    if utf16_len(text) > limit:
        raise bad_request("message caption is too long" if caption else "message is too long")
    return text, entities
