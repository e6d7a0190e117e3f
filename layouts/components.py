"""Small building blocks shared by pages: status badges, value text, export buttons."""

from __future__ import annotations

from typing import Any

from dash import html

from ioc_app.i18n import t
from ioc_app.wording import STATUS_STYLE as STATUS_STYLE  # shared with the printed brief
from ioc_app.wording import status_word as status_word
from ioc_app.wording import value_text as value_text

# Export columns several tables share are named by the common texts; the others by export.<column>.
EXPORT_COMMON = {
    "indicator": "common.target",
    "scope": "common.scope",
    "numerator": "common.numerator",
    "denominator": "common.denominator",
    "status": "common.verdict",
    "province": "common.province",
    "level": "common.level",
    "data_date": "common.data_date",
}


def export_header(column: str, lang: str) -> str:
    return t(EXPORT_COMMON.get(column, f"export.{column}"), lang)


def status_badge(status: str | None, lang: str, compact: bool = False, **kwargs: Any) -> html.Span:
    """A status as icon + word on its colour; ``compact`` shows the icon only (word kept as title)."""
    status = status if status in STATUS_STYLE else "no_data"
    icon, colour = STATUS_STYLE[status]
    word = status_word(status, lang)
    return html.Span(
        [
            html.Span(icon, className="ioc-status-icon", **{"aria-hidden": "true"}),  # type: ignore[arg-type]  # Dash takes aria-*/data-* props as keywords; its stubs do not list them
            html.Span(word, className="ioc-status-word" + (" ioc-visually-hidden" if compact else "")),
        ],
        className=f"ioc-status ioc-status-{status}",
        style={"--status-colour": colour},
        title=word,
        **kwargs,
    )


def brief_links(code: str | None, lang: str) -> html.Div:
    """The meeting brief's downloads (``ioc_app.brief_pages``): the reader's own scope (``code`` None:
    the nation, or a province user's province) or one province. Plain links: the server decides the scope."""
    where = "/brief" if code is None else f"/brief/{code}"
    return html.Div(
        className="ioc-brief-links",
        children=[
            html.A(f"⬇ {t('brief.download_pdf', lang)}", href=f"{where}.pdf?lang={lang}", className="ov-button"),
            html.A(f"⬇ {t('brief.download_xlsx', lang)}", href=f"{where}.xlsx?lang={lang}", className="ov-button"),
        ],
    )


def field(label: str, control: Any, control_id: str, group: bool = False) -> html.Div:
    """A filter with its visible label: a ``<label for>`` for a single control, and for a group of radio
    buttons (not labelable) a text assets/a11y.js names the group by (``aria-labelledby``)."""
    if group:
        name: html.Span | html.Label = html.Span(
            label, id=f"{control_id}-label", className="ov-field-label ioc-a11y-label"
        )
    else:
        name = html.Label(label, htmlFor=control_id, className="ov-field-label")
    return html.Div(className="ov-field ioc-field", children=[name, control])
