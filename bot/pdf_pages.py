"""Small PDF pages in every language of the bot: an A6 flyer with a QR code and a one-page A4
summary. Drawn with fpdf2; HarfBuzz (uharfbuzz) shapes the text, so Arabic-script letters are
joined, and fpdf2's bidi algorithm puts Latin words inside right-to-left lines in the right
order ("التدريب المهني (Ausbildung)").

The fonts are bundled in `bot/fonts/` (Noto Sans, Noto Sans Arabic, Noto Sans Ethiopic, regular
and bold; see its README), so a page looks the same on every machine. A block is set in the
font of its language's script; a character that font lacks comes from the others (fpdf2's
fallback fonts), so Latin words in Arabic or Tigrinya lines work.

A character that no bundled font has (Chinese, emoji, ...) raises `MissingGlyphError` before
anything is drawn. With shaping on, fpdf2 would silently leave it out (it only logs a warning,
and only when shaping is off); a flyer with missing letters is worse than an error, so callers
strip such characters (e.g. emoji from button texts) before they make a page.

Fitting on one page: the sizes of all styles shrink together in steps from the page's normal
body size down to its minimum. Line wrapping is estimated from word widths (each word shaped
once); the page is then drawn by fpdf2 and, should its real wrapping take more room than the
estimate, drawn again one step smaller. At the minimum size trailing blocks are dropped and a
last line "…" says so.

fpdf2 keeps per-document state in its font objects (the subset, and at output it subsets the
fontTools font in place), so each document adds the bundled fonts anew (lazily parsed, a few
milliseconds per face, only the faces the document needs); what is read once per process and
cached is which characters each font has.

One module, over 300 lines: fonts, fitting and drawing share one layout model (the estimate
must measure exactly as the drawing does).
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import uharfbuzz
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

FONT_DIR = Path(__file__).parent / "fonts"

LANGUAGES = frozenset(
    {"de", "en", "fr", "tr", "ru", "uk", "ku", "so", "ar", "fa", "ps", "ckb", "ti"}
)
RTL_LANGUAGES = frozenset({"ar", "fa", "ps", "ckb"})
STYLES = ("title", "heading", "body", "small")
ELLIPSIS = "…"

# fpdf2 family name -> file name stem in bot/fonts/ (each has -Regular.ttf and -Bold.ttf).
# The family names are lower case: fpdf2 finds a fallback font's faces by removing the style
# letters "B" and "I" from the font keys ("notoarabicB").
_FAMILIES = {"notosans": "NotoSans", "notoarabic": "NotoSansArabic",
             "notoethiopic": "NotoSansEthiopic"}  # fmt: skip
_SCRIPT_FAMILY = {"ar": "notoarabic", "fa": "notoarabic", "ps": "notoarabic",
                  "ckb": "notoarabic", "ti": "notoethiopic"}  # fmt: skip
_LATIN = "notosans"

# Font size of each style as a multiple of the page's body size; line height per font size.
_SCALE = {"title": 1.6, "heading": 1.2, "body": 1.0, "small": 0.8}
_BOLD = frozenset({"title", "heading"})
_LINE = 1.45
_PT = 25.4 / 72  # one point in mm
# The estimate wraps as if lines were this much shorter, so it errs towards more lines.
_ESTIMATE_SLACK = 0.98
_QR_WIDTH = 57.0  # mm
# No real creation date, so the same input gives the same bytes.
_FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)


class MissingGlyphError(ValueError):
    """A text has characters that none of the bundled fonts can draw."""


@dataclass(frozen=True)
class Block:
    """One paragraph in one language."""

    text: str
    language: str
    style: str = "body"  # "title", "heading", "body", "small"

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ValueError(f"unknown language {self.language!r}")
        if self.style not in STYLES:
            raise ValueError(f"unknown style {self.style!r}, expected one of {STYLES}")


@dataclass(frozen=True)
class _Image:
    png: bytes
    width: float  # mm; the image is square


@dataclass(frozen=True)
class _Link:
    text: str


_Item = Block | _Image | _Link


@dataclass(frozen=True)
class _Page:
    size: tuple[float, float]  # width, height in mm
    margin: float  # mm
    body_pt: float  # the body size when everything fits
    min_pt: float  # the smallest body size, before blocks are dropped
    step_pt: float = 0.5


_A4 = _Page((210, 297), margin=15, body_pt=10.5, min_pt=7)
_A6 = _Page((105, 148), margin=7, body_pt=9, min_pt=6)


def _font_file(family: str, bold: bool) -> Path:
    return FONT_DIR / f"{_FAMILIES[family]}-{'Bold' if bold else 'Regular'}.ttf"


@cache
def _coverage(family: str, bold: bool) -> frozenset[int]:
    """The code points a bundled font has (read once per process)."""
    face = uharfbuzz.Face(uharfbuzz.Blob.from_file_path(_font_file(family, bold)))
    return frozenset(face.unicodes)


def _drawn(char: str) -> bool:
    """Whether a character needs a glyph: not line breaks, controls or format characters
    (ZWNJ, bidi marks, soft hyphen), which HarfBuzz and fpdf2 handle without one."""
    return char != "\n" and unicodedata.category(char) not in ("Cc", "Cf")


def _check_glyphs(block: Block) -> None:
    bold = block.style in _BOLD
    missing = sorted(
        {
            char
            for char in block.text
            if _drawn(char)
            and not any(ord(char) in _coverage(family, bold) for family in _FAMILIES)
        }
    )
    if missing:
        shown = ", ".join(f"{char!r} (U+{ord(char):04X})" for char in missing[:10])
        raise MissingGlyphError(
            f"no bundled font can draw {shown} in this {block.language} text: {block.text!r}"
        )


def _primary(language: str) -> str:
    return _SCRIPT_FAMILY.get(language, _LATIN)


def _faces(items: Sequence[_Item]) -> set[tuple[str, bool]]:
    """The font faces (family, bold) a page may need: each block's own font, the fonts of the
    characters it lacks, and the regular Latin font for the link and the "…" line."""
    faces = {(_LATIN, False)}
    for item in items:
        if not isinstance(item, Block):
            continue
        bold = item.style in _BOLD
        primary = _primary(item.language)
        faces.update({(primary, bold), (primary, False)})  # regular: a "…" in its language
        for char in {char for char in item.text if _drawn(char)}:
            if ord(char) not in _coverage(primary, bold):
                faces.update((family, bold) for family in _FAMILIES)
                break
    return faces


def _new_pdf(page: _Page, faces: set[tuple[str, bool]], title: str, language: str) -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format=page.size)
    for family, bold in sorted(faces):
        pdf.add_font(family, "B" if bold else "", _font_file(family, bold))
    pdf.set_margins(page.margin, page.margin, page.margin)
    pdf.set_auto_page_break(False)
    pdf.c_margin = 0
    pdf.set_creation_date(_FIXED_DATE)
    pdf.set_creator("Lotse")
    pdf.set_producer("Lotse")
    pdf.set_title(title)
    pdf.set_lang(language)
    pdf.add_page()
    return pdf


class _Layout:
    """Measures and draws items from the top of one page down, at a given body size."""

    def __init__(self, pdf: FPDF, page: _Page, widths: dict[tuple[str, ...], float]) -> None:
        self.pdf = pdf
        self.page = page
        self.width = pdf.epw
        self.room = pdf.h - 2 * page.margin
        self.bottom = pdf.h - page.margin
        self.widths = widths  # (word, language, bold) -> width in mm at 1 pt

    def _select(self, item: Block | _Link, body_pt: float) -> tuple[float, str, Align]:
        """Sets font, fallbacks and shaping for `item`; returns its size, text and alignment."""
        if isinstance(item, _Link):
            language, rtl, style, text = "en", False, "small", item.text
        else:
            language, style, text = item.language, item.style, item.text
            rtl = language in RTL_LANGUAGES
        size = _SCALE[style] * body_pt
        bold = style in _BOLD
        family = _primary(language)
        pdf = self.pdf
        pdf.set_font(family, "B" if bold else "", size)
        style_letter = "B" if bold else ""
        pdf.set_fallback_fonts(
            [name for name in _FAMILIES if name != family and name + style_letter in pdf.fonts],
            exact_match=True,
        )
        pdf.set_text_shaping(True, direction="rtl" if rtl else "ltr", language=language)
        if isinstance(item, _Link):
            return size, text, Align.C
        return size, text, Align.R if rtl else Align.L

    def gap_before(self, item: _Item, body_pt: float, first: bool) -> float:
        if first:
            return 0
        if isinstance(item, Block) and item.style == "heading":
            return 0.9 * body_pt * _PT
        if isinstance(item, _Image | _Link):
            return 0.6 * body_pt * _PT
        return 0.35 * body_pt * _PT

    def _width(self, word: str, key: tuple[str, ...]) -> float:
        """The width of `word` in mm at 1 pt, in the font selected for `key`."""
        width = self.widths.get(key)
        if width is None:
            width = self.pdf.get_string_width(word) / self.pdf.font_size_pt
            self.widths[key] = width
        return width

    def estimate(self, item: _Item, body_pt: float) -> float:
        """The height of `item` in mm, wrapping greedily at spaces like fpdf2 does."""
        if isinstance(item, _Image):
            return item.width
        size, text, _ = self._select(item, body_pt)
        tag = (item.language, item.style) if isinstance(item, Block) else ("link",)
        line_width = self.width * _ESTIMATE_SLACK
        space = self._width(" ", (" ", *tag)) * size
        lines = 0
        for paragraph in text.split("\n"):
            lines += 1
            used = 0.0
            for word in paragraph.split(" "):
                width = self._width(word, (word, *tag)) * size if word else 0.0
                if used and used + space + width <= line_width:
                    used += space + width
                    continue
                if used:
                    lines += 1
                # A word longer than a line is broken across lines.
                extra = max(0, math.ceil(width / line_width) - 1)
                lines += extra
                used = width - extra * line_width
        return lines * size * _LINE * _PT

    def fitting(self, items: Sequence[_Item], body_pt: float, room: float) -> int:
        """By the estimate: how many of `items`, from the first, fit into `room` (mm)."""
        used = 0.0
        for index, item in enumerate(items):
            used += self.gap_before(item, body_pt, index == 0) + self.estimate(item, body_pt)
            if used > room:
                return index
        return len(items)

    def draw(self, items: Sequence[_Item], body_pt: float) -> None:
        pdf = self.pdf
        for index, item in enumerate(items):
            pdf.set_y(pdf.get_y() + self.gap_before(item, body_pt, index == 0))
            if isinstance(item, _Image):
                x = (pdf.w - item.width) / 2
                pdf.image(io.BytesIO(item.png), x=x, y=pdf.get_y(), w=item.width, h=item.width)
                pdf.set_y(pdf.get_y() + item.width)
                continue
            size, text, align = self._select(item, body_pt)
            pdf.set_x(self.page.margin)
            pdf.multi_cell(self.width, size * _LINE * _PT, text, align=align,
                           new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip


def _cut_mark(first_dropped: _Item) -> Block:
    """The "…" line, aligned like the first block that was left out."""
    language = first_dropped.language if isinstance(first_dropped, Block) else "de"
    return Block(ELLIPSIS, language)


def _plan(layout: _Layout, items: Sequence[_Item], body_pt: float) -> tuple[float, int]:
    """The largest body size (not above `body_pt`) at which all items fit by the estimate, or
    the minimum size and how many items fit there above a "…" line."""
    page = layout.page
    while body_pt > page.min_pt and layout.fitting(items, body_pt, layout.room) < len(items):
        body_pt = max(page.min_pt, body_pt - page.step_pt)
    if layout.fitting(items, body_pt, layout.room) == len(items):
        return body_pt, len(items)
    mark = Block(ELLIPSIS, "de")
    mark_height = layout.gap_before(mark, body_pt, False) + layout.estimate(mark, body_pt)
    return body_pt, layout.fitting(items, body_pt, layout.room - mark_height)


def _close_fonts(pdf: FPDF) -> None:
    """fontTools reads the font files lazily and keeps them open: close them with the page."""
    for font in pdf.fonts.values():
        ttfont = getattr(font, "ttfont", None)
        if ttfont is not None:
            ttfont.close()


def _render(page: _Page, items: Sequence[_Item], keep: int, title: str, language: str) -> bytes:
    """One page with `items` from the top, shrunk or cut to fit (see the module docstring).
    The first `keep` items are never dropped: if they do not fit, ValueError."""
    for item in items:
        if isinstance(item, Block):
            _check_glyphs(item)
    faces = _faces([*items, Block(ELLIPSIS, "de")])
    widths: dict[tuple[str, ...], float] = {}
    made: list[FPDF] = []

    def fresh() -> _Layout:
        made.append(_new_pdf(page, faces, title, language))
        return _Layout(made[-1], page, widths)

    try:
        layout = fresh()
        body_pt, count = _plan(layout, items, page.body_pt)
        while True:
            if count < keep:
                raise ValueError("the page's fixed parts do not fit even at the smallest size")
            shown = list(items[:count])
            if count < len(items):
                shown.append(_cut_mark(items[count]))
            layout.draw(shown, body_pt)
            if layout.pdf.get_y() <= layout.bottom + 0.01:
                return bytes(layout.pdf.output())
            # fpdf2 wrapped into more lines than estimated: one step smaller, on a fresh page.
            layout = fresh()
            if body_pt > page.min_pt:
                body_pt, count = _plan(layout, items, max(page.min_pt, body_pt - page.step_pt))
            else:
                count -= 1
    finally:
        for pdf in made:
            _close_fonts(pdf)


def flyer_pdf(qr_png: bytes, link: str, blocks: Sequence[Block]) -> bytes:
    """An A6 portrait flyer, one page: `blocks[0]` as the title at the top, the QR code (a PNG
    from segno) about 55-60 mm wide in the middle, the link printed small under it (always
    LTR), then the other blocks (German first, then other languages), each in its direction."""
    if not blocks:
        raise ValueError("a flyer needs at least its title block")
    title = blocks[0]
    if title.style != "title":
        title = Block(title.text, title.language, "title")
    items: list[_Item] = [title, _Image(qr_png, _QR_WIDTH), _Link(link), *blocks[1:]]
    return _render(_A6, items, keep=3, title=title.text, language=title.language)


def summary_pdf(blocks: Sequence[Block]) -> bytes:
    """An A4 portrait page, one page only: blocks in order (title, headings, body lines in the
    reader's language followed by the German version). If they do not fit at the normal size,
    the font size shrinks step by step down to a minimum (e.g. 7 pt); if it still does not fit,
    trailing blocks are dropped and a last line "…" shows that the page was cut."""
    title = blocks[0].text if blocks else ""
    language = blocks[0].language if blocks else "de"
    return _render(_A4, list(blocks), keep=0, title=title, language=language)
