"""Unicode isolates, so that left-to-right fragments read correctly inside right-to-left text."""

from __future__ import annotations

import html
import re

FSI = "\u2068"  # FIRST STRONG ISOLATE
LSI = "\u2066"  # LEFT-TO-RIGHT ISOLATE
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE

RTL_LANGUAGES = frozenset({"ar", "fa", "fa_AF", "ps", "ckb", "ur"})


def is_rtl(language: str) -> bool:
    return language in RTL_LANGUAGES or language.split("_")[0] in {"ar", "fa", "ps", "ckb", "ur"}


def isolate(fragment: str) -> str:
    """Wrap a fragment (German name, address, number, URL) so it keeps its own direction."""
    if not fragment or (fragment.startswith(FSI) and fragment.endswith(PDI)):
        return fragment
    return f"{FSI}{fragment}{PDI}"


def strip_isolates(text: str) -> str:
    return text.replace(FSI, "").replace(LSI, "").replace(PDI, "")


_TAG = re.compile(r"</?[a-z][^>]*>")


def html_to_text(text: str) -> str:
    """Telegram HTML to plain text (a terminal, a PDF page); isolates are dropped: neither
    needs them."""
    return strip_isolates(html.unescape(_TAG.sub("", text)))
