"""Where a target sits in Decision 2222/QĐ-TTg, as the decision lays it out.

The registry's ``article`` field is short ("1.2.a": Article 1, item 2, point a). Article 1 has two
sections: I (the objectives: item 1 the general objective, item 2 "Một số chỉ tiêu cơ bản" with
points a–d) and II (tasks and solutions). Every target sits in section I, so a three-part field
names section I; a four-part field ("1.II.3.a") names its section itself.
"""

from __future__ import annotations

from ioc_app.i18n import LANGUAGES, t

TARGETS_SECTION = "I"


def _parts(article: str) -> tuple[str, str, str, str] | None:
    parts = [p.strip() for p in article.split(".")]
    if len(parts) == 3:
        parts.insert(1, TARGETS_SECTION)
    if len(parts) != 4 or not all(parts):
        return None
    return parts[0], parts[1].upper(), parts[2], parts[3].lower()


def citation(article: str, lang: str, *, with_decision: bool = False) -> str:
    """'Điều 1, mục I, khoản 2, điểm a' / 'Article 1, section I, item 2, point a'; the raw field if unreadable."""
    parts = _parts(article)
    if parts is None:
        where = article
    else:
        a, section, item, point = parts
        where = t("citation.article", lang).format(article=a, section=section, item=item, point=point)
    return t("citation.in_decision", lang).format(where=where) if with_decision else where


def citations(article: str) -> dict[str, str]:
    """The citation in every language of the dashboard (for the API)."""
    return {lang: citation(article, lang) for lang in LANGUAGES}
