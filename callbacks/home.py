"""The overview page."""

from __future__ import annotations

from typing import Any

from dash import Dash

from callbacks.page import PageContext
from data_sources.queries import network_summary
from ioc_app.services import Services
from layouts.home import home_page

PATH = ""
NAV_KEY = "nav.overview"


def render(ctx: PageContext) -> Any:
    return home_page(network_summary(ctx.services.vet_engine), ctx.lang)


def register(app: Dash, services: Services) -> None:
    """The overview's own callbacks."""
