"""The page protocol: what the router hands a page, and what a page module provides.

A page module in callbacks/ has
- ``PATH``: its first URL segment ("" for the overview), ``NAV_KEY``: its i18n nav label or None;
- ``render(ctx) -> component``: the page for this URL, language and shared selection;
- ``register(app, services)``: its own callbacks (bodies are plain module-level functions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ioc_app.selection import DEFAULT_SELECTION
from ioc_app.services import Services


@dataclass(frozen=True)
class PageContext:
    services: Services
    lang: str
    args: list[str] = field(default_factory=list)  # URL segments after the page's own
    query: dict[str, str] = field(default_factory=dict)
    selection: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_SELECTION))
