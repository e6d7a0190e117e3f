"""Accounts, tokens and the audit log in the IOC store (ioc_app.accounts, ioc_app.audit), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from data_sources.engine import make_engine
from ioc_app import accounts, audit
from ioc_app.accounts import AccountError
from ioc_app.identity import Identity
from tests.conftest import new_store

ADMIN_ID = Identity("root", "admin", user_id=1)
GOOD = "a long enough password"


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ioc.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_url")
    eng = make_engine(new_store(url))
    yield eng
    eng.dispose()


def _actions(engine) -> list[str]:
    rows, _ = audit.entries(engine, limit=None)
    return [e.action for e in reversed(rows)]


# --- passwords ---------------------------------------------------------------------------------------


def test_passwords_are_argon2id_hashes_that_verify() -> None:
    hashed = accounts.hash_password(GOOD)
    assert hashed.startswith("$argon2id$") and GOOD not in hashed
    assert accounts.hash_password(GOOD) != hashed  # salted
    assert accounts.verify_password(hashed, GOOD)
    assert not accounts.verify_password(hashed, GOOD + "!")
    assert not accounts.verify_password("not a hash", GOOD)


@pytest.mark.parametrize(
    "password", ["short", "123456789", "aaaaaaaaaaaaaa", "ababababab", "x" * 300, "my.name-is-long"]
)
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(AccountError):
        accounts.check_password(password, "my.name")


# --- users -------------------------------------------------------------------------------------------


def test_add_authenticate_and_audit(engine) -> None:
    user = accounts.add_user(engine, "Hanoi.Officer", "province", "1", GOOD, ADMIN_ID)
    assert (user.username, user.role, user.province, user.active) == ("hanoi.officer", "province", "01", True)
    assert user.identity == Identity("hanoi.officer", "province", "01", user_id=user.id)

    ok, why = accounts.authenticate(engine, "HANOI.officer ", GOOD)
    assert ok is not None and ok.id == user.id and why == ""
    assert accounts.get_user(engine, user.id).last_login_at is not None
    assert accounts.authenticate(engine, "hanoi.officer", "wrong password!") == (None, "wrong password")
    assert accounts.authenticate(engine, "nobody", GOOD) == (None, "unknown user")
    assert accounts.authenticate(engine, "", GOOD) == (None, "unknown user")

    rows, total = audit.entries(engine)
    assert total == 1
    assert (rows[0].action, rows[0].actor, rows[0].role, rows[0].target) == (
        "user_added",
        "root",
        "admin",
        "hanoi.officer",
    )
    assert rows[0].detail == "role=province province=01"


@pytest.mark.parametrize(
    ("name", "role", "province", "password", "key"),
    [
        ("ab cd", "central", None, GOOD, "account.username"),
        ("x", "central", None, GOOD, "account.username"),
        ("ok.name", "central", None, "short", "account.password_short"),
        ("ok.name", "chief", None, GOOD, "account.role"),
        ("ok.name", "province", None, GOOD, "account.province_needed"),
        ("ok.name", "province", "99", GOOD, "account.province"),
        ("ok.name", "province", "26", GOOD, "account.province"),  # a legacy (63-unit) code, not a current one
        ("ok.name", "central", "79", GOOD, "account.province_not_allowed"),
        ("ok.name", "admin", "01", GOOD, "account.province_not_allowed"),
    ],
)
def test_bad_accounts_are_refused_and_nothing_is_written(engine, name, role, province, password, key) -> None:
    with pytest.raises(AccountError) as err:
        accounts.add_user(engine, name, role, province, password)
    assert err.value.key == key
    assert accounts.users(engine) == [] and _actions(engine) == []


def test_a_name_is_taken_once(engine) -> None:
    accounts.add_user(engine, "central.one", "central", None, GOOD)
    with pytest.raises(AccountError, match="already exists"):
        accounts.add_user(engine, "Central.One", "admin", None, GOOD)
    assert len(accounts.users(engine)) == 1


def test_disable_enable_and_set_password_end_sessions(engine) -> None:
    accounts.add_user(engine, "root", "admin", None, GOOD)
    user = accounts.add_user(engine, "hcm", "province", "79", GOOD)
    disabled = accounts.set_active(engine, "hcm", False, ADMIN_ID)
    assert not disabled.active and disabled.session_epoch == user.session_epoch + 1
    assert accounts.authenticate(engine, "hcm", GOOD) == (None, "account disabled")
    with pytest.raises(AccountError, match="already disabled"):
        accounts.set_active(engine, "hcm", False)
    accounts.set_active(engine, "hcm", True, ADMIN_ID)
    changed = accounts.set_password(engine, "hcm", "another good password", ADMIN_ID)
    assert changed.session_epoch == user.session_epoch + 3
    assert accounts.authenticate(engine, "hcm", GOOD)[0] is None
    assert accounts.authenticate(engine, "hcm", "another good password")[0] is not None
    with pytest.raises(AccountError, match="no user named"):
        accounts.set_password(engine, "ghost", "another good password")
    with pytest.raises(AccountError):
        accounts.set_password(engine, "hcm", "short")
    moved = accounts.set_role(engine, "hcm", "central", None, ADMIN_ID)
    assert (moved.role, moved.province) == ("central", None)
    assert _actions(engine) == [
        "user_added",
        "user_added",
        "user_disabled",
        "user_enabled",
        "password_set",
        "role_set",
    ]


def test_the_last_admin_stays(engine) -> None:
    accounts.add_user(engine, "root", "admin", None, GOOD)
    with pytest.raises(AccountError) as err:
        accounts.set_active(engine, "root", False)
    assert err.value.key == "account.last_admin"
    with pytest.raises(AccountError):
        accounts.set_role(engine, "root", "central", None)
    accounts.add_user(engine, "root2", "admin", None, GOOD)
    assert not accounts.set_active(engine, "root", False).active


def test_the_store_refuses_a_provincial_user_without_province(engine) -> None:
    accounts.users(engine)  # creates the tables
    now = dt.datetime(2026, 1, 1)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ioc_user (username, role, province, password_hash, active, session_epoch, created_at, "
                "updated_at) VALUES ('p', 'province', NULL, 'x', true, 0, :now, :now)"
            ),
            {"now": now},
        )
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ioc_user (username, role, province, password_hash, active, session_epoch, created_at, "
                "updated_at) VALUES ('q', 'chief', NULL, 'x', true, 0, :now, :now)"
            ),
            {"now": now},
        )


# --- tokens ------------------------------------------------------------------------------------------


def test_tokens_store_only_a_hash_and_can_be_revoked(engine) -> None:
    token, secret = accounts.create_token(engine, "Phòng họp 1", "display", None, ADMIN_ID)
    assert secret.startswith("ioc_") and len(secret) >= 40
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT * FROM access_token")).mappings().one()
    assert stored["token_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {str(v) for v in stored.values()}

    found = accounts.find_token(engine, secret)
    assert found is not None and found.identity == Identity("Phòng họp 1", "display", None, token_id=token.id)
    assert accounts.get_token(engine, token.id).last_used_at is not None
    assert accounts.find_token(engine, secret + "x") is None
    assert accounts.find_token(engine, "not-a-token") is None

    api, api_secret = accounts.create_token(engine, "Hệ thống báo cáo", "api", "79")
    assert (api.kind, api.province) == ("api", "79")
    accounts.revoke_token(engine, "Phòng họp 1", ADMIN_ID)
    assert accounts.find_token(engine, secret) is None
    assert accounts.find_token(engine, api_secret) is not None
    with pytest.raises(AccountError, match="already revoked"):
        accounts.revoke_token(engine, "Phòng họp 1")
    with pytest.raises(AccountError, match="already exists"):
        accounts.create_token(engine, "Phòng họp 1", "display")
    for bad in [("x", "display", None), ("ok name", "wall", None), ("ok name", "api", "63")]:
        with pytest.raises(AccountError):
            accounts.create_token(engine, *bad)
    assert [t.name for t in accounts.tokens(engine)] == ["Hệ thống báo cáo", "Phòng họp 1"]
    assert _actions(engine) == ["token_created", "token_created", "token_revoked"]


# --- the audit log -----------------------------------------------------------------------------------


def test_audit_entries_filter_by_action_actor_and_day(engine) -> None:
    for action, who in [("login_ok", "alice"), ("login_failed", None), ("export", "Bob"), ("login_ok", "bob")]:
        identity = Identity(who, "central") if who else None
        audit.record(action, "t", "d", identity, engine=engine)
    rows, total = audit.entries(engine)
    assert total == 4 and [r.action for r in rows] == ["login_ok", "export", "login_failed", "login_ok"]
    assert rows[2].actor == "system"  # outside a request, with no identity: the system itself
    assert audit.entries(engine, action="login_ok")[1] == 2
    assert {r.actor for r in audit.entries(engine, actor="BO")[0]} == {"Bob", "bob"}
    today = (dt.datetime.now(dt.UTC) + audit.VIETNAM_UTC_OFFSET).date()
    assert audit.entries(engine, since=today, until=today)[1] == 4
    assert audit.entries(engine, until=today - dt.timedelta(days=1))[1] == 0
    assert audit.entries(engine, since=today + dt.timedelta(days=1))[1] == 0
    assert audit.entries(engine, limit=1)[0][0].action == "login_ok"
    assert {"login_ok", "export", "denied"} <= set(audit.recorded_actions(engine))


def test_the_audit_log_has_no_way_to_change_or_remove_rows() -> None:
    public = [n for n in dir(audit) if not n.startswith("_")]
    assert not [n for n in public if n.startswith(("update", "delete", "remove", "clear", "purge", "edit"))]
    with pytest.raises(RuntimeError, match="engine"):
        audit.record("export")  # outside a request the caller must say where


# --- the embedded demo -------------------------------------------------------------------------------


def test_demo_accounts_are_created_once_with_their_documented_roles(engine) -> None:
    created = accounts.ensure_demo_accounts(engine, audit.CLI)
    assert [(n, r, p) for n, r, p, _pw in created] == [
        ("demo.admin", "admin", None),
        ("demo.central", "central", None),
        ("demo.hcm", "province", "79"),
        ("demo.hanoi", "province", "01"),
    ]
    for name, _role, _province, password in created:
        assert accounts.authenticate(engine, name, password)[0] is not None
    assert accounts.ensure_demo_accounts(engine) == []
    assert {e.actor for e in audit.entries(engine)[0]} == {"cli"}
