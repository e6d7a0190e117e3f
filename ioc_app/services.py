"""The app's connections to its two databases, made once from settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from data_sources.engine import make_engine, make_reader_engine
from ioc_app.settings import Settings


@dataclass
class Services:
    """What request handlers need: settings and the engines of the VET and IOC databases."""

    settings: Settings
    vet_engine: Engine
    ioc_engine: Engine

    @classmethod
    def from_settings(cls, settings: Settings) -> Services:
        return cls(
            settings=settings,
            vet_engine=make_reader_engine(settings.vet_database_url, settings.vet_lock_timeout_seconds),
            ioc_engine=make_engine(settings.ioc_database_url),
        )

    _submissions_engine: Engine | None = None

    @property
    def submissions_engine(self) -> Engine:
        """Where provincial submissions are written: the VET database, through its own URL when one is set.

        Never ``vet_engine``: the dashboard reads the VET database read-only, and only imports write.
        """
        url = self.settings.submissions_database_url or self.settings.vet_database_url
        if self._submissions_engine is None:
            self._submissions_engine = make_engine(url)
        return self._submissions_engine

    def dispose(self) -> None:
        self.vet_engine.dispose()
        self.ioc_engine.dispose()
        if self._submissions_engine is not None:
            self._submissions_engine.dispose()
