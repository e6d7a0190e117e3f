"""Vietnamese (default) and English texts, and number/date formatting per language.

Vietnamese writes 1.234,5 and dd/mm/yyyy; English writes 1,234.5 and dd/mm/yyyy is kept
for dates in both (the convention of Vietnamese government documents) with ISO in exports.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import unicodedata
from typing import Final

from ioc_app.texts import TEXTS

LANGUAGES: Final = ("vi", "en")
DEFAULT_LANGUAGE: Final = "vi"

log = logging.getLogger(__name__)

# Tests turn this on (tests/conftest.py) so that a page asking for a text the catalogue lacks
# fails; in production the page still renders and the gap is logged once per key.
STRICT: bool = os.environ.get("IOC_STRICT_TEXTS", "").strip().lower() in ("1", "true", "yes")

_reported: set[str] = set()


def t(key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The text for ``key`` in ``lang`` (see ioc_app/texts.py).

    A missing key or text raises ``KeyError`` when ``STRICT``; otherwise it is logged once and the
    Vietnamese text stands in for a missing English one, the key itself for a missing key.
    """
    pair = TEXTS.get(key)
    text = None if pair is None else pair[1] if lang == "en" else pair[0]
    if text:
        return text
    what = "text key" if pair is None else f"{'English' if lang == 'en' else 'Vietnamese'} text for"
    if STRICT:
        raise KeyError(f"missing {what} {key!r}")
    if key not in _reported:
        _reported.add(key)
        log.warning("missing %s %r", what, key)
    return pair[0] if pair is not None and pair[0] else key


# Roles of accounts and kinds of tokens (ioc_app.identity), as people read them.
ROLE_KEYS: Final = {
    "admin": "role.admin",
    "central": "role.central",
    "province": "role.province",
    "display": "role.display",
    "api": "role.api",
}


def role_label(role: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """ "Quản trị viên", "Provincial official", ...; an unknown role as it is."""
    key = ROLE_KEYS.get(role)
    return t(key, lang) if key else role


def normalise_language(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def fmt_number(value: float | int | None, lang: str = DEFAULT_LANGUAGE, decimals: int = 0) -> str:
    """1.234.567,8 in Vietnamese, 1,234,567.8 in English; an em dash for missing values."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def fmt_percent(value: float | None, lang: str = DEFAULT_LANGUAGE, decimals: int = 1) -> str:
    """A share in 0..1 as a percentage: 57,3% (vi) or 57.3% (en)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{fmt_number(value * 100, lang, decimals)}%"


def fmt_date(value: dt.date | dt.datetime | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """dd/mm/yyyy in both languages (Vietnamese official style); English spells the month."""
    if value is None:
        return "—"
    if lang == "en":
        return value.strftime("%d %b %Y")
    return value.strftime("%d/%m/%Y")


def fmt_datetime(value: dt.datetime | None, lang: str = DEFAULT_LANGUAGE) -> str:
    if value is None:
        return "—"
    if lang == "en":
        return value.strftime("%d %b %Y %H:%M")
    return value.strftime("%H:%M %d/%m/%Y")


def vi_sort_key(text: str) -> tuple[str, str]:
    """Vietnamese alphabetical order (a ă â b c d đ e ê ...): base letters first, then the marks."""
    base, marks = [], []
    for ch in unicodedata.normalize("NFD", text.lower()):
        if unicodedata.combining(ch):
            # Breve and circumflex make distinct letters; tone marks only break ties.
            if ch in ("\u0306", "\u0302", "\u031b"):
                base.append(ch)
            else:
                marks.append(ch)
        elif ch == "đ":
            base.append("d\U0010ffff")
        else:
            base.append(ch)
    return ("".join(base), "".join(marks))
