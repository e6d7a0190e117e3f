"""Accounts and access tokens: who may sign in, with which role and province, and how that is checked.

The rules live here, apart from Flask (``ioc_app.auth``) and from the command line (``ioc_app.cli``),
so that both and the admin pages refuse the same things the same way. Every change is audited
(``ioc_app.audit``) by the caller's identity.

- Passwords are hashed with argon2id (argon2-cffi's defaults); a hash made with older parameters
  is replaced at the next successful sign-in.
- Tokens are ``ioc_`` + 43 random URL-safe characters (256 bits); only their SHA-256 is stored, so
  a leaked database does not leak usable tokens, and a lookup by hash needs no slow hashing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from geo import provinces as geo
from ioc_app import audit, playlist_store
from ioc_app.identity import ADMIN, CENTRAL, DISPLAY, PROVINCE, ROLES, TOKEN_KINDS, Identity
from ioc_app.playlists import PlaylistError, check_name
from ioc_app.store import AccessToken, UserAccount

MIN_PASSWORD_LENGTH: Final = 10
MAX_PASSWORD_LENGTH: Final = 256  # argon2 hashes anything, but a megabyte "password" is an attack
USERNAME_RE: Final = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
TOKEN_NAME_RE: Final = re.compile(r"\w[\w. -]{1,59}")  # Vietnamese letters too
TOKEN_PREFIX: Final = "ioc_"
# Writing a token's last use on every request would make each API call a write: once in a while is enough.
TOKEN_TOUCH_INTERVAL: Final = dt.timedelta(minutes=5)

_hasher = PasswordHasher()
# Verified against when the name is unknown, so that a wrong name takes as long as a wrong password.
_DUMMY_HASH: Final = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A refused change or bad input: an English message for the command line, a text key for the pages."""

    def __init__(self, message: str, key: str) -> None:
        super().__init__(message)
        self.key = key  # in ioc_app/texts.py


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    province: str | None
    active: bool
    session_epoch: int
    created_at: dt.datetime
    last_login_at: dt.datetime | None

    @property
    def identity(self) -> Identity:
        return Identity(self.username, self.role, self.province, user_id=self.id)


@dataclass(frozen=True)
class Token:
    id: int
    name: str
    kind: str
    province: str | None
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None
    playlist: str | None = None  # a display token's one playlist (ioc_app.playlists); None = any

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def identity(self) -> Identity:
        return Identity(self.name, self.kind, self.province, token_id=self.id, playlist=self.playlist)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


# --- checks (no database) ------------------------------------------------------------------------------


def check_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not USERNAME_RE.fullmatch(name):
        raise AccountError(
            f"invalid user name {username!r}: 2-40 characters, lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
            "account.username",
        )
    return name


def check_password(password: str, username: str = "") -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password too weak: at least {MIN_PASSWORD_LENGTH} characters", "account.password_short")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"password too long: at most {MAX_PASSWORD_LENGTH} characters", "account.password_long")
    if len(set(password)) < 4 or (username and username.lower() in password.lower()):
        raise AccountError(
            "password too weak: use several different characters and not the user name", "account.password_weak"
        )
    return password


def check_province(province: str | None, what: str = "--province") -> str | None:
    """None, or one of the 34 current province codes (a leading zero may be left out)."""
    if province is None or province.strip() == "":
        return None
    code = province.strip().zfill(2)
    if code not in geo.province_by_code():
        raise AccountError(
            f"{what} must be one of the 34 current province codes (01, 04, ... 96), got {province!r}",
            "account.province",
        )
    return code


def check_role(role: str, province: str | None) -> tuple[str, str | None]:
    """A role and its province: exactly one province for a provincial user, none for the others."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}, got {role!r}", "account.role")
    code = check_province(province)
    if role == PROVINCE and code is None:
        raise AccountError(
            "a provincial user needs --province CODE (one of the 34 current province codes)",
            "account.province_needed",
        )
    if role != PROVINCE and code is not None:
        raise AccountError(
            f"only provincial users have a province; a {role} user sees every province", "account.province_not_allowed"
        )
    return role, code


def check_token_name(name: str) -> str:
    clean = (name or "").strip()
    if not TOKEN_NAME_RE.fullmatch(clean):
        raise AccountError(
            f"invalid token name {name!r}: 2-60 characters, letters, digits, spaces, '.', '_' or '-'",
            "account.token_name",
        )
    return clean


def check_token_kind(kind: str) -> str:
    if kind not in TOKEN_KINDS:
        raise AccountError(f"token kind must be one of {', '.join(TOKEN_KINDS)}, got {kind!r}", "account.token_kind")
    return kind


# --- passwords ------------------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# --- users -----------------------------------------------------------------------------------------------


def _user(row: UserAccount) -> User:
    return User(
        row.id,
        row.username,
        row.role,
        row.province,
        row.active,
        row.session_epoch,
        row.created_at,
        row.last_login_at,
    )


def _find_user(s: Session, username: str) -> UserAccount:
    row = s.scalars(select(UserAccount).where(UserAccount.username == username.strip().lower())).first()
    if row is None:
        raise AccountError(f"no user named {username!r}", "account.user_unknown")
    return row


def add_user(
    engine: Engine,
    username: str,
    role: str,
    province: str | None,
    password: str,
    actor: Identity | None = None,
) -> User:
    """Create an account; AccountError (nothing written) for bad input or a name already taken."""
    name = check_username(username)
    role, code = check_role(role, province)
    check_password(password, name)
    password_hash = hash_password(password)
    with Session(engine) as s, s.begin():
        if s.scalars(select(UserAccount.id).where(UserAccount.username == name)).first() is not None:
            raise AccountError(f"a user named {name!r} already exists", "account.user_exists")
        now = _now()
        row = UserAccount(
            username=name,
            role=role,
            province=code,
            password_hash=password_hash,
            active=True,
            session_epoch=0,
            created_at=now,
            updated_at=now,
        )
        s.add(row)
        s.flush()
        s.add(audit.entry("user_added", name, _role_text(role, code), actor))
        return _user(row)


def _role_text(role: str, province: str | None) -> str:
    return f"role={role}" + (f" province={province}" if province else "")


def users(engine: Engine) -> list[User]:
    with Session(engine) as s:
        return [_user(r) for r in s.scalars(select(UserAccount).order_by(UserAccount.username))]


def get_user(engine: Engine, user_id: int) -> User | None:
    with Session(engine) as s:
        row = s.get(UserAccount, user_id)
        return None if row is None else _user(row)


def user_count(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(UserAccount)) or 0)


def set_active(engine: Engine, username: str, active: bool, actor: Identity | None = None) -> User:
    """Disable (sessions end at their next request) or enable an account."""
    with Session(engine) as s, s.begin():
        row = _find_user(s, username)
        if row.active == active:
            raise AccountError(
                f"user {row.username!r} is already {'enabled' if active else 'disabled'}", "account.unchanged"
            )
        if not active and row.role == ADMIN and _active_admins(s) == 1:
            raise AccountError(f"user {row.username!r} is the last active admin", "account.last_admin")
        row.active = active
        row.session_epoch += 1
        row.updated_at = _now()
        s.add(audit.entry("user_enabled" if active else "user_disabled", row.username, "", actor))
        return _user(row)


def _active_admins(s: Session) -> int:
    query = select(func.count()).select_from(UserAccount).where(UserAccount.role == ADMIN, UserAccount.active)
    return int(s.scalar(query) or 0)


def set_password(engine: Engine, username: str, password: str, actor: Identity | None = None) -> User:
    """A new password; the account's open sessions end."""
    with Session(engine) as s, s.begin():
        row = _find_user(s, username)
        check_password(password, row.username)
        row.password_hash = hash_password(password)
        row.session_epoch += 1
        row.updated_at = _now()
        s.add(audit.entry("password_set", row.username, "", actor))
        return _user(row)


def set_role(engine: Engine, username: str, role: str, province: str | None, actor: Identity | None = None) -> User:
    """Another role or province; takes effect at the account's next request."""
    role, code = check_role(role, province)
    with Session(engine) as s, s.begin():
        row = _find_user(s, username)
        if row.role == ADMIN and role != ADMIN and row.active and _active_admins(s) == 1:
            raise AccountError(f"user {row.username!r} is the last active admin", "account.last_admin")
        before = _role_text(row.role, row.province)
        row.role, row.province = role, code
        row.updated_at = _now()
        s.add(audit.entry("role_set", row.username, f"{before} -> {_role_text(role, code)}", actor))
        return _user(row)


def authenticate(engine: Engine, username: str, password: str) -> tuple[User | None, str]:
    """The active account these credentials open, or None and why (for the audit log only).

    Unknown names, wrong passwords and disabled accounts take the same time and give the caller
    the same None: the sign-in page must not tell which it was.
    """
    name = (username or "").strip().lower()
    with Session(engine) as s, s.begin():
        row = s.scalars(select(UserAccount).where(UserAccount.username == name)).first() if name else None
        if row is None:
            verify_password(_DUMMY_HASH, password)
            return None, "unknown user"
        if not verify_password(row.password_hash, password):
            return None, "wrong password"
        if not row.active:
            return None, "account disabled"
        if _hasher.check_needs_rehash(row.password_hash):
            row.password_hash = hash_password(password)
        row.last_login_at = _now()
        return _user(row), ""


# --- tokens ----------------------------------------------------------------------------------------------


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _token(row: AccessToken) -> Token:
    return Token(
        row.id, row.name, row.kind, row.province, row.created_at, row.revoked_at, row.last_used_at, row.playlist
    )


def check_token_playlist(playlist: str | None, kind: str) -> str | None:
    """None, or a well-formed playlist name for a display token (whether it exists is checked in the store)."""
    if playlist is None or playlist.strip() == "":
        return None
    if kind != DISPLAY:
        raise AccountError("only display tokens are limited to a playlist", "account.token_playlist_kind")
    try:
        return check_name(playlist.strip())
    except PlaylistError as exc:
        raise AccountError(str(exc), "account.token_playlist") from None


def create_token(
    engine: Engine,
    name: str,
    kind: str,
    province: str | None = None,
    actor: Identity | None = None,
    playlist: str | None = None,
) -> tuple[Token, str]:
    """A new token and its secret (shown once: only its hash is kept).

    ``playlist`` limits a display token to one playlist: a stored one, or the built-in ``dieu-hanh``.
    """
    clean = check_token_name(name)
    kind = check_token_kind(kind)
    code = check_province(province)
    limit = check_token_playlist(playlist, kind)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with Session(engine) as s, s.begin():
        if s.scalars(select(AccessToken.id).where(AccessToken.name == clean)).first() is not None:
            raise AccountError(
                f"a token named {clean!r} already exists (revoked tokens keep their name)", "account.token_exists"
            )
        if limit is not None and not playlist_store.known_name(s, limit):
            raise AccountError(f"no playlist named {limit!r}", "account.token_playlist")
        row = AccessToken(
            name=clean, kind=kind, province=code, token_hash=token_hash(secret), created_at=_now(), playlist=limit
        )
        s.add(row)
        s.flush()
        detail = f"kind={kind}" + (f" province={code}" if code else "") + (f" playlist={limit}" if limit else "")
        s.add(audit.entry("token_created", clean, detail, actor))
        return _token(row), secret


def tokens(engine: Engine) -> list[Token]:
    with Session(engine) as s:
        return [_token(r) for r in s.scalars(select(AccessToken).order_by(AccessToken.name))]


def revoke_token(engine: Engine, name: str, actor: Identity | None = None) -> Token:
    with Session(engine) as s, s.begin():
        row = s.scalars(select(AccessToken).where(AccessToken.name == (name or "").strip())).first()
        if row is None:
            raise AccountError(f"no token named {name!r}", "account.token_unknown")
        if row.revoked_at is not None:
            raise AccountError(f"token {row.name!r} is already revoked", "account.token_revoked")
        row.revoked_at = _now()
        s.add(audit.entry("token_revoked", row.name, "", actor))
        return _token(row)


def find_token(engine: Engine, secret: str) -> Token | None:
    """The active token with this secret (its last use noted), or None for an unknown or revoked one."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    with Session(engine) as s, s.begin():
        row = s.scalars(select(AccessToken).where(AccessToken.token_hash == token_hash(secret))).first()
        if row is None or row.revoked_at is not None:
            return None
        now = _now()
        if row.last_used_at is None or now - row.last_used_at > TOKEN_TOUCH_INTERVAL:
            row.last_used_at = now
        return _token(row)


def get_token(engine: Engine, token_id: int) -> Token | None:
    with Session(engine) as s:
        row = s.get(AccessToken, token_id)
        return None if row is None else _token(row)


# --- the embedded demo -----------------------------------------------------------------------------------

# Documented in the README (Quick start). Created only with demo data, never otherwise.
DEMO_ACCOUNTS: Final = (
    ("demo.admin", ADMIN, None, "demo-admin-2222"),
    ("demo.central", CENTRAL, None, "demo-central-2222"),
    ("demo.hcm", PROVINCE, "79", "demo-hcm-2222"),  # Thành phố Hồ Chí Minh
    ("demo.hanoi", PROVINCE, "01", "demo-hanoi-2222"),  # Thành phố Hà Nội
)


def ensure_demo_accounts(engine: Engine, actor: Identity | None = None) -> list[tuple[str, str, str | None, str]]:
    """Create the demo accounts that do not exist yet; the ones created, with their passwords."""
    existing = {u.username for u in users(engine)}
    created = []
    for name, role, province, password in DEMO_ACCOUNTS:
        if name not in existing:
            add_user(engine, name, role, province, password, actor)
            created.append((name, role, province, password))
    return created
