"""The small PDF pages (bot/pdf_pages.py): one page, the right paper size, every language's
letters drawn (none silently left out), Arabic shaped, right-to-left lines right-aligned with
Latin words in bidi order, shrinking and cutting to stay on one page."""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter

import pytest
import segno
from pypdf import PdfReader

from bot.pdf_pages import (
    ELLIPSIS,
    LANGUAGES,
    RTL_LANGUAGES,
    Block,
    MissingGlyphError,
    flyer_pdf,
    summary_pdf,
)

MM = 72 / 25.4  # points per mm
A4 = (595.28, 841.89)
A6 = (297.64, 419.53)
A4_MARGIN = 15 * MM

# One sentence per language, with the letters that set its alphabet apart.
SAMPLES = {
    "de": "Deine Ausbildung in Helmstedt: Beratung für junge Menschen – Mo–Fr • 5 € · Größe.",
    "en": "Your training in Helmstedt: free advice for young people – Mon–Fri • costs 5 €.",
    "fr": "Ta formation à Helmstedt : conseil gratuit – élève, où, garçon, Noël, « cœur ».",
    "tr": "Helmstedt'te mesleki eğitim: ücretsiz danışmanlık – İş, ağaç, şehir, ılık, çay.",
    "ru": "Профессиональное обучение в Хельмштедте: бесплатная консультация – съешь ещё.",
    "uk": "Професійне навчання в Гельмштедті: консультація – ґанок, їжак, єнот, п’ять.",
    "ku": "Perwerdeya pîşeyî li Helmstedtê: şêwirdariya belaş ji bo ciwanan – çêkirin.",
    "so": "Tababarka xirfadda ee Helmstedt: talo bilaash ah oo dhallinyarada – ma'lumaad.",
    "ar": "التدريب المهني (Ausbildung) في هلمشتيت: استشارة مجانية للشباب – ٥ يورو، الجمعة؟",
    "fa": "آموزش حرفه‌ای (Ausbildung) در هلمشتت: مشاوره رایگان – پ چ ژ گ ک ی، ۱۴۰۳.",
    "ps": "مسلکي زده کړه (Ausbildung) په هلمشټیټ کې: وړیا مشوره – ټ ډ ړ ږ ښ ګ ڼ ۍ ې ځ څ.",
    "ckb": "ڕاهێنانی پیشەیی (Ausbildung) لە هێلمشتێت: ڕاوێژی بەخۆڕایی – ڕ ڵ ێ ۆ ە ڤ.",
    "ti": "ሞያዊ ስልጠና (Ausbildung) ኣብ ሄልምሽተት፡ ንመንእሰያት ናጻ ምኽሪ። ሰላም፣ ከመይ ኣለኻ? ቐ ኈ ዃ",
}
FONT_OF = {"ar": "NotoSansArabic", "fa": "NotoSansArabic", "ps": "NotoSansArabic",
           "ckb": "NotoSansArabic", "ti": "NotoSansEthiopic"}  # fmt: skip
LINK = "https://t.me/lotse_bot?start=hs-2026"


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def letters(text: str) -> Counter[str]:
    """The characters that need a glyph (no spaces, no ZWNJ or bidi marks)."""
    return Counter(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")


def content(pdf: bytes) -> str:
    return reader(pdf).pages[0].get_contents().get_data().decode("latin-1")


def line_starts(pdf: bytes) -> list[tuple[float, float]]:
    """Where each text line starts (fpdf2 writes one `BT x y Td ... ET` per line), in pt."""
    return [(float(x), float(y)) for x, y in re.findall(r"BT ([\d.]+) ([\d.]+) Td", content(pdf))]


def font_sizes(pdf: bytes) -> set[float]:
    return {float(size) for size in re.findall(r"/F\d+ ([\d.]+) Tf", content(pdf))}


def runs(pdf: bytes) -> list[tuple[str, str]]:
    """(font name, text) of each text run, in the order they are drawn (left to right)."""
    found: list[tuple[str, str]] = []

    def visit(text: str, _cm: object, _tm: object, font: dict | None, _size: float) -> None:
        if text.strip() and font is not None:
            found.append((str(font["/BaseFont"]), text))

    reader(pdf).pages[0].extract_text(visitor_text=visit)
    return found


def glyph_widths(pdf: bytes, font_name: str) -> dict[int, int]:
    """The glyphs (CID -> width) a PDF's embedded font subset uses, from its /W array."""
    for ref in reader(pdf).pages[0]["/Resources"]["/Font"].values():
        font = ref.get_object()
        if font["/BaseFont"].endswith("+" + font_name):
            widths: dict[int, int] = {}
            items = list(font["/DescendantFonts"][0].get_object()["/W"])
            while items:
                first = int(items.pop(0))
                if isinstance(items[0], list):
                    for offset, width in enumerate(items.pop(0)):
                        widths[first + offset] = int(width)
                else:
                    last, width = int(items.pop(0)), int(items.pop(0))
                    widths.update(dict.fromkeys(range(first, last + 1), width))
            return widths
    raise AssertionError(f"{font_name} is not embedded")


def qr_png() -> bytes:
    out = io.BytesIO()
    segno.make(LINK, error="m").save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def german_lines(count: int) -> list[Block]:
    return [
        Block(f"Zeile {n}: Ausbildung zur Pflegefachkraft im Klinikum, Beginn im August.", "de")
        for n in range(1, count + 1)
    ]


def test_the_samples_cover_every_language_of_the_bot() -> None:
    assert set(SAMPLES) == LANGUAGES
    assert {"ar", "fa", "ps", "ckb"} == RTL_LANGUAGES


@pytest.mark.parametrize("style", ["body", "heading"])
@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_every_letter_of_every_language_is_drawn(language: str, style: str) -> None:
    # With shaping on, fpdf2 leaves out a character its fonts lack without a warning: the text
    # read back from the PDF would then miss it. Bold (heading) uses other font files.
    pdf = summary_pdf([Block(SAMPLES[language], language, style)])
    assert letters(reader(pdf).pages[0].extract_text()) == letters(SAMPLES[language])
    fonts = {font for font, _ in runs(pdf)}
    expected = FONT_OF.get(language, "NotoSans") + ("Bold" if style == "heading" else "")
    assert f"/MPDFAA+{expected}" in fonts


def test_all_languages_on_one_flyer() -> None:
    blocks = [Block("Lotse", "de", "title")] + [Block(t, lang) for lang, t in SAMPLES.items()]
    pdf = flyer_pdf(qr_png(), LINK, blocks)
    text = reader(pdf).pages[0].extract_text()
    assert letters(text) == letters("Lotse" + LINK + "".join(SAMPLES.values()))


def test_a_character_no_bundled_font_has_raises() -> None:
    with pytest.raises(MissingGlyphError, match=r"U\+4E2D"):
        summary_pdf([Block("Ausbildung 中文", "de")])
    with pytest.raises(MissingGlyphError, match=r"U\+1F514"):
        flyer_pdf(qr_png(), LINK, [Block("🔔 Erinnerung", "de", "title")])


def test_arabic_letters_are_joined() -> None:
    # Three behs in a row are drawn as initial, medial and final forms: three glyphs. Without
    # shaping each would be the one isolated form.
    isolated = glyph_widths(summary_pdf([Block("ب", "ar")]), "NotoSansArabic")
    joined = glyph_widths(summary_pdf([Block("ببب", "ar")]), "NotoSansArabic")
    blank = {0, 32}  # .notdef and space, always in the subset
    assert len(set(isolated) - blank) == 1
    assert len(set(joined) - blank) == 3
    assert len(set(joined.values())) > len(set(isolated.values()))


def test_lam_alef_becomes_one_ligature() -> None:
    widths = glyph_widths(summary_pdf([Block("لا", "ar")]), "NotoSansArabic")
    assert len(set(widths) - {0, 32}) == 1


def test_a_latin_word_in_an_arabic_line_comes_left_of_the_arabic_before_it() -> None:
    pdf = summary_pdf([Block("التدريب المهني (Ausbildung)", "ar")])
    drawn = [(font.split("+")[1], text.strip()) for font, text in runs(pdf)]
    latin = next(i for i, (font, text) in enumerate(drawn) if "Ausbildung" in text)
    arabic = next(i for i, (font, text) in enumerate(drawn) if "التدريب" in text)
    assert drawn[latin][0] == "NotoSans"
    assert drawn[arabic][0] == "NotoSansArabic"
    assert latin < arabic  # drawn from the left: the Latin word is at the line's left end


def test_the_bots_unicode_isolates_are_not_drawn_and_keep_the_order() -> None:
    # bot/core/bidi.py wraps German names in FSI ... PDI; no bundled font draws those marks.
    pdf = summary_pdf([Block("التدريب المهني \u2068Ausbildung 2026\u2069 في هلمشتيت", "ar")])
    assert letters(reader(pdf).pages[0].extract_text()) == letters(
        "التدريب المهني Ausbildung 2026 في هلمشتيت"
    )
    drawn = [text for _, text in runs(pdf)]
    latin = next(i for i, text in enumerate(drawn) if "Ausbildung" in text)
    assert any("هلمشتيت" in text for text in drawn[:latin])  # the line's end is on the left
    assert any("التدريب" in text for text in drawn[latin + 1 :])


def test_right_to_left_blocks_are_right_aligned_and_others_left() -> None:
    pdf = summary_pdf([Block("مرحبا", "ar"), Block("Hallo", "de"), Block("سلام", "fa")])
    (ar_x, _), (de_x, _), (fa_x, _) = line_starts(pdf)
    assert de_x == pytest.approx(A4_MARGIN, abs=0.1)
    # A short word set from the right margin starts far right of the left one.
    assert ar_x > A4[0] - A4_MARGIN - 60
    assert fa_x > A4[0] - A4_MARGIN - 60


def test_long_text_wraps_inside_the_margins() -> None:
    text = " ".join(["Berufsausbildung"] * 60)
    pdf = summary_pdf([Block(text, "de"), Block(" ".join(["التدريب"] * 60), "ar")])
    starts = line_starts(pdf)
    assert len(starts) > 6
    assert all(A4_MARGIN - 0.1 <= x < A4[0] - A4_MARGIN for x, _ in starts)
    page_text = reader(pdf).pages[0].extract_text()
    assert page_text.count("Berufsausbildung") == 60
    assert page_text.count("التدريب") == 60


def test_the_summary_is_one_a4_page_with_a_title() -> None:
    blocks = [Block("ملخص عروضك", "ar", "title"), Block("Zusammenfassung", "de", "heading")]
    pdf = reader(summary_pdf([*blocks, *german_lines(5)]))
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4, abs=0.1)
    assert pdf.metadata is not None and pdf.metadata.title == "ملخص عروضك"


def test_the_summary_is_deterministic() -> None:
    blocks = [Block("Titel", "de", "title"), Block(SAMPLES["ar"], "ar"), *german_lines(3)]
    assert summary_pdf(blocks) == summary_pdf(blocks)


def test_a_summary_shrinks_the_text_before_it_drops_anything() -> None:
    few, many = summary_pdf(german_lines(5)), summary_pdf(german_lines(55))
    assert font_sizes(few) == {10.5}
    (size,) = font_sizes(many)
    assert 7 <= size < 10.5
    text = reader(many).pages[0].extract_text()
    assert "Zeile 55:" in text
    assert ELLIPSIS not in text


@pytest.mark.parametrize("count", [40, 80, 100, 400])
def test_a_long_summary_stays_on_one_page_and_ends_with_an_ellipsis(count: int) -> None:
    blocks = [Block("Deine Angebote", "de", "title")]
    for n, line in enumerate(german_lines(count)):
        blocks += [Block(f"التدريب المهني (Ausbildung) رقم {n + 1}", "ar", "heading"), line]
    pdf = summary_pdf(blocks)
    page = reader(pdf).pages[0]
    assert len(reader(pdf).pages) == 1
    assert min(y for _, y in line_starts(pdf)) >= A4_MARGIN  # no line below the bottom margin
    assert page.extract_text().rstrip().endswith(ELLIPSIS)
    assert min(font_sizes(pdf)) >= 7 * 0.8  # "small" at the minimum body size
    assert "Zeile 1:" in page.extract_text()


def test_a_page_stays_whole_when_the_wrapping_estimate_is_too_optimistic(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The size is chosen from estimated line counts; fpdf2's real wrapping decides. If the
    # estimate takes lines as 40 % longer than they are, the page is drawn again smaller.
    monkeypatch.setattr("bot.pdf_pages._ESTIMATE_SLACK", 1.4)
    for count in (45, 90):
        pdf = summary_pdf(german_lines(count))
        assert len(reader(pdf).pages) == 1
        assert min(y for _, y in line_starts(pdf)) >= A4_MARGIN


def test_a_summary_of_nothing_is_an_empty_page() -> None:
    assert len(reader(summary_pdf([])).pages) == 1


def test_the_flyer_is_one_a6_page_with_one_qr_code_of_57_mm() -> None:
    blocks = [Block("Lotse", "de", "title"), Block("Scanne den Code.", "de"),
              Block(SAMPLES["ar"], "ar"), Block(SAMPLES["ti"], "ti")]  # fmt: skip
    pdf = flyer_pdf(qr_png(), LINK, blocks)
    page = reader(pdf).pages[0]
    assert len(reader(pdf).pages) == 1
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A6, abs=0.1)
    xobjects = page["/Resources"]["/XObject"]
    assert [xobjects[name].get_object()["/Subtype"] for name in xobjects] == ["/Image"]
    (width,) = re.findall(r"([\d.]+) 0 0 [\d.]+ [\d.]+ [\d.]+ cm /I\d+ Do", content(pdf))
    assert 55 * MM <= float(width) <= 60 * MM
    # Title above the QR code, the link and the other blocks below it.
    text = page.extract_text()
    assert text.index("Lotse") < text.index(LINK) < text.index("Scanne den Code.")


def test_the_link_stays_left_to_right_under_an_arabic_title() -> None:
    pdf = flyer_pdf(qr_png(), LINK, [Block("لوتسه", "ar", "title"), Block("مرحبا", "ar")])
    assert LINK in reader(pdf).pages[0].extract_text()


def test_a_flyer_with_too_many_blocks_is_cut_with_an_ellipsis() -> None:
    pdf = flyer_pdf(qr_png(), LINK, [Block("Lotse", "de", "title"), *german_lines(60)])
    assert len(reader(pdf).pages) == 1
    text = reader(pdf).pages[0].extract_text()
    assert text.rstrip().endswith(ELLIPSIS)
    assert LINK in text
    assert min(y for _, y in line_starts(pdf)) >= 7 * MM


def test_a_flyer_whose_title_cannot_fit_raises() -> None:
    with pytest.raises(ValueError, match="do not fit"):
        flyer_pdf(qr_png(), LINK, [Block("Ausbildung " * 200, "de", "title")])


def test_blocks_check_their_language_and_style() -> None:
    with pytest.raises(ValueError, match="language"):
        Block("Hallo", "de-DE")
    with pytest.raises(ValueError, match="style"):
        Block("Hallo", "de", "huge")
    with pytest.raises(ValueError, match="title"):
        flyer_pdf(qr_png(), LINK, [])
