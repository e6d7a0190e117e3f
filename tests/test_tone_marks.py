"""One tone-mark convention throughout, the decision's: "hóa", "hòa", "thủy", "khỏe", "họa".

Where a syllable ends in the vowel pair oa, oe or uy, Decision 2222/QĐ-TTg (like most legal
texts) puts the tone mark on the first vowel; the newer style puts it on the second ("hoá",
"thuỷ", "khoẻ"). With a final consonant or a third vowel both styles mark the same letter
("hoàng", "khuyến", "ngoài", "huỳnh"), and in "quý" the u belongs to the consonant "qu", so the
mark on y is right. Mixing the styles makes the same word compare and search unequal.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
THIS = Path(__file__).resolve()  # holds the new-style examples below on purpose
SUFFIXES = {".py", ".md", ".js", ".css", ".json", ".geojson", ".csv", ".toml", ".txt", ".ini", ".sh"}
SKIPPED_DIRS = {"__pycache__", "instance", "node_modules"}

LETTER = r"[^\W\d_]"
# The new style: the mark on the pair's second vowel, at the end of the syllable; not after q.
NEW_STYLE = re.compile(rf"(?:o[áàảãạéèẻẽẹ]|(?<!q)u[ýỳỷỹỵ])(?!{LETTER})", re.IGNORECASE)
WORD = re.compile(rf"{LETTER}+")

# Known occurrences allowed, by file and word (none: keep it that way).
PENDING: dict[tuple[str, str], int] = {}


def new_style_words(text: str) -> list[str]:
    """The words of ``text`` written in the new style (NFC first: a decomposed mark counts too)."""
    text = unicodedata.normalize("NFC", text)
    found = []
    for word in WORD.findall(text):
        if NEW_STYLE.search(word):
            found.append(word)
    return found


@pytest.mark.parametrize(
    "word",
    ["hoá", "Hoà", "HOÁ", "thuỷ", "Thuỵ", "khoẻ", "xoè", "hoạ", "toạ", "uỷ", "Uỷ", "tuỳ", "luỹ", "loà", "oà"],
)
def test_the_rule_finds_the_new_style(word: str) -> None:
    assert new_style_words(f"({word}),") == [word]
    decomposed = unicodedata.normalize("NFD", word)
    assert new_style_words(decomposed) == [word]


@pytest.mark.parametrize(
    "word",
    [
        *("hóa", "Hòa", "HÓA", "thủy", "Thụy", "khỏe", "xòe", "họa", "tọa", "ủy", "Ủy", "tùy", "lũy"),
        # "qu" is a consonant: the mark sits on y in both styles.
        *("quý", "Quý", "QUÝ", "quỳ", "quỷ", "quỹ", "quỵ"),
        # A final consonant or a third vowel: both styles mark the second vowel.
        *("hoàng", "toán", "hoạch", "khoản", "khuyến", "thuyền", "quyết", "Nguyễn", "huỳnh", "Quỳnh"),
        *("ngoài", "xoáy", "khuỷu", "hoặc", "loét", "hoa", "thuy"),
    ],
)
def test_the_rule_leaves_the_old_style_and_other_syllables_alone(word: str) -> None:
    assert new_style_words(word) == []


def _text_files() -> list[Path]:
    files = []
    for path in sorted(ROOT.rglob("*")):
        rel = path.relative_to(ROOT)
        if any(part.startswith(".") or part in SKIPPED_DIRS for part in rel.parts[:-1]):
            continue
        if path.suffix in SUFFIXES and path.is_file() and path.resolve() != THIS:
            files.append(path)
    return files


def test_the_repository_follows_the_decisions_convention() -> None:
    files = _text_files()
    assert any(p.name == "texts.py" for p in files) and any(p.suffix == ".md" for p in files)
    found: dict[tuple[str, str], int] = {}
    for path in files:
        where = path.relative_to(ROOT).as_posix()
        for word in new_style_words(path.read_text(encoding="utf-8")):
            key = (where, word.lower())
            found[key] = found.get(key, 0) + 1
    assert found == PENDING, "write hóa, hòa, thủy, khỏe, họa … (the mark on the first vowel)"
