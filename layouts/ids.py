"""Component IDs, each declared once."""

from __future__ import annotations

from enum import StrEnum


class Shell(StrEnum):
    URL = "shell-url"
    LANG = "shell-lang"
    LANG_TOGGLE = "shell-lang-toggle"
    CONTENT = "shell-content"
    SKIP = "shell-skip"  # "skip to main content"
    NAV = "shell-nav"
    MENU = "shell-menu"  # the phone header's menu button
    HEADER_SIDE = "shell-header-side"
    TITLE = "shell-title"
    SUBTITLE = "shell-subtitle"
    # {"level": "34"|"63", "province": code|None, "type": t|None, "ownership": o|None}: shared by every page.
    SELECTION = "shell-selection"
    # {"id", "refreshed_at", "data_date", "stale"}: the newest snapshot, re-read on the interval.
    SNAPSHOT = "shell-snapshot"
    INTERVAL = "shell-interval"
    FRESHNESS = "shell-freshness"
    # Who is signed in, the administration link (admins) and the sign-out form.
    USER = "shell-user"
    USER_NAME = "shell-user-name"
    LOGOUT = "shell-logout"
    # "Data temporarily unavailable": shown by any update callback that failed, while its last good
    # content stays on screen; hidden again by the next one that succeeds.
    NOTICE = "shell-notice"


class Present(StrEnum):
    """The wall display (``/present``); slots and their requests are pattern-matched by index."""

    ROOT = "present-root"
    COUNTER = "present-counter"
    MARK = "present-mark"  # "reconnecting" / "paused"
    ASOF = "present-asof"
    CLOCK = "present-clock"
    ALERTS = "present-alerts"  # the open alerts' count, when there are some
    LOADING = "present-loading"
    PROGRESS = "present-progress"
    NOTICE = "present-notice"  # access revoked or refused: the display stops
    SLOT = "present-slot"
    REQUEST = "present-request"  # set by the script to (re)load one slot
