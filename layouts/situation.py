"""The written situation on the pages: the paragraph's component. The wording is the core's
(``ioc_app.situation_words``), so the pages and the printed meeting brief say the same."""

from __future__ import annotations

from dash import html

from ioc_app.situation_words import (
    lower_first,
    noun,
    scope_paragraph,
    scope_words,
    signed_points,
    target_paragraph,
    target_share,
)

__all__ = [
    "lower_first",
    "noun",
    "paragraph",
    "scope_paragraph",
    "scope_words",
    "signed_points",
    "target_paragraph",
    "target_share",
]


def paragraph(text: str, component_id: str) -> html.P:
    """The paragraph as the pages show it (an empty one keeps its place for the next refresh)."""
    return html.P(text, id=component_id, className="ioc-situation", **{"aria-live": "polite"})  # type: ignore[arg-type]  # Dash takes aria-* props as keywords; its stubs do not list them
