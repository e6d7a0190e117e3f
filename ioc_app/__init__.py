"""VET IOC: the Integrated Operations Center dashboard for digital transformation in VET."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dash import Dash

    from ioc_app.settings import Settings


def create_app(settings: Settings | None = None) -> Dash:
    """Build the dashboard (imported lazily: the CLI and the engine need none of the pages)."""
    from ioc_app.app_factory import create_app as _create_app

    return _create_app(settings)


__all__ = ["create_app"]
