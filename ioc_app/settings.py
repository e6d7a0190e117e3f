"""Settings: defaults in code, overridden by environment variables; secrets only from the environment."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from data_sources.counting import CountingRules, make_rules

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"


def _sqlite_url(name: str) -> str:
    return f"sqlite:///{INSTANCE_DIR / name}"


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from its environment, in one typed object.

    Tests build one directly (``Settings(vet_database_url=...)``) and pass it to ``create_app``.
    """

    vet_database_url: str = field(default_factory=lambda: _sqlite_url("vet.sqlite3"))
    ioc_database_url: str = field(default_factory=lambda: _sqlite_url("ioc.sqlite3"))
    host: str = "127.0.0.1"
    port: int = 8050
    debug: bool = False
    secret_key: str | None = None
    # Scale of the demo database built on first run when the VET database is empty.
    demo_scale: str = "national"
    demo_seed: int = 2222
    auto_init_demo: bool = True
    # Browser panels re-read the newest snapshot this often.
    refresh_interval_seconds: int = 60
    # Snapshot refresh job period, and the age past which data is flagged stale.
    snapshot_refresh_minutes: int = 30
    stale_after_minutes: int = 120
    default_language: str = "vi"
    # Agency names change with reorganisations (2025: MOLISA -> MOET); keep them out of code.
    authority_name_vi: str = "Cục Giáo dục nghề nghiệp và Giáo dục thường xuyên, Bộ Giáo dục và Đào tạo"
    authority_name_en: str = "Department of Vocational and Continuing Education, Ministry of Education and Training"
    # The ministry in charge of VET, whose public-service portal T07 requires (MOLISA until 2025).
    ministry_name_vi: str = "Bộ Giáo dục và Đào tạo"
    ministry_name_en: str = "Ministry of Education and Training"
    # Counting rules (data_sources/counting.py): T08's record share per institution, T04's occupation list.
    t08_min_record_share: str = "0.95"
    it_occupations_path: str | None = None
    # Optional: official boundary files replacing the built-in ones, and an online tile layer.
    boundaries_34_path: str | None = None
    boundaries_63_path: str | None = None
    tile_url: str | None = None
    tile_attribution: str | None = None
    redis_url: str | None = None
    # Sign-in: a session ends after this long without the user doing anything (background refreshes
    # of the panels do not count); the session cookie is marked Secure when this is on or the request
    # came over HTTPS; X-Forwarded-For/-Proto are believed only behind a trusted reverse proxy.
    session_idle_minutes: int = 60
    cookie_secure: bool = False
    trust_proxy: bool = False
    # Sign-in attempts per account and per client address (Flask-Limiter notation).
    login_limit_account: str = "5/minute"
    login_limit_address: str = "20/minute"

    @property
    def embedded_demo(self) -> bool:
        """The embedded demo: a SQLite VET database that the app builds itself when it is empty.

        Production reads a PostgreSQL VET database (or turns IOC_AUTO_INIT_DEMO off) and must set
        IOC_SECRET_KEY; the embedded demo keeps a generated key in instance/ instead.
        """
        return self.auto_init_demo and self.vet_database_url.startswith("sqlite")

    def counting_rules(self) -> CountingRules:
        """The configured counting rules; CountingRulesError names a bad value."""
        return make_rules(self.t08_min_record_share, self.it_occupations_path)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Defaults, overridden by ``VET_DATABASE_URL``, ``IOC_DATABASE_URL``, ``IOC_PORT``, ... ."""
        env = os.environ if environ is None else environ
        overrides: dict[str, Any] = {}  # field name -> value of that field's type
        for f in fields(cls):
            for name in ENV_NAMES.get(f.name, (f"IOC_{f.name.upper()}",)):
                if name in env and env[name] != "":
                    overrides[f.name] = _coerce(f.type, env[name], name)
                    break
        return replace(cls(), **overrides)


ENV_NAMES: dict[str, tuple[str, ...]] = {
    "vet_database_url": ("VET_DATABASE_URL",),
    "ioc_database_url": ("IOC_DATABASE_URL",),
    "secret_key": ("IOC_SECRET_KEY", "SECRET_KEY"),
    "redis_url": ("REDIS_URL",),
}


class SettingsError(ValueError):
    """An environment variable holds a value of the wrong kind."""


SECRET_KEY_FILE = "secret_key"


def resolve_secret_key(settings: Settings, instance_dir: Path = INSTANCE_DIR) -> str:
    """The key that signs session cookies.

    IOC_SECRET_KEY when set. Otherwise, in debug mode or the embedded demo only, a random key kept in
    ``instance/secret_key`` (so sessions survive a restart); in production, SettingsError.
    """
    if settings.secret_key:
        return settings.secret_key
    if not (settings.debug or settings.embedded_demo):
        raise SettingsError(
            "IOC_SECRET_KEY is not set: outside debug mode and the embedded demo the app needs a long random "
            "secret key (e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    path = instance_dir / SECRET_KEY_FILE
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    return _write_secret_key(path)


def _write_secret_key(path: Path) -> str:
    import secrets
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole under another name, then linked into place: a worker starting at the same time
    # reads either no file or the complete key, and the first key linked wins. Owner-readable only.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_urlsafe(48) + "\n")
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        os.unlink(tmp)
    return path.read_text(encoding="ascii").strip()


def _coerce(type_name: object, raw: str, env_name: str) -> str | int | bool:
    kind = str(type_name)
    try:
        if kind.startswith("int"):
            return int(raw)
        if kind.startswith("bool"):
            if raw.lower() in {"1", "true", "yes", "on"}:
                return True
            if raw.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
    except ValueError:
        raise SettingsError(f"{env_name}={raw!r} is not a valid {kind.split()[0]}") from None
    return raw
