"""The focus tasks of the programme (``/tasks``): the decision's appendix, with periods and schedule statuses.

The tasks are data (``ioc_app.focus_tasks``); statuses come from each task's period and today's
date, labelled "by schedule", until progress is recorded. The current VET authority's name
comes from settings (agency names change with reorganisations).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dash import Dash

from callbacks.page import PageContext
from ioc_app.focus_tasks import task_states
from ioc_app.services import Services
from layouts.tasks import tasks_page

PATH = "tasks"
NAV_KEY = "nav.tasks"


def today() -> dt.date:
    return dt.date.today()


def render(ctx: PageContext, on: dt.date | None = None) -> Any:
    settings = ctx.services.settings
    authority = settings.authority_name_en if ctx.lang == "en" else settings.authority_name_vi
    day = on or today()
    return tasks_page(task_states(day), day, ctx.lang, authority)


def register(app: Dash, services: Services) -> None:
    """The page is static per request: no callbacks of its own."""
