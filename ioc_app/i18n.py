"""Vietnamese (default) and English texts, and number/date formatting per language.

Vietnamese writes 1.234,5 and dd/mm/yyyy; English writes 1,234.5 and dd/mm/yyyy is kept
for dates in both (the convention of Vietnamese government documents) with ISO in exports.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from typing import Final

LANGUAGES: Final = ("vi", "en")
DEFAULT_LANGUAGE: Final = "vi"

# One table, key -> (Vietnamese, English). Keys are stable; texts may change.
_TEXTS: dict[str, tuple[str, str]] = {
    "app.title": ("Trung tâm điều hành chuyển đổi số GDNN", "VET Digital Transformation Operations Center"),
    "app.subtitle": (
        "Chương trình chuyển đổi số trong giáo dục nghề nghiệp (Quyết định 2222/QĐ-TTg)",
        "Digital transformation programme in VET (Decision 2222/QĐ-TTg)",
    ),
    "nav.overview": ("Tổng quan", "Overview"),
    "nav.targets": ("Chỉ tiêu", "Targets"),
    "nav.scorecard": ("Bảng điểm tỉnh", "Province scorecard"),
    "nav.map": ("Bản đồ số", "Digital map"),
    "nav.tasks": ("Nhiệm vụ", "Tasks"),
    "lang.toggle": ("English", "Tiếng Việt"),
    "network.title": ("Mạng lưới cơ sở GDNN", "VET institution network"),
    "network.institutions": ("Cơ sở GDNN", "VET institutions"),
    "network.staff": ("Nhà giáo và cán bộ quản lý", "Teachers and managers"),
    "network.learners": ("Người học đang theo học", "Learners enrolled"),
    "network.learners_total": ("Hồ sơ người học từ 2021", "Learner records since 2021"),
    "network.programmes": ("Chương trình đào tạo", "Training programmes"),
    "network.data_date": ("Dữ liệu tính đến", "Data as of"),
    "type.college": ("Trường cao đẳng", "Colleges"),
    "type.intermediate": ("Trường trung cấp", "Intermediate schools"),
    "type.centre": ("Trung tâm GDNN", "VET centres"),
    "ownership.public": ("Công lập", "Public"),
    "ownership.private": ("Tư thục", "Private"),
    "ownership.foreign": ("Có vốn đầu tư nước ngoài", "Foreign-invested"),
    "page.not_found": ("Không tìm thấy trang", "Page not found"),
    "page.back_home": ("Về trang tổng quan", "Back to the overview"),
    "error.unavailable": (
        "Dữ liệu tạm thời chưa sẵn sàng. Hệ thống sẽ tự thử lại.",
        "Data is temporarily unavailable. The system will retry automatically.",
    ),
    "common.no_data": ("Chưa có dữ liệu", "No data"),
    "fresh.none": ("Chưa có số liệu tổng hợp", "No snapshot yet"),
    "fresh.refreshed": ("cập nhật lúc", "refreshed"),
    "fresh.stale": ("Dữ liệu cũ", "Stale data"),
    "fresh.stale_hint": (
        "Số liệu chưa được cập nhật trong khoảng thời gian quy định; đang hiển thị bản gần nhất.",
        "The figures have not been refreshed within the configured limit; showing the latest available.",
    ),
}


def add_texts(texts: dict[str, tuple[str, str]]) -> None:
    """Pages register their own texts (key -> (Vietnamese, English)); a key is defined once."""
    clash = set(texts) & set(_TEXTS)
    if clash - {k for k in clash if _TEXTS[k] == texts[k]}:
        raise ValueError(f"text keys defined twice: {sorted(clash)}")
    _TEXTS.update(texts)


def t(key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The text for ``key`` in ``lang`` (falls back to Vietnamese, then to the key itself)."""
    pair = _TEXTS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


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
