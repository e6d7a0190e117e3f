"""The core's name for scopes: the value type lives in the data layer (``data_sources.scope``), which
reads institutions by scope too; pages and the API import it from here."""

from __future__ import annotations

from data_sources.scope import (
    INSTITUTION_TYPES,
    NATIONAL,
    OWNERSHIPS,
    Scope,
    ScopeError,
    parse,
    rollup,
    standard_scopes,
)

__all__ = ["INSTITUTION_TYPES", "NATIONAL", "OWNERSHIPS", "Scope", "ScopeError", "parse", "rollup", "standard_scopes"]
