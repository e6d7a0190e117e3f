"""The overview page."""

from __future__ import annotations

from dash import html

from data_sources.queries import network_summary
from ioc_app.services import Services
from layouts.home import home_page


def render(services: Services, lang: str, _query: dict[str, str]) -> html.Div:
    return home_page(network_summary(services.vet_engine), lang)
