"""Sign-in and access control for the Flask server under the Dash app (the rules are in ``ioc_app.accounts``).

Every request except the sign-in pages, ``/healthz`` and static files needs an identity, which
a ``before_request`` hook resolves and hands to ``ioc_app.identity.set_identity``:

- a browser session (Flask-Login, signed cookie): a person after ``/login``, or a wall display
  after ``/login/token``; the account or token is re-read on every request, so a disabled account
  or a revoked token loses access at its next request;
- ``Authorization: Bearer <token>``: API clients and displays, no session.

Without one, page requests are sent to ``/login?next=...``; the API and Dash's own requests
(``/_dash-...``) get 401 JSON, which ``assets/auth.js`` turns into a reload to the sign-in page.
API tokens read the API only.

Sessions end after ``session_idle_minutes`` without the user doing anything: the panels' background
polling (callbacks fired only by the shell's interval or snapshot store) does not count, except for
wall displays, which nobody touches. Cookies are HttpOnly, SameSite=Lax, and Secure on HTTPS.

CSRF: the sign-in, sign-out and admin forms carry a Flask-WTF token; Dash's callback POSTs are
exempt, protected by the SameSite=Lax cookie and their JSON content type (a cross-site form cannot
send JSON, and a cross-site fetch with JSON needs a CORS preflight this server never grants).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlencode, urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    g,
    has_request_context,
    jsonify,
    redirect,
    render_template,
    request,
    session,
)
from flask.sessions import SecureCookieSessionInterface
from flask.typing import ResponseReturnValue
from flask_limiter import Limiter, RateLimitExceeded, RouteLimit
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from limits import parse_many
from sqlalchemy import Engine
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from geo import provinces as geo
from ioc_app import accounts, audit
from ioc_app.i18n import LANGUAGES, role_label, t
from ioc_app.identity import ADMIN, API, DISPLAY, ROLES, Identity, current_identity, set_identity
from ioc_app.security import callback_body
from ioc_app.services import Services
from ioc_app.settings import SettingsError, secret_key_for

log = logging.getLogger(__name__)

LANG_COOKIE: Final = "ioc_lang"  # written by the shell's language toggle too (callbacks/shell.py)
SESSION_COOKIE: Final = "ioc_session"
SEEN_KEY: Final = "ioc_seen"  # time of the session's last activity (epoch seconds)
# The last activity is rewritten at most this often: each rewrite re-sends the cookie, and concurrent
# Dash requests that all re-send their copy of the session could undo each other's changes.
SEEN_RESOLUTION_SECONDS: Final = 30
EXPIRED_KEY: Final = "ioc_expired"
PUBLIC_PATHS: Final = frozenset({"/login", "/login/token", "/healthz"})
# Answered without looking anyone up: a health check must work while the IOC store is down; /metrics
# checks its own bearer token (ioc_app.metrics).
ANONYMOUS_PATHS: Final = frozenset({"/healthz", "/metrics"})
# Answered whoever asks: signing out of a session that already expired just shows the sign-in page.
OPEN_PATHS: Final = PUBLIC_PATHS | {"/logout"}
STATIC_PREFIXES: Final = ("/assets/", "/_dash-component-suites/")
STATIC_PATHS: Final = frozenset({"/_favicon.ico"})  # Dash's icon; the server pages link it too
DASH_CALLBACK_PATH: Final = "/_dash-update-component"
PRESENT_PATH: Final = "/present"  # the wall's presentation mode: a display token may come in its URL
_G_VIA: Final = "ioc_auth_via"  # "session" or "bearer"


# --- the session principal (Flask-Login) ---------------------------------------------------------------


class Principal(UserMixin):  # type: ignore[misc]  # Flask-Login ships no type information
    """A signed-in session: a person ("u:<id>:<epoch>") or a wall display's token ("t:<id>")."""

    def __init__(self, identity: Identity, session_id: str) -> None:
        self.identity = identity
        self._session_id = session_id

    def get_id(self) -> str:
        return self._session_id


def _user_session_id(user: accounts.User) -> str:
    # The epoch changes with the password or when the account is disabled: older sessions stop working.
    return f"u:{user.id}:{user.session_epoch}"


def _load_principal(engine: Engine, session_id: str) -> Principal | None:
    kind, _, rest = session_id.partition(":")
    try:
        if kind == "u":
            raw_id, _, raw_epoch = rest.partition(":")
            user = accounts.get_user(engine, int(raw_id))
            if user is not None and user.active and user.session_epoch == int(raw_epoch):
                return Principal(user.identity, session_id)
        elif kind == "t":
            token = accounts.get_token(engine, int(rest))
            if token is not None and token.active and token.kind == DISPLAY:
                return Principal(token.identity, session_id)
    except ValueError:
        pass
    return None


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, marked Secure when configured or when this request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


# --- what the shell shows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Badge:
    """Who is signed in, as the header shows it."""

    name: str
    role: str  # admin | central | province | display | api
    province_name: str | None  # "Thành phố Hồ Chí Minh" for a provincial user or token
    is_admin: bool
    csrf_token: str | None  # for the sign-out form; None when there is no session to end (bearer token)


def province_name(code: str | None) -> str | None:
    unit = geo.province_by_code().get(code or "")
    return None if unit is None else f"{unit.kind} {unit.name}"


def current_badge() -> Badge | None:
    """The header's badge for this request's identity; None outside a request or when nobody signed in."""
    if not has_request_context():
        return None
    identity = current_identity()
    if identity is None:
        return None
    via_session = getattr(g, _G_VIA, None) == "session"
    return Badge(
        name=identity.name,
        role=identity.role,
        province_name=province_name(identity.province),
        is_admin=identity.is_admin,
        csrf_token=generate_csrf() if via_session else None,
    )


def request_language(default: str) -> str:
    """``?lang=`` if valid, else the language cookie the shell writes, else ``default`` (also outside a request)."""
    if not has_request_context():
        return default
    for candidate in (request.args.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    return default if default in LANGUAGES else "vi"


def _set_lang_cookie(resp: Response, lang: str) -> None:
    resp.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=False)


# --- URL checks -----------------------------------------------------------------------------------------


def safe_next(raw: str | None) -> str:
    """A local path to return to after signing in; "/" for anything else (open-redirect guard)."""
    if not raw:
        return "/"
    candidate = raw.strip()
    if (
        not candidate.startswith("/")
        or candidate.startswith("//")
        or "\\" in candidate
        or any(ord(c) < 32 or ord(c) == 127 for c in candidate)
    ):
        return "/"
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc or parts.path in PUBLIC_PATHS or parts.path == "/logout":
        return "/"
    return candidate


def _is_static(path: str) -> bool:
    return path in STATIC_PATHS or path.startswith(STATIC_PREFIXES)


def _wants_json(path: str) -> bool:
    return path.startswith("/api/") or path.startswith("/_") or request.method not in ("GET", "HEAD")


def json_error(status: int, message: str) -> Response:
    resp = jsonify({"error": message, "status": status})
    resp.status_code = status
    return resp


def _bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip()


# --- wiring --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Config:
    services: Services
    idle_seconds: float
    background_triggers: frozenset[str]


def init_auth(
    server: Flask, services: Services, background_triggers: frozenset[str] = frozenset()
) -> tuple[CSRFProtect, Limiter]:
    """Sessions, CSRF, rate limits, the access hook and the sign-in pages on ``server``.

    ``background_triggers`` are the "component.property" inputs of Dash callbacks that browsers fire
    by themselves (polling); a request fired only by those does not keep a person's session alive.
    """
    settings = services.settings
    if settings.session_idle_minutes <= 0:
        raise SettingsError(f"IOC_SESSION_IDLE_MINUTES must be a positive number, got {settings.session_idle_minutes}")
    for name, value in (
        ("IOC_LOGIN_LIMIT_ACCOUNT", settings.login_limit_account),
        ("IOC_LOGIN_LIMIT_ADDRESS", settings.login_limit_address),
    ):
        try:
            parse_many(value)
        except ValueError:
            raise SettingsError(f"{name}={value!r} is not a rate limit such as 5/minute") from None
    server.secret_key = secret_key_for(settings)
    server.config.update(
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        # The server enforces the idle limit (SEEN_KEY); the cookie outlives it a little so that the
        # next request can still say "your session expired".
        PERMANENT_SESSION_LIFETIME=dt.timedelta(minutes=settings.session_idle_minutes + 10),
        # Send the cookie only when the session changed (see SEEN_RESOLUTION_SECONDS).
        SESSION_REFRESH_EACH_REQUEST=False,
        # The sign-out form stays on screen as long as the session lives; the session's idle limit applies.
        WTF_CSRF_TIME_LIMIT=None,
    )
    server.session_interface = _SessionInterface()
    if settings.trust_proxy:
        # One reverse proxy in front: its X-Forwarded-For gives the client's address, -Proto whether HTTPS.
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]  # the documented way to wrap Flask's WSGI app

    config = _Config(services, settings.session_idle_minutes * 60.0, background_triggers)

    login_manager = LoginManager()
    login_manager.init_app(server)
    login_manager.user_loader(lambda session_id: _load_principal(services.ioc_engine, session_id))

    limiter = Limiter(
        _client_address,
        app=server,
        storage_uri=settings.redis_url or "memory://",
        default_limits=[],
        key_prefix="ioc",
        # Redis down: count in this worker's memory rather than refuse every sign-in.
        in_memory_fallback_enabled=bool(settings.redis_url),
    )
    csrf = CSRFProtect(server)
    dispatch = server.view_functions.get(DASH_CALLBACK_PATH)
    if dispatch is not None:
        csrf.exempt(dispatch)

    # One budget for display sign-ins, whichever way the token comes (/login/token or /present?token=).
    token_limit = limiter.shared_limit(settings.login_limit_address, scope="token-address")
    # Before the guard: a wall opening /present?token=... is signed in instead of sent to /login.
    server.before_request(lambda: _wall_sign_in(config, token_limit))
    server.before_request(lambda: _guard(config))
    server.register_blueprint(_auth_blueprint(config, limiter, token_limit))
    return csrf, limiter


def _client_address() -> str:
    return request.remote_addr or "unknown"


def _account_key() -> str:
    return "account:" + (request.form.get("username") or "").strip().lower()[:60]


def _guard(config: _Config) -> ResponseReturnValue | None:
    """Resolve who is asking; turn away whoever may not."""
    path = request.path
    if _is_static(path) or path in ANONYMOUS_PATHS:
        return None
    secret = _bearer_secret()
    if secret is not None:
        token = accounts.find_token(config.services.ioc_engine, secret)
        if token is None:
            set_identity(None)
            audit.denied(path, "unknown or revoked bearer token")
            resp = json_error(401, "invalid or revoked token")
            resp.headers["WWW-Authenticate"] = 'Bearer realm="VET IOC", error="invalid_token"'
            return resp
        identity: Identity | None = token.identity
        setattr(g, _G_VIA, "bearer")
    else:
        identity = _session_identity(config)
        if identity is not None:
            setattr(g, _G_VIA, "session")
    set_identity(identity)
    if path in OPEN_PATHS:
        return None
    if identity is None:
        return _unauthenticated(path)
    if identity.role == API and not path.startswith("/api/"):
        audit.denied(path, "API tokens read the API only")
        return json_error(403, "API tokens read the API only")
    return None


def _session_identity(config: _Config) -> Identity | None:
    if not current_user.is_authenticated:
        return None
    identity: Identity = current_user.identity
    now = time.time()
    seen = session.get(SEEN_KEY)
    if not isinstance(seen, int | float) or now - seen > config.idle_seconds:
        audit.record("session_expired", identity=identity)
        _end_session()
        session[EXPIRED_KEY] = True
        return None
    if now - seen >= SEEN_RESOLUTION_SECONDS and (
        identity.role == DISPLAY or not _background_only(config.background_triggers)
    ):
        session[SEEN_KEY] = now
    return identity


def _background_only(triggers: frozenset[str]) -> bool:
    """Whether this is a Dash callback fired only by the browser's own polling."""
    if not triggers or request.path != DASH_CALLBACK_PATH:
        return False
    body = callback_body()
    changed = body.get("changedPropIds") if body is not None else None
    return bool(changed) and isinstance(changed, list) and all(c in triggers for c in changed)


def _unauthenticated(path: str) -> ResponseReturnValue:
    if _wants_json(path):
        resp = json_error(401, "sign-in required")
        if path.startswith("/api/"):
            resp.headers["WWW-Authenticate"] = 'Bearer realm="VET IOC"'
        return resp
    target = path + (f"?{request.query_string.decode('latin-1')}" if request.query_string else "")
    query = {"next": target} if target != "/" else {}
    return redirect("/login" + (f"?{urlencode(query)}" if query else ""))


def _start_session(principal: Principal) -> None:
    session.clear()  # nothing from before sign-in is carried over
    login_user(principal)
    session.permanent = True
    session[SEEN_KEY] = time.time()
    # The session's CSRF secret exists from the first response on, so that concurrent requests
    # (which each send back their copy of the session) all carry the same one.
    generate_csrf()


def _end_session() -> None:
    logout_user()
    session.clear()


# --- the sign-in pages ----------------------------------------------------------------------------------


def _lang_switch_url(lang: str) -> str:
    """This page in the other language (other query parameters kept)."""
    query = {k: v for k, v in request.args.items() if k != "lang"}
    query["lang"] = "en" if lang == "vi" else "vi"
    return f"{request.path}?{urlencode(query)}"


def _render(template: str, lang: str, status: int = 200, **context: Any) -> Response:
    resp = Response(
        render_template(
            template,
            lang=lang,
            t=lambda key: t(key, lang),
            lang_switch_url=_lang_switch_url(lang),
            badge=current_badge(),
            role_label=lambda role: role_label(role, lang),
            **context,
        ),
        status=status,
        mimetype="text/html",
    )
    resp.headers["Cache-Control"] = "no-store"
    if request.args.get("lang") in LANGUAGES:
        _set_lang_cookie(resp, lang)
    return resp


def _token_page(lang: str, status: int = 200, message: str | None = None, next_url: str | None = None) -> Response:
    return _render(
        "sign_in_token.html",
        lang,
        status,
        message=message,
        next_url=next_url if next_url is not None else safe_next(request.values.get("next")),
    )


def _sign_in_display(engine: Engine, secret: str) -> accounts.Token | None:
    """Open a wall display's session with a display token (audited either way); None when refused."""
    token = accounts.find_token(engine, secret)
    if token is None or token.kind != DISPLAY:
        audit.record("login_failed", "", "display sign-in with an invalid, revoked or non-display token")
        return None
    _start_session(Principal(token.identity, f"t:{token.id}"))
    set_identity(token.identity)
    audit.record("token_login", token.name, "", token.identity)
    return token


def _wall_sign_in(config: _Config, token_limit: RouteLimit) -> ResponseReturnValue | None:
    """``GET /present?token=SECRET``: sign the wall in as that display token, then show the same
    address without the token (so it is neither bookmarked nor kept in the history)."""
    if request.path != PRESENT_PATH or request.method != "GET" or "token" not in request.args:
        return None
    lang = request_language(config.services.settings.default_language)
    rest = [(k, v) for k, v in request.args.items(multi=True) if k != "token"]
    clean_url = PRESENT_PATH + (f"?{urlencode(rest)}" if rest else "")
    try:
        with token_limit:
            token = _sign_in_display(config.services.ioc_engine, request.args.get("token", "").strip())
    except RateLimitExceeded:
        log.warning("sign-in rate limit reached from %s", _client_address())
        resp = _token_page(lang, 429, "login.rate_limited", clean_url)
        resp.headers["Retry-After"] = "60"
        return resp
    if token is None:
        return _token_page(lang, 401, "login.token_invalid", clean_url)
    setattr(g, _G_VIA, "session")
    resp = redirect(clean_url)
    resp.headers["Referrer-Policy"] = "no-referrer"
    return resp


def _auth_blueprint(config: _Config, limiter: Limiter, token_limit: RouteLimit) -> Blueprint:
    bp = Blueprint("ioc_auth", __name__)
    settings = config.services.settings
    engine = config.services.ioc_engine

    def lang() -> str:
        return request_language(settings.default_language)

    def login_page(status: int = 200, message: str | None = None, username: str = "") -> Response:
        expired = bool(session.pop(EXPIRED_KEY, False))
        return _render(
            "sign_in.html",
            lang(),
            status,
            message=message or ("login.expired" if expired else None),
            next_url=safe_next(request.values.get("next")),
            username=username,
            signed_out=request.args.get("signed_out") == "1",
        )

    def token_page(status: int = 200, message: str | None = None) -> Response:
        return _token_page(lang(), status, message)

    @bp.errorhandler(RateLimitExceeded)
    def _limited(_err: RateLimitExceeded) -> ResponseReturnValue:
        log.warning("sign-in rate limit reached from %s", _client_address())
        page = token_page if request.path == "/login/token" else login_page
        resp = page(429, "login.rate_limited")
        resp.headers["Retry-After"] = "60"
        return resp

    @bp.errorhandler(CSRFError)
    def _csrf(_err: CSRFError) -> ResponseReturnValue:
        page = token_page if request.path == "/login/token" else login_page
        return page(400, "login.csrf")

    @bp.get("/login")
    def login_form() -> ResponseReturnValue:
        if current_identity() is not None and getattr(g, _G_VIA, None) == "session":
            return redirect(safe_next(request.args.get("next")))
        return login_page()

    @bp.post("/login")
    @limiter.limit(settings.login_limit_address, methods=["POST"], scope="login-address")
    @limiter.limit(settings.login_limit_account, key_func=_account_key, methods=["POST"], scope="login-account")
    def login_submit() -> ResponseReturnValue:
        username = (request.form.get("username") or "").strip()
        password = request.form.get("password") or ""
        user, why = accounts.authenticate(engine, username, password)
        if user is None:
            audit.record("login_failed", username[:60], why, identity=None)
            # Unknown name, wrong password or disabled account: the same answer.
            return login_page(401, "login.failed", username=username)
        _start_session(Principal(user.identity, _user_session_id(user)))
        set_identity(user.identity)
        audit.record("login_ok", user.username, "", user.identity)
        return redirect(safe_next(request.form.get("next")))

    @bp.route("/login/token", methods=["GET", "POST"])
    @token_limit
    def token_login() -> ResponseReturnValue:
        secret = (request.form.get("token") or request.args.get("token") or "").strip()
        if not secret:
            return token_page()
        if _sign_in_display(engine, secret) is None:
            return token_page(401, "login.token_invalid")
        # The redirect drops the token from the address bar and the history.
        resp = redirect(safe_next(request.values.get("next")))
        resp.headers["Referrer-Policy"] = "no-referrer"
        return resp

    @bp.post("/logout")
    def logout() -> ResponseReturnValue:
        identity = current_identity()
        if identity is not None and getattr(g, _G_VIA, None) == "session":
            audit.record("logout", identity.name, "", identity)
        language = lang()
        _end_session()
        return redirect("/login?" + urlencode({"signed_out": "1", "lang": language}))

    return bp


# --- for the admin pages --------------------------------------------------------------------------------


def render_page(template: str, default_language: str, status: int = 200, **context: Any) -> Response:
    """A server-rendered page in the request's language (see :func:`request_language`)."""
    return _render(template, request_language(default_language), status, **context)


def require_admin(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """Admins only: everyone else gets 403 (and an audit entry)."""
    from functools import wraps

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        identity = current_identity()
        if identity is None or identity.role != ADMIN or getattr(g, _G_VIA, None) != "session":
            audit.denied(request.path, "admin pages")
            settings = current_app.config["IOC_SERVICES"].settings
            return _render("forbidden.html", request_language(settings.default_language), 403)
        return view(*args, **kwargs)

    return wrapped


def require_person(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """People signed in through a session (admins, central and provincial users); tokens and others get 403."""
    from functools import wraps

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        identity = current_identity()
        if identity is None or identity.role not in ROLES or getattr(g, _G_VIA, None) != "session":
            audit.denied(request.path, "pages for signed-in people")
            settings = current_app.config["IOC_SERVICES"].settings
            return _render("forbidden.html", request_language(settings.default_language), 403)
        return view(*args, **kwargs)

    return wrapped
