"""Component IDs, each declared once."""

from __future__ import annotations

from enum import StrEnum


class Shell(StrEnum):
    URL = "shell-url"
    LANG = "shell-lang"
    LANG_TOGGLE = "shell-lang-toggle"
    CONTENT = "shell-content"
    NAV = "shell-nav"
    TITLE = "shell-title"
    SUBTITLE = "shell-subtitle"
