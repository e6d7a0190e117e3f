"""The focus tasks of the programme (``/tasks``): the decision's appendix, with periods, schedule statuses and
reported progress.

The tasks are data (``ioc_app.focus_tasks``). At the page's data date (the newest snapshot's) each task
has a schedule status from its period alone, and beside it the latest progress report recorded in the
IOC store on or before that date (``ioc_app.task_progress``). The current VET authority's name comes
from settings (agency names change with reorganisations).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dash import Dash

from callbacks.page import PageContext
from ioc_app.services import Services
from ioc_app.task_progress import tasks_view
from layouts.tasks import tasks_page

PATH = "tasks"
NAV_KEY = "nav.tasks"


def render(ctx: PageContext, on: dt.date | None = None) -> Any:
    settings = ctx.services.settings
    authority = settings.authority_name_en if ctx.lang == "en" else settings.authority_name_vi
    view = tasks_view(ctx.services.ioc_engine, on)
    return tasks_page(view.states, view.as_of, ctx.lang, authority)


def register(app: Dash, services: Services) -> None:
    """The page is static per request: no callbacks of its own."""
