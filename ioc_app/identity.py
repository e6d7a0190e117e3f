"""Who is asking: the server-side identity that every read is scoped by.

The authentication layer (sessions for people, bearer tokens for displays and API clients) sets
the identity of each request on ``flask.g`` before any page, callback or API code runs; the core
read path asks :func:`current_identity` and never takes a province from the browser. Code run
outside a request (command line, scheduler) acts as :data:`SYSTEM`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from flask import g, has_request_context

ADMIN: Final = "admin"
CENTRAL: Final = "central"  # every province
PROVINCE: Final = "province"  # exactly one of the 34 current units (and its legacy units)
DISPLAY: Final = "display"  # read-only token for a wall display
API: Final = "api"  # read-only token for an API client
ROLES: Final = (ADMIN, CENTRAL, PROVINCE)
TOKEN_KINDS: Final = (DISPLAY, API)
_G_KEY: Final = "ioc_identity"


@dataclass(frozen=True)
class Identity:
    """A signed-in user or a token: its name, role and, when limited, its one current province."""

    name: str
    role: str
    province: str | None = None  # a current 34-unit code; None = every province
    user_id: int | None = None  # the account (None for tokens and the system)
    token_id: int | None = None
    playlist: str | None = None  # a display token limited to one playlist (ioc_app.playlists); None = any

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def sees_everything(self) -> bool:
        """Central users, admins and unrestricted tokens see the nation and every province."""
        return self.province is None


SYSTEM: Final = Identity("system", ADMIN)


def set_identity(identity: Identity | None) -> None:
    """Record the request's identity (called once per request by the authentication layer)."""
    setattr(g, _G_KEY, identity)


def current_identity() -> Identity | None:
    """The identity of the current request (None when nobody signed in); the system outside a request."""
    if not has_request_context():
        return SYSTEM
    identity: Identity | None = getattr(g, _G_KEY, None)
    return identity
