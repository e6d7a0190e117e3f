"""VET IOC: the Integrated Operations Center dashboard for digital transformation in VET."""

from ioc_app.app_factory import create_app

__all__ = ["create_app"]
