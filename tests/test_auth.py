"""Signing in and out, who may read what, and what is audited: the Flask server through its test client."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ioc_app import accounts, audit, create_app
from ioc_app.auth import SEEN_KEY, safe_next
from ioc_app.settings import Settings, SettingsError
from tests.conftest import TEST_PASSWORD, csrf_token, database_url, ensure_user, new_store, sign_in, signed_in_client

ROOT = Path(__file__).resolve().parent.parent
FAILED_VI = "Sai tên đăng nhập hoặc mật khẩu."


@pytest.fixture
def app(test_settings: Settings):
    return create_app(test_settings)


def _engine(app):
    return app.server.config["IOC_SERVICES"].ioc_engine


def _actions(app) -> list[tuple[str, str]]:
    rows, _ = audit.entries(_engine(app), limit=None)
    return [(e.action, e.actor) for e in reversed(rows)]


def _set_cookies(resp) -> list[str]:
    return resp.headers.getlist("Set-Cookie")


def _layout(client) -> dict:
    resp = client.get("/_dash-layout")
    assert resp.status_code == 200
    return resp.get_json()


def _props(node):
    """Every component's props in a layout tree."""
    if isinstance(node, dict):
        if "props" in node:
            yield node["props"]
            yield from _props(node["props"].get("children"))
    elif isinstance(node, list):
        for child in node:
            yield from _props(child)


def _layout_text(client) -> str:
    return json.dumps(_layout(client), ensure_ascii=False)


def _layout_csrf(client) -> str:
    """The sign-out form's CSRF token, as the shell's header carries it."""
    found = [p["value"] for p in _props(_layout(client)) if p.get("name") == "csrf_token"]
    assert len(found) == 1, "the header has a sign-out form"
    return found[0]


POLL = {
    "output": "shell-snapshot.data",
    "outputs": {"id": "shell-snapshot", "property": "data"},
    "inputs": [{"id": "shell-interval", "property": "n_intervals", "value": 3}],
    "state": [{"id": "shell-snapshot", "property": "data", "value": None}],
    "changedPropIds": ["shell-interval.n_intervals"],
}


# --- who gets in without signing in --------------------------------------------------------------------


def test_anonymous_pages_go_to_the_sign_in_page_with_a_local_next(app) -> None:
    client = app.server.test_client()
    resp = client.get("/")
    assert resp.status_code == 302 and resp.headers["Location"] == "/login"
    resp = client.get("/scorecard?sort=T01&level=63")
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/login?next=%2Fscorecard%3Fsort%3DT01%26level%3D63"
    for path in ("/targets/T01", "/admin/users", "/map"):
        assert client.get(path).headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/indicators"),
        ("get", "/api/v1/geo/provinces"),
        ("get", "/_dash-layout"),
        ("get", "/_dash-dependencies"),
        ("post", "/_dash-update-component"),
    ],
)
def test_anonymous_api_and_dash_requests_get_401_json(app, method: str, path: str) -> None:
    client = app.server.test_client()
    resp = getattr(client, method)(path, json=POLL) if method == "post" else client.get(path)
    assert resp.status_code == 401
    assert resp.get_json() == {"error": "sign-in required", "status": 401}


def test_public_paths_need_no_sign_in(app) -> None:
    client = app.server.test_client()
    for path in ("/login", "/login/token", "/healthz", "/assets/style.css", "/assets/auth.js", "/_favicon.ico"):
        assert client.get(path).status_code in (200, 503), path  # /healthz: 503 with an empty database
    signed = signed_in_client(app)
    index = signed.get("/").get_data(as_text=True)
    suite = re.search(r'src="(/_dash-component-suites/[^"]+)"', index)
    assert suite and client.get(suite.group(1)).status_code == 200


def test_the_health_check_answers_while_the_store_is_down(app) -> None:
    from data_sources.engine import make_engine

    client = signed_in_client(app)
    services = app.server.config["IOC_SERVICES"]
    services.ioc_engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    resp = client.get("/healthz")  # with a session cookie, which cannot be checked now
    assert resp.status_code == 503 and resp.get_json()["ioc_database"]["reachable"] is False


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, "/"),
        ("/scorecard?sort=T01", "/scorecard?sort=T01"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/login?next=/x", "/"),
        ("/ok\r\nSet-Cookie: x=1", "/"),
    ],
)
def test_only_local_next_urls(raw: str | None, expected: str) -> None:
    assert safe_next(raw) == expected


# --- the sign-in page ----------------------------------------------------------------------------------


def test_sign_in_page_is_vietnamese_by_default_english_on_request(app) -> None:
    client = app.server.test_client()
    vi = client.get("/login").get_data(as_text=True)
    assert '<html lang="vi">' in vi
    for text in ("Đăng nhập hệ thống", "Tên đăng nhập", "Mật khẩu", 'name="csrf_token"', 'name="username"'):
        assert text in vi
    resp = client.get("/login?lang=en")
    en = resp.get_data(as_text=True)
    assert '<html lang="en">' in en and "Username" in en and "Password" in en
    assert any(c.startswith("ioc_lang=en") for c in _set_cookies(resp))
    # The cookie the shell's language toggle writes.
    other = app.server.test_client()
    other.set_cookie("ioc_lang", "en")
    assert "Sign in" in other.get("/login").get_data(as_text=True)


def test_sign_in_success_sets_a_safe_session_cookie_and_audits(app) -> None:
    name, password = ensure_user(app.server.config["IOC_SERVICES"].settings.ioc_database_url, "central")
    client = app.server.test_client()
    resp = sign_in(client, name, password, next="/scorecard?sort=T01")
    assert resp.status_code == 302 and resp.headers["Location"] == "/scorecard?sort=T01"
    cookie = next(c for c in _set_cookies(resp) if c.startswith("ioc_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert client.get("/scorecard").status_code == 200
    assert client.get("/login").status_code == 302  # already signed in
    assert ("login_ok", name) in _actions(app)
    # An outside "next" is ignored.
    other = app.server.test_client()
    assert sign_in(other, name, password, next="https://evil.example/").headers["Location"] == "/"


def test_cookies_are_secure_over_https_or_when_configured(test_settings: Settings) -> None:
    app = create_app(test_settings)
    name, password = ensure_user(test_settings.ioc_database_url, "central")
    client = app.server.test_client()
    token = csrf_token(client)
    resp = client.post(
        "/login",
        data={"username": name, "password": password, "csrf_token": token},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/login"},
    )
    assert resp.status_code == 302
    assert "Secure" in next(c for c in _set_cookies(resp) if c.startswith("ioc_session="))
    configured = create_app(dataclasses.replace(test_settings, cookie_secure=True))
    resp = configured.server.test_client().get("/login")
    assert "Secure" in next(c for c in _set_cookies(resp) if c.startswith("ioc_session="))


def test_a_failed_sign_in_never_says_why(app) -> None:
    db = app.server.config["IOC_SERVICES"].settings.ioc_database_url
    name, password = ensure_user(db, "province", "79")
    ensure_user(db, "admin")
    accounts.set_active(_engine(app), name, False)
    bodies = []
    for username, pw in [(name, password), ("test.admin", "wrong password!"), ("nobody.here", password)]:
        resp = sign_in(app.server.test_client(), username, pw)
        assert resp.status_code == 401
        body = resp.get_data(as_text=True)
        assert FAILED_VI in body
        bodies.append(re.sub(r'name="csrf_token" value="[^"]+"', "", body.replace(username, "NAME")))
    assert bodies[0] == bodies[1] == bodies[2]
    failed = [e for e in audit.entries(_engine(app), action="login_failed")[0]]
    assert sorted(e.detail for e in failed) == ["account disabled", "unknown user", "wrong password"]
    assert {e.actor for e in failed} == {"anonymous"}


def test_forms_need_their_csrf_token(app) -> None:
    name, password = ensure_user(app.server.config["IOC_SERVICES"].settings.ioc_database_url, "central")
    client = app.server.test_client()
    client.get("/login")
    resp = client.post("/login", data={"username": name, "password": password})
    assert resp.status_code == 400 and "Biểu mẫu đã hết hạn" in resp.get_data(as_text=True)
    resp = client.post("/login", data={"username": name, "password": password, "csrf_token": "forged"})
    assert resp.status_code == 400
    signed = signed_in_client(app)
    assert signed.post("/logout").status_code == 400
    assert signed.post("/admin/users/add", data={"username": "x.y", "role": "central"}).status_code == 400
    assert signed.get("/").status_code == 200  # still signed in


def test_sign_in_attempts_are_limited_per_account(test_settings: Settings) -> None:
    app = create_app(dataclasses.replace(test_settings, login_limit_account="3/minute"))
    name, password = ensure_user(test_settings.ioc_database_url, "central")
    client = app.server.test_client()
    for _ in range(3):
        assert sign_in(client, name, "wrong password!").status_code == 401
    resp = sign_in(client, name, password)  # even the right password, until the minute is over
    assert resp.status_code == 429 and resp.headers["Retry-After"] == "60"
    assert "Quá nhiều lần đăng nhập" in resp.get_data(as_text=True)
    resp = client.post(
        "/login?lang=en", data={"username": name, "password": password, "csrf_token": csrf_token(client)}
    )
    assert resp.status_code == 429 and "Too many sign-in attempts" in resp.get_data(as_text=True)
    other = ensure_user(test_settings.ioc_database_url, "admin")
    assert sign_in(client, *other).status_code == 302  # another account from the same address


def test_sign_in_attempts_are_limited_per_address(test_settings: Settings) -> None:
    app = create_app(dataclasses.replace(test_settings, login_limit_address="4/minute"))
    client = app.server.test_client()
    for i in range(4):
        assert sign_in(client, f"someone.{i}", "wrong password!").status_code == 401
    assert sign_in(client, "someone.else", "wrong password!").status_code == 429
    assert sign_in(app.server.test_client(), "someone.new", "wrong password!").status_code == 429  # same address


def test_bad_limits_and_idle_settings_refuse_to_start(test_settings: Settings) -> None:
    with pytest.raises(SettingsError, match="IOC_LOGIN_LIMIT_ACCOUNT"):
        create_app(dataclasses.replace(test_settings, login_limit_account="many"))
    with pytest.raises(SettingsError, match="IOC_SESSION_IDLE_MINUTES"):
        create_app(dataclasses.replace(test_settings, session_idle_minutes=0))


# --- sessions ------------------------------------------------------------------------------------------


def test_a_session_expires_after_the_idle_limit(app) -> None:
    client = signed_in_client(app, "central")
    assert client.get("/").status_code == 200
    with client.session_transaction() as sess:
        sess[SEEN_KEY] -= 60 * 60 + 1  # the default limit is 60 minutes
    resp = client.get("/scorecard")
    assert resp.status_code == 302 and resp.headers["Location"] == "/login?next=%2Fscorecard"
    page = client.get("/login").get_data(as_text=True)
    assert "Phiên làm việc đã hết hạn" in page
    assert client.get("/api/v1/indicators").status_code == 401
    assert ("session_expired", "test.central") in _actions(app)


def test_background_polling_does_not_keep_a_session_alive(app) -> None:
    client = signed_in_client(app, "central")
    with client.session_transaction() as sess:
        sess[SEEN_KEY] -= 600
        before = sess[SEEN_KEY]
    resp = client.post("/_dash-update-component", json=POLL)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    with client.session_transaction() as sess:
        assert sess[SEEN_KEY] == before
    assert client.get("/_dash-layout").status_code == 200  # the user opens a page
    with client.session_transaction() as sess:
        assert sess[SEEN_KEY] > before


def test_disabled_accounts_and_new_passwords_end_sessions_at_the_next_request(app) -> None:
    client = signed_in_client(app, "province", "01")
    assert client.get("/").status_code == 200
    accounts.set_active(_engine(app), "test.province.01", False)
    assert client.get("/").status_code == 302
    assert client.post("/_dash-update-component", json=POLL).status_code == 401
    accounts.set_active(_engine(app), "test.province.01", True)
    client = signed_in_client(app, "province", "01")
    accounts.set_password(_engine(app), "test.province.01", TEST_PASSWORD)  # even the same password
    assert client.get("/api/v1/indicators").status_code == 401


def test_sign_out_needs_its_form_token_and_ends_the_session(app) -> None:
    client = signed_in_client(app, "admin")
    token = _layout_csrf(client)
    resp = client.post("/logout", data={"csrf_token": token})
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login?signed_out=1")
    assert "Bạn đã đăng xuất" in client.get(resp.headers["Location"]).get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert ("logout", "test.admin") in _actions(app)


def test_the_header_says_who_is_signed_in(app) -> None:
    body = _layout_text(signed_in_client(app, "province", "79"))
    assert "test.province.79" in body and "Cán bộ tỉnh, thành phố · Thành phố Hồ Chí Minh" in body
    assert "/logout" in body and "Đăng xuất" in body and "/admin/users" not in body
    admin = _layout_text(signed_in_client(app, "admin"))
    assert "Quản trị viên" in admin and "/admin/users" in admin


# --- tokens --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_app(small_demo: Settings):
    return create_app(small_demo)


def test_bearer_tokens_read_the_api(demo_app) -> None:
    engine = _engine(demo_app)
    _, api_secret = accounts.create_token(engine, "bearer api test", "api")
    _, display_secret = accounts.create_token(engine, "bearer display test", "display", "79")
    client = demo_app.server.test_client()

    def get(path: str, secret: str):
        return client.get(path, headers={"Authorization": f"Bearer {secret}"})

    resp = get("/api/v1/indicators", api_secret)
    assert resp.status_code == 200 and len(resp.get_json()["indicators"]) == 12
    assert not _set_cookies(resp)  # no session for bearer requests
    assert get("/api/v1/indicators/T01", display_secret).status_code == 200
    assert get("/", display_secret).status_code == 200  # a display may read the pages too
    resp = get("/", api_secret)
    assert resp.status_code == 403 and resp.get_json()["status"] == 403
    for secret in ("ioc_wrong", "nonsense", ""):
        resp = get("/api/v1/indicators", secret)
        assert resp.status_code == 401 and resp.get_json() == {"error": "invalid or revoked token", "status": 401}
    accounts.revoke_token(engine, "bearer api test")
    assert get("/api/v1/indicators", api_secret).status_code == 401
    denied = audit.entries(engine, action="denied")[0]
    assert any(e.target == "/" and e.actor == "bearer api test" for e in denied)
    assert any(e.detail == "unknown or revoked bearer token" for e in denied)


def test_a_display_token_signs_a_browser_in_once(demo_app) -> None:
    engine = _engine(demo_app)
    _, secret = accounts.create_token(engine, "wall 1", "display")
    _, api_secret = accounts.create_token(engine, "not a display", "api")
    client = demo_app.server.test_client()
    resp = client.get(f"/login/token?token={secret}&next=/map")
    assert resp.status_code == 302 and resp.headers["Location"] == "/map" and secret not in resp.headers["Location"]
    assert client.get("/map").status_code == 200 and client.get("/api/v1/indicators").status_code == 200
    header = _layout_text(client)
    assert "wall 1" in header and "Màn hình hiển thị" in header
    # Wall displays are unattended: their polling keeps the session.
    with client.session_transaction() as sess:
        sess[SEEN_KEY] -= 600
        before = sess[SEEN_KEY]
    assert client.post("/_dash-update-component", json=POLL).status_code == 200
    with client.session_transaction() as sess:
        assert sess[SEEN_KEY] > before
    assert client.get("/admin/users").status_code == 403
    accounts.revoke_token(engine, "wall 1")
    assert client.get("/").status_code == 302  # revoked: out at the next request

    other = demo_app.server.test_client()
    resp = other.post("/login/token", data={"token": api_secret, "csrf_token": csrf_token(other, "/login/token")})
    assert resp.status_code == 401 and "Mã truy cập không hợp lệ" in resp.get_data(as_text=True)
    _, secret2 = accounts.create_token(engine, "wall 2", "display")
    resp = other.post("/login/token", data={"token": secret2, "csrf_token": csrf_token(other, "/login/token")})
    assert resp.status_code == 302 and other.get("/").status_code == 200
    assert ("token_login", "wall 2") in _actions(demo_app)


def test_a_wall_opening_present_with_its_token_is_signed_in_and_the_token_leaves_the_address(app) -> None:
    engine = _engine(app)
    _, secret = accounts.create_token(engine, "wall 3", "display", playlist="dieu-hanh")
    client = app.server.test_client()
    resp = client.get(f"/present?playlist=dieu-hanh&token={secret}&lang=en")
    assert resp.status_code == 302 and resp.headers["Location"] == "/present?playlist=dieu-hanh&lang=en"
    assert resp.headers["Referrer-Policy"] == "no-referrer" and secret not in resp.headers["Location"]
    assert client.get("/api/v1/indicators").status_code != 401  # signed in (a session, not a bearer header)
    with client.session_transaction() as sess:
        assert sess["_user_id"] == f"t:{accounts.tokens(engine)[0].id}"
    resp = app.server.test_client().get(f"/present?token={secret}")
    assert resp.status_code == 302 and resp.headers["Location"] == "/present"
    assert ("token_login", "wall 3") in _actions(app)

    # Only this exact path signs in; elsewhere the token in the address is ignored.
    resp = app.server.test_client().get(f"/map?token={secret}")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login?next=")


def test_a_revoked_or_wrong_token_in_the_present_address_gets_the_token_page(app) -> None:
    engine = _engine(app)
    _, secret = accounts.create_token(engine, "wall 4", "display")
    _, api_secret = accounts.create_token(engine, "api 4", "api")
    accounts.revoke_token(engine, "wall 4")
    for bad in (secret, api_secret, "ioc_wrong", "nonsense", ""):
        client = app.server.test_client()
        resp = client.get(f"/present?token={bad}&playlist=x")
        page = resp.get_data(as_text=True)
        assert resp.status_code == 401 and "Mã truy cập không hợp lệ" in page and "Traceback" not in page
        assert 'name="next" value="/present?playlist=x"' in page
        assert client.get("/api/v1/indicators").status_code == 401  # still not signed in
    assert [a for a, _ in _actions(app)].count("login_failed") == 5


def test_token_sign_ins_share_one_rate_limit(test_settings: Settings) -> None:
    app = create_app(dataclasses.replace(test_settings, login_limit_address="3/minute"))
    client = app.server.test_client()
    assert client.get("/present?token=ioc_wrong").status_code == 401
    assert client.get("/login/token?token=ioc_wrong").status_code == 401
    assert client.get("/present?token=ioc_wrong").status_code == 401
    for path in ("/present?token=ioc_wrong", "/login/token?token=ioc_wrong"):
        resp = client.get(path)
        assert resp.status_code == 429 and resp.headers["Retry-After"] == "60", path
        assert "Quá nhiều lần đăng nhập" in resp.get_data(as_text=True)


# --- administration ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "province"), [("central", None), ("province", "79")])
def test_admin_pages_are_for_admins_only(app, role: str, province: str | None) -> None:
    client = signed_in_client(app, role, province)
    for path in ("/admin/users", "/admin/tokens", "/admin/audit", "/admin/audit/export?fmt=csv"):
        resp = client.get(path)
        assert resp.status_code == 403, path
        assert "Không có quyền truy cập" in resp.get_data(as_text=True)
    assert client.post("/admin/users/add", data={"csrf_token": _layout_csrf(client)}).status_code == 403
    denied = audit.entries(_engine(app), action="denied")[0]
    assert {e.target for e in denied} >= {"/admin/users", "/admin/tokens", "/admin/audit"}


def test_admins_manage_accounts_and_tokens(app) -> None:
    client = signed_in_client(app, "admin")
    token = csrf_token(client, "/admin/users")
    resp = client.post(
        "/admin/users/add",
        data={
            "csrf_token": token,
            "username": "danang",
            "role": "province",
            "province": "48",
            "password": "đà nẵng 2026!",
        },
    )
    assert resp.status_code == 302
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Đã thêm tài khoản" in page and "Thành phố Đà Nẵng" in page
    assert accounts.authenticate(_engine(app), "danang", "đà nẵng 2026!")[0] is not None

    bad = client.post(
        "/admin/users/add",
        data={"csrf_token": token, "username": "x.y", "role": "province", "province": "", "password": "long enough pw"},
    )
    assert bad.status_code == 400 and "Tài khoản cấp tỉnh cần gắn với đúng một tỉnh" in bad.get_data(as_text=True)
    resp = client.post(
        "/admin/users/password?lang=en", data={"csrf_token": token, "username": "danang", "password": "short"}
    )
    assert resp.status_code == 400 and "Password too short" in resp.get_data(as_text=True)
    assert (
        client.post("/admin/users/active", data={"csrf_token": token, "username": "danang", "active": "0"}).status_code
        == 302
    )
    assert (
        client.post(
            "/admin/users/role", data={"csrf_token": token, "username": "danang", "role": "central", "province": ""}
        ).status_code
        == 302
    )
    assert accounts.users(_engine(app))[0].role == "central"

    resp = client.post(
        "/admin/tokens/create",
        data={"csrf_token": token, "name": "Màn hình phòng họp", "kind": "display", "province": ""},
    )
    page = resp.get_data(as_text=True)
    secret = re.search(r'<code id="token-secret">([^<]+)</code>', page).group(1)
    assert resp.headers["Cache-Control"] == "no-store" and "/login/token?token=" + secret in page
    assert accounts.find_token(_engine(app), secret) is not None
    assert secret not in client.get("/admin/tokens").get_data(as_text=True)  # shown once
    assert (
        client.post("/admin/tokens/revoke", data={"csrf_token": token, "name": "Màn hình phòng họp"}).status_code == 302
    )
    assert accounts.find_token(_engine(app), secret) is None

    actions = [a for a, _ in _actions(app) if a not in ("login_ok",)]
    assert actions[-5:] == ["user_added", "user_disabled", "role_set", "token_created", "token_revoked"]
    assert all(actor == "test.admin" for a, actor in _actions(app)[-5:])


def test_the_audit_log_page_filters_and_exports(app) -> None:
    client = signed_in_client(app, "admin")
    sign_in(app.server.test_client(), "intruder", "wrong password!")
    page = client.get("/admin/audit?action=login_failed").get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<td>", page)
    assert len(rows) == 1 and "intruder" in page
    assert "intruder" not in client.get("/admin/audit?action=login_ok").get_data(as_text=True)
    assert "intruder" in client.get("/admin/audit?actor=anon").get_data(as_text=True)
    assert client.get("/admin/audit?since=2026-13-01").status_code == 400
    assert "intruder" not in client.get("/admin/audit?until=2000-01-01").get_data(as_text=True)

    resp = client.get("/admin/audit/export?action=login_failed&fmt=csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    lines = resp.get_data().decode("utf-8-sig").splitlines()
    assert lines[0] == "time_utc,actor,role,address,action,target,detail" and len(lines) == 2
    assert ",anonymous,,127.0.0.1,login_failed,intruder,unknown user" in lines[1]
    xlsx = client.get("/admin/audit/export?fmt=xlsx")
    assert xlsx.status_code == 200 and xlsx.get_data()[:2] == b"PK"
    exports = audit.entries(_engine(app), action="export")[0]
    assert [e.actor for e in exports] == ["test.admin", "test.admin"]


def test_table_exports_are_audited_through_the_core(demo_app) -> None:
    from callbacks import home
    from ioc_app.identity import Identity, set_identity

    services = demo_app.server.config["IOC_SERVICES"]
    with demo_app.server.test_request_context("/_dash-update-component", method="POST"):
        set_identity(Identity("test.province.79", "province", "79"))
        assert home.overview_export(services, "xlsx", None, "vi") is not None
    found = audit.entries(services.ioc_engine, action="export", actor="test.province.79")[0]
    assert found and found[0].target.startswith("chi-tieu-2222_") and found[0].target.endswith(".xlsx")


def settings_with_store(settings: Settings) -> Settings:
    new_store(settings.ioc_database_url)
    return settings


def test_the_client_address_comes_from_the_proxy_only_when_trusted(test_settings: Settings, tmp_path: Path) -> None:
    for trust, expected in ((False, "127.0.0.1"), (True, "203.0.113.9")):
        settings = dataclasses.replace(
            test_settings, trust_proxy=trust, ioc_database_url=database_url(tmp_path, f"ioc-{trust}")
        )
        app = create_app(settings_with_store(settings))
        client = app.server.test_client()
        token = csrf_token(client)
        client.post(
            "/login",
            data={"username": "someone", "password": "wrong password!", "csrf_token": token},
            headers={"X-Forwarded-For": "203.0.113.9"},
        )
        assert audit.entries(_engine(app), action="login_failed")[0][0].address == expected


# --- the secret key ------------------------------------------------------------------------------------


def test_production_refuses_to_start_without_a_secret_key(test_settings: Settings) -> None:
    with pytest.raises(SettingsError, match="IOC_SECRET_KEY"):
        create_app(dataclasses.replace(test_settings, secret_key=None))
    env = {
        "PATH": "/usr/bin:/bin",
        "VET_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/vet",
        "IOC_DATABASE_URL": test_settings.ioc_database_url,
    }
    proc = subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "IOC_SECRET_KEY" in lines[0] and "Traceback" not in proc.stderr
