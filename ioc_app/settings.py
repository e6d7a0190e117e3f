"""Settings: defaults in code, overridden by environment variables; secrets only from the environment."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from data_sources.counting import CountingRules, make_rules

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"
# The embedded demo's secret key, generated on its first start in INSTANCE_DIR (see ``secret_key_for``).
SECRET_KEY_FILE_NAME = "secret_key"
MIN_SECRET_KEY_LENGTH = 32


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
    # A read of the VET database waits this long on someone else's lock before it fails.
    vet_lock_timeout_seconds: int = 5
    # A failed scheduled refresh is tried again this many times, after 1, 2, 4 ... times this delay.
    refresh_retries: int = 3
    refresh_retry_seconds: int = 30
    # The refresh lease: held (and renewed) by the one process refreshing; a killed holder's lease
    # lapses after this long.
    refresh_lease_seconds: int = 120
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
    # Redis (optional; ioc_app.shared_redis): workers hear of a new snapshot at once and share per-snapshot
    # results, and sign-in limits count across workers. Without it each web process asks the store for a
    # newer snapshot at most every snapshot_check_seconds as requests come (with it too, as a fallback).
    redis_url: str | None = None
    snapshot_check_seconds: int = 2
    # Sign-in: a session ends after this long without the user doing anything (background refreshes
    # of the panels do not count); the session cookie is marked Secure when this is on or the request
    # came over HTTPS; X-Forwarded-For/-Proto are believed only behind a trusted reverse proxy.
    session_idle_minutes: int = 60
    cookie_secure: bool = False
    trust_proxy: bool = False
    # Sign-in attempts per account and per client address (Flask-Limiter notation).
    login_limit_account: str = "5/minute"
    login_limit_address: str = "20/minute"

    # Largest request body accepted (bytes); callback requests are a few kB.
    max_request_bytes: int = 1024 * 1024
    # Provincial submissions (ioc_app.imports): the largest file taken, on the page and the command line,
    # and where the rows are written (VET_DATABASE_URL when unset: production reads with a read-only role
    # and writes submissions with one allowed to add them).
    import_max_bytes: int = 5 * 1024 * 1024
    submissions_database_url: str | None = None
    # Alerts (ioc_app.alerts): the rules file (the built-in ioc_app/alert_rules.toml when unset), how often the
    # scheduler checks the rules that need no new snapshot (the refresh's age), and where e-mail goes out (none
    # without a host).
    alert_rules_path: str | None = None
    alert_check_minutes: int = 10
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "ioc@localhost"
    # Operations: /metrics answers only a request bearing this token (off without one); logs are one JSON
    # line per record ("json"), readable lines ("text"), or JSON unless a person watches a terminal ("auto").
    metrics_token: str | None = None
    log_format: str = "auto"

    def __post_init__(self) -> None:
        if self.log_format not in ("auto", "json", "text"):
            raise SettingsError(f"IOC_LOG_FORMAT must be auto, json or text, got {self.log_format!r}")
        if self.max_request_bytes < 1024:
            raise SettingsError(f"IOC_MAX_REQUEST_BYTES must be at least 1024, got {self.max_request_bytes}")
        if self.import_max_bytes < 1024:
            raise SettingsError(f"IOC_IMPORT_MAX_BYTES must be at least 1024, got {self.import_max_bytes}")
        if self.snapshot_check_seconds < 1:
            raise SettingsError(f"IOC_SNAPSHOT_CHECK_SECONDS must be at least 1, got {self.snapshot_check_seconds}")
        if self.alert_check_minutes < 1:
            raise SettingsError(f"IOC_ALERT_CHECK_MINUTES must be at least 1, got {self.alert_check_minutes}")

    @property
    def embedded(self) -> bool:
        """Both databases are the default SQLite files under instance/ (the demo of the quick start)."""
        return self.vet_database_url == _sqlite_url("vet.sqlite3") and self.ioc_database_url == _sqlite_url(
            "ioc.sqlite3"
        )

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
    "submissions_database_url": ("IOC_SUBMISSIONS_DATABASE_URL",),
}


class SettingsError(ValueError):
    """An environment variable holds a value of the wrong kind."""


def secret_key_for(settings: Settings, key_file: Path | None = None) -> str:
    """The key Flask signs sessions with; ``SettingsError`` (one line) when production has none.

    ``IOC_SECRET_KEY`` when set. Without it, the embedded demo and debug mode use a random key
    generated on the first start and kept in ``instance/secret_key`` (mode 0600), so sessions
    survive restarts; in production (not debug, databases of its own) the app refuses to start.
    """
    if settings.secret_key:
        return settings.secret_key
    if not (settings.debug or settings.embedded):
        raise SettingsError(
            "IOC_SECRET_KEY is not set: production needs a secret key, a long random value such as the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
        )
    return _kept_key(key_file or INSTANCE_DIR / SECRET_KEY_FILE_NAME)


def _kept_key(key_file: Path) -> str:
    try:
        key_file.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            key = key_file.read_text(encoding="ascii").strip()
            if len(key) < MIN_SECRET_KEY_LENGTH:
                raise SettingsError(f"{key_file} holds no usable key; delete it and a new one is generated") from None
            if key_file.stat().st_mode & 0o077:
                key_file.chmod(0o600)  # readable by the owner only, whoever created it
            return key
        key = secrets.token_urlsafe(48)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(key + "\n")
        return key
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise SettingsError(f"cannot keep the secret key in {key_file}: {reason}") from None


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
