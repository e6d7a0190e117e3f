"""Wall-display playlists: validation, the store (SQLite and PostgreSQL), which playlist a display shows,
the ``playlists`` command and the admin page ``/admin/playlists``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from data_sources.engine import make_engine
from ioc_app import accounts, audit, create_app, playlist_store
from ioc_app.access import Forbidden
from ioc_app.accounts import AccountError
from ioc_app.identity import Identity
from ioc_app.playlists import (
    DEFAULT,
    DEFAULT_NAME,
    MAX_SLIDES,
    Playlist,
    PlaylistError,
    PlaylistNotFound,
    Slide,
    check_name,
    parse_playlist,
)
from ioc_app.settings import Settings
from ioc_app.store import StoredPlaylist
from tests.conftest import csrf_token, database_url, new_store, signed_in_client
from tests.test_auth import _layout_csrf
from tests.test_cli import assert_one_line_error, run_cli

ADMIN_ID = Identity("root", "admin", user_id=1)
OVERVIEW = {"kind": "overview", "seconds": 30}


def _raw(*slides: dict[str, Any], name: str = "hop-giao-ban", title: str = "Họp giao ban") -> dict[str, Any]:
    return {"name": name, "title": title, "slides": list(slides or [OVERVIEW])}


# --- validation ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "key", "fragment"),
    [
        ([], "playlist.err.object", "a playlist is a JSON object"),
        ({**_raw(), "colour": "red"}, "playlist.err.fields", "unknown field(s) colour"),
        (_raw(name="Hop Giao Ban"), "playlist.err.name", "invalid playlist name"),
        (_raw(name="-x"), "playlist.err.name", "invalid playlist name"),
        (_raw(name="a"), "playlist.err.name", "invalid playlist name"),
        (_raw(name="x" * 41), "playlist.err.name", "invalid playlist name"),
        (_raw(title="  "), "playlist.err.title", "title: 1 to 120 characters"),
        (_raw(title="x" * 121), "playlist.err.title", "title: 1 to 120 characters"),
        ({"name": "ab", "title": "t", "slides": []}, "playlist.err.slides", "slides: a list of 1 to 60"),
        ({"name": "ab", "title": "t", "slides": "overview"}, "playlist.err.slides", "slides: a list of 1 to 60"),
        (_raw(*[OVERVIEW] * (MAX_SLIDES + 1)), "playlist.err.slides", "slides: a list of 1 to 60"),
        (_raw(OVERVIEW, "overview"), "playlist.err.slide_object", "slide 2: expected an object"),
        (_raw({**OVERVIEW, "colour": 1}), "playlist.err.slide_fields", "slide 1: unknown field(s) colour"),
        (_raw({"kind": "video", "seconds": 30}), "playlist.err.kind", "slide 1: kind must be one of"),
        (_raw({"kind": "overview", "seconds": 0}), "playlist.err.seconds", "from 1 to 3600"),
        (_raw({"kind": "overview", "seconds": 3601}), "playlist.err.seconds", "from 1 to 3600"),
        (_raw({"kind": "overview", "seconds": "30"}), "playlist.err.seconds", "from 1 to 3600"),
        (_raw({"kind": "overview", "seconds": True}), "playlist.err.seconds", "from 1 to 3600"),
        (_raw({"kind": "overview", "seconds": 2.5}), "playlist.err.seconds", "from 1 to 3600"),
        (_raw({"kind": "overview"}), "playlist.err.seconds", "from 1 to 3600"),
        (_raw({"kind": "targets", "seconds": 5, "targets": "T01"}), "playlist.err.targets_list", "a list of codes"),
        (_raw({"kind": "targets", "seconds": 5, "targets": [1]}), "playlist.err.targets_list", "a list of codes"),
        (_raw({"kind": "targets", "seconds": 5, "targets": ["T13"]}), "playlist.err.targets_unknown", "T13"),
        (_raw({"kind": "map", "seconds": 5, "targets": ["T01", "T01"]}), "playlist.err.targets_twice", "twice"),
        (_raw({"kind": "targets", "seconds": 5}), "playlist.err.targets_group", "1 to 6 targets"),
        (
            _raw({"kind": "targets", "seconds": 5, "targets": [f"T0{i}" for i in range(1, 8)]}),
            "playlist.err.targets_group",
            "1 to 6 targets",
        ),
        (_raw({"kind": "map", "seconds": 5}), "playlist.err.targets_one", "a map slide shows exactly one target"),
        (
            _raw({"kind": "behind", "seconds": 5, "targets": ["T01", "T02"]}),
            "playlist.err.targets_one",
            "a behind slide shows exactly one target",
        ),
        (_raw({"kind": "overview", "seconds": 5, "targets": ["T01"]}), "playlist.err.targets_none", "takes no targets"),
        (_raw({"kind": "changes", "seconds": 5, "targets": ["T01"]}), "playlist.err.targets_none", "takes no targets"),
        (
            _raw({"kind": "provinces", "seconds": 5, "province": "79"}),
            "playlist.err.national_only",
            "compares provinces",
        ),
        (
            _raw({"kind": "behind", "seconds": 5, "targets": ["T01"], "province": "79"}),
            "playlist.err.national_only",
            "compares provinces",
        ),
        (
            _raw({"kind": "province_cycle", "seconds": 5, "province": "01"}),
            "playlist.err.national_only",
            "compares provinces",
        ),
        (_raw({**OVERVIEW, "province": "99"}), "playlist.err.province", "unknown province code '99'"),
        (_raw({**OVERVIEW, "province": "02"}), "playlist.err.province", "unknown province code"),  # a legacy unit
        (_raw({**OVERVIEW, "province": 79}), "playlist.err.province", "unknown province code 79"),
        (_raw({**OVERVIEW, "inst_type": "university"}), "playlist.err.inst_type", "inst_type must be one of"),
        (_raw({**OVERVIEW, "ownership": "state"}), "playlist.err.ownership", "ownership must be one of"),
    ],
)
def test_every_refusal_names_its_reason_in_english_vietnamese_and_english(raw: Any, key: str, fragment: str) -> None:
    with pytest.raises(PlaylistError) as refused:
        parse_playlist(raw)
    assert fragment in str(refused.value)
    assert refused.value.key == key
    vi, en = refused.value.text("vi"), refused.value.text("en")
    assert vi != en and "{" not in vi + en
    slide = re.match(r"slide (\d+):", str(refused.value))
    if slide:
        assert f"Trang chiếu {slide.group(1)}:" in vi and f"Slide {slide.group(1)}:" in en


def test_valid_playlists_keep_their_order_scope_and_filters() -> None:
    raw = _raw(
        {"kind": "map", "seconds": 20, "targets": ["T06"], "province": "79"},
        {"kind": "targets", "seconds": 1, "targets": ["T01", "T02", "T03", "T04", "T05", "T06"]},
        {"kind": "overview", "seconds": 3600, "province": "01", "inst_type": "college", "ownership": "public"},
        {"kind": "province_cycle", "seconds": 10},
    )
    playlist = parse_playlist(raw)
    assert [s.kind for s in playlist.slides] == ["map", "targets", "overview", "province_cycle"]
    assert playlist.slides[0] == Slide("map", 20, ("T06",), "79")
    assert playlist.slides[2].inst_type == "college" and playlist.slides[2].ownership == "public"
    assert parse_playlist(playlist.to_json()) == playlist  # the JSON form round-trips
    assert parse_playlist(raw, name="khac").name == "khac"
    assert parse_playlist(DEFAULT.to_json()) == DEFAULT and DEFAULT.name == DEFAULT_NAME
    assert check_name("t1-wall") == "t1-wall"


# --- the store -----------------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'ioc.sqlite3'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    eng = make_engine(new_store(url))
    yield eng
    eng.dispose()


def _audit(engine) -> list[tuple[str, str, str, str]]:
    rows, _ = audit.entries(engine, limit=None)
    return [(e.action, e.actor, e.target, e.detail) for e in reversed(rows)]


def _rows(engine) -> list[tuple[str, str, str]]:
    with Session(engine) as s:
        return [(r.name, r.title, r.slides) for r in s.scalars(select(StoredPlaylist).order_by(StoredPlaylist.name))]


def test_the_store_round_trip(engine) -> None:
    assert playlist_store.get(engine, DEFAULT_NAME) is None
    assert playlist_store.get_or_builtin(engine, DEFAULT_NAME) == DEFAULT
    [builtin] = playlist_store.summaries(engine)
    assert (builtin.name, builtin.stored, builtin.valid, builtin.slides) == (DEFAULT_NAME, False, True, 8)

    raw = _raw(OVERVIEW, {"kind": "map", "seconds": 20, "targets": ["T06"], "province": "79"})
    saved, created = playlist_store.save(engine, raw, ADMIN_ID)
    assert created and playlist_store.get(engine, "hop-giao-ban") == saved == parse_playlist(raw)
    again, created = playlist_store.save(engine, _raw(title="Giao ban tháng"), ADMIN_ID)
    assert not created and playlist_store.get(engine, "hop-giao-ban") == again
    with pytest.raises(PlaylistError, match="already exists"):
        playlist_store.save(engine, _raw(), ADMIN_ID, replace=False)

    names = [(p.name, p.stored, p.updated_by) for p in playlist_store.summaries(engine)]
    assert names == [(DEFAULT_NAME, False, None), ("hop-giao-ban", True, "root")]

    playlist_store.set_title(engine, "hop-giao-ban", "Phòng họp số 2", ADMIN_ID)
    playlist_store.add_slide(engine, "hop-giao-ban", {"kind": "changes", "seconds": 15}, None, ADMIN_ID)
    playlist_store.add_slide(engine, "hop-giao-ban", {"kind": "provinces", "seconds": 25}, 1, ADMIN_ID)
    moved = playlist_store.move_slide(engine, "hop-giao-ban", 1, 3, ADMIN_ID)
    assert [s.kind for s in moved.slides] == ["overview", "changes", "provinces"]
    replaced = playlist_store.replace_slide(
        engine, "hop-giao-ban", 2, {"kind": "targets", "seconds": 9, "targets": ["T01", "T02"]}, ADMIN_ID
    )
    assert replaced.slides[1] == Slide("targets", 9, ("T01", "T02"))
    final = playlist_store.remove_slide(engine, "hop-giao-ban", 1, ADMIN_ID)
    assert final.title == "Phòng họp số 2" and [s.kind for s in final.slides] == ["targets", "provinces"]
    assert playlist_store.get(engine, "hop-giao-ban") == final

    playlist_store.delete(engine, "hop-giao-ban", ADMIN_ID)
    assert playlist_store.get(engine, "hop-giao-ban") is None and _rows(engine) == []
    with pytest.raises(PlaylistNotFound):
        playlist_store.delete(engine, "hop-giao-ban", ADMIN_ID)

    trail = [(a, actor, target) for a, actor, target, _ in _audit(engine)]
    assert trail == [
        ("playlist_saved", "root", "hop-giao-ban"),
        ("playlist_saved", "root", "hop-giao-ban"),
        *[("playlist_edited", "root", "hop-giao-ban")] * 6,
        ("playlist_deleted", "root", "hop-giao-ban"),
    ]
    assert _audit(engine)[0][3] == "created; 2 slide(s)" and _audit(engine)[1][3] == "replaced; 1 slide(s)"


def test_a_refused_edit_changes_nothing(engine) -> None:
    playlist_store.save(engine, _raw(OVERVIEW, {"kind": "changes", "seconds": 10}), ADMIN_ID)
    before, trail = _rows(engine), _audit(engine)
    refusals = [
        lambda: playlist_store.add_slide(engine, "hop-giao-ban", {"kind": "map", "seconds": 5}, None, ADMIN_ID),
        lambda: playlist_store.add_slide(engine, "hop-giao-ban", OVERVIEW, 4, ADMIN_ID),
        lambda: playlist_store.replace_slide(engine, "hop-giao-ban", 3, OVERVIEW, ADMIN_ID),
        lambda: playlist_store.replace_slide(engine, "hop-giao-ban", 1, {"kind": "overview", "seconds": 0}, ADMIN_ID),
        lambda: playlist_store.move_slide(engine, "hop-giao-ban", 1, 3, ADMIN_ID),
        lambda: playlist_store.move_slide(engine, "hop-giao-ban", 0, 1, ADMIN_ID),
        lambda: playlist_store.set_title(engine, "hop-giao-ban", "", ADMIN_ID),
        lambda: playlist_store.save(engine, {**_raw(), "slides": []}, ADMIN_ID),
    ]
    for refuse in refusals:
        with pytest.raises(PlaylistError):
            refuse()
    playlist_store.remove_slide(engine, "hop-giao-ban", 2, ADMIN_ID)
    with pytest.raises(PlaylistError, match="slides: a list of 1 to 60"):  # the last slide stays
        playlist_store.remove_slide(engine, "hop-giao-ban", 1, ADMIN_ID)
    with pytest.raises(PlaylistNotFound):
        playlist_store.add_slide(engine, "khong-co", OVERVIEW, None, ADMIN_ID)
    with pytest.raises(PlaylistError, match="invalid playlist name"):
        playlist_store.set_title(engine, "Bad Name", "x", ADMIN_ID)
    assert len(_audit(engine)) == len(trail) + 1 and _rows(engine) != before
    assert [s.kind for s in playlist_store.get(engine, "hop-giao-ban").slides] == ["overview"]


def test_the_first_edit_of_the_builtin_playlist_stores_it(engine) -> None:
    edited = playlist_store.remove_slide(engine, DEFAULT_NAME, 8, ADMIN_ID)
    assert edited.slides == DEFAULT.slides[:7] and playlist_store.get(engine, DEFAULT_NAME) == edited
    playlist_store.delete(engine, DEFAULT_NAME, ADMIN_ID)  # the built-in one takes its place again
    assert playlist_store.get_or_builtin(engine, DEFAULT_NAME) == DEFAULT


def test_a_stored_row_that_no_longer_validates_is_read_as_absent(engine, caplog) -> None:
    playlist_store.save(engine, _raw(), ADMIN_ID)
    playlist_store.save(engine, _raw(name=DEFAULT_NAME, title="Điều hành"), ADMIN_ID)
    with Session(engine) as s, s.begin():
        s.execute(update(StoredPlaylist).where(StoredPlaylist.name == "hop-giao-ban").values(slides='[{"kind": "x"}]'))
        s.execute(update(StoredPlaylist).where(StoredPlaylist.name == DEFAULT_NAME).values(slides="not json"))
    assert playlist_store.get(engine, "hop-giao-ban") is None
    assert "no longer validates" in caplog.text
    # The wall falls back to the built-in playlist rather than failing.
    assert playlist_store.resolve(engine, None, None) == DEFAULT
    with pytest.raises(PlaylistNotFound):
        playlist_store.resolve(engine, "hop-giao-ban", None)
    listed = {p.name: (p.stored, p.valid) for p in playlist_store.summaries(engine)}
    assert listed == {DEFAULT_NAME: (True, False), "hop-giao-ban": (True, False)}
    with pytest.raises(PlaylistError, match="no longer validates") as refused:
        playlist_store.add_slide(engine, "hop-giao-ban", OVERVIEW, None, ADMIN_ID)
    assert refused.value.key == "playlist.err.broken"
    playlist_store.save(engine, _raw(), ADMIN_ID)  # importing it again repairs it
    assert playlist_store.get(engine, "hop-giao-ban") == parse_playlist(_raw())


# --- which playlist a display shows ---------------------------------------------------------------------


def test_resolve_the_requested_the_tokens_the_stored_default_or_the_builtin(engine) -> None:
    central = Identity("lead", "central", user_id=2)
    assert playlist_store.resolve(engine, None, central) == DEFAULT
    assert playlist_store.resolve(engine, "", None) == DEFAULT
    stored_default, _ = playlist_store.save(engine, _raw(name=DEFAULT_NAME, title="Điều hành"), ADMIN_ID)
    assert playlist_store.resolve(engine, None, central) == stored_default
    meeting, _ = playlist_store.save(engine, _raw(), ADMIN_ID)
    assert playlist_store.resolve(engine, "hop-giao-ban", central) == meeting
    with pytest.raises(PlaylistNotFound) as missing:
        playlist_store.resolve(engine, "khong-co", central)
    assert missing.value.text("vi") == "Không có danh sách trình chiếu “khong-co”."
    with pytest.raises(PlaylistError):
        playlist_store.resolve(engine, "../etc", central)

    wall = Identity("wall", "display", token_id=1, playlist="hop-giao-ban")
    assert playlist_store.resolve(engine, None, wall) == meeting
    assert playlist_store.resolve(engine, "hop-giao-ban", wall) == meeting
    with pytest.raises(Forbidden):
        playlist_store.resolve(engine, DEFAULT_NAME, wall)
    free_wall = Identity("wall 2", "display", token_id=2)
    assert playlist_store.resolve(engine, "hop-giao-ban", free_wall) == meeting
    limited_to_builtin = Identity("wall 3", "display", token_id=3, playlist=DEFAULT_NAME)
    playlist_store.delete(engine, DEFAULT_NAME, ADMIN_ID)
    assert playlist_store.resolve(engine, None, limited_to_builtin) == DEFAULT


def test_a_display_token_limited_to_a_playlist(engine) -> None:
    with pytest.raises(AccountError, match="no playlist named 'hop-giao-ban'"):
        accounts.create_token(engine, "wall", "display", playlist="hop-giao-ban")
    with pytest.raises(AccountError, match="only display tokens"):
        accounts.create_token(engine, "client", "api", playlist=DEFAULT_NAME)
    with pytest.raises(AccountError, match="invalid playlist name"):
        accounts.create_token(engine, "wall", "display", playlist="Hop Giao Ban")
    assert accounts.tokens(engine) == []

    token, secret = accounts.create_token(engine, "wall builtin", "display", actor=ADMIN_ID, playlist=DEFAULT_NAME)
    assert token.playlist == DEFAULT_NAME and token.identity.playlist == DEFAULT_NAME
    playlist_store.save(engine, _raw(), ADMIN_ID)
    token, secret = accounts.create_token(engine, "wall", "display", "79", ADMIN_ID, "hop-giao-ban")
    found = accounts.find_token(engine, secret)
    assert found is not None and found.identity == Identity(
        "wall", "display", "79", token_id=token.id, playlist="hop-giao-ban"
    )
    assert accounts.create_token(engine, "free wall", "display")[0].playlist is None
    assert ("token_created", "root", "wall", "kind=display province=79 playlist=hop-giao-ban") in _audit(engine)

    with pytest.raises(PlaylistError, match="is the limit of display token"):
        playlist_store.delete(engine, "hop-giao-ban", ADMIN_ID)
    accounts.revoke_token(engine, "wall", ADMIN_ID)
    playlist_store.delete(engine, "hop-giao-ban", ADMIN_ID)


# --- the command line -----------------------------------------------------------------------------------


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    url = new_store(database_url(tmp_path, "ioc"))
    return {"VET_DATABASE_URL": database_url(tmp_path, "vet"), "IOC_DATABASE_URL": url}


def test_playlist_commands_show_import_edit_export_and_delete(cli_env: dict[str, str], tmp_path: Path) -> None:
    listing = run_cli("playlists", "list", env=cli_env)
    assert listing.returncode == 0 and "dieu-hanh" in listing.stdout and "built-in (not stored)" in listing.stdout
    shown = run_cli("playlists", "show", DEFAULT_NAME, "--json", env=cli_env)
    assert shown.returncode == 0 and json.loads(shown.stdout) == DEFAULT.to_json()
    assert "1. overview" in run_cli("playlists", "show", DEFAULT_NAME, env=cli_env).stdout

    source = tmp_path / "giao-ban.json"
    source.write_text(json.dumps(_raw(OVERVIEW), ensure_ascii=False), encoding="utf-8")
    imported = run_cli("playlists", "import", str(source), "--name", "phong-hop", env=cli_env)
    assert imported.returncode == 0 and imported.stdout.strip() == "created phong-hop (1 slide(s))", imported.stderr
    added = run_cli(
        "playlists", "add-slide", "phong-hop", "map", "--seconds", "20", "--targets", "T06", "--province", "79",
        "--type", "college", "--ownership", "public", "--position", "1", env=cli_env,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert run_cli("playlists", "add-slide", "phong-hop", "changes", "--seconds", "9", env=cli_env).returncode == 0
    assert run_cli("playlists", "move-slide", "phong-hop", "3", "1", env=cli_env).returncode == 0
    assert run_cli("playlists", "remove-slide", "phong-hop", "3", env=cli_env).returncode == 0
    out = tmp_path / "out.json"
    assert run_cli("playlists", "export", "phong-hop", "--output", str(out), env=cli_env).returncode == 0
    assert json.loads(out.read_text(encoding="utf-8")) == {
        "name": "phong-hop",
        "title": "Họp giao ban",
        "slides": [
            {"kind": "changes", "seconds": 9},
            {
                "kind": "map",
                "seconds": 20,
                "targets": ["T06"],
                "province": "79",
                "inst_type": "college",
                "ownership": "public",
            },
        ],
    }
    assert run_cli("playlists", "delete", "phong-hop", env=cli_env).returncode == 0
    engine = make_engine(cli_env["IOC_DATABASE_URL"])
    assert [a for a, actor, _, _ in _audit(engine) if actor == "cli"] == [
        "playlist_saved",
        *["playlist_edited"] * 4,
        "playlist_deleted",
    ]
    engine.dispose()


def test_refused_playlist_commands_are_one_line_and_change_nothing(cli_env: dict[str, str], tmp_path: Path) -> None:
    engine = make_engine(cli_env["IOC_DATABASE_URL"])
    playlist_store.save(engine, _raw(OVERVIEW), ADMIN_ID)
    before, trail = _rows(engine), _audit(engine)
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{not json", encoding="utf-8")
    bad_slide = tmp_path / "bad-slide.json"
    bad_slide.write_text(json.dumps(_raw({"kind": "provinces", "seconds": 5, "province": "79"})), encoding="utf-8")
    for command, fragment in [
        (["show", "khong-co"], "no playlist named 'khong-co'"),
        (["export", "khong-co"], "no playlist named 'khong-co'"),
        (["delete", "khong-co"], "no playlist named 'khong-co'"),
        (["show", "Bad Name"], "invalid playlist name"),
        (["import", str(tmp_path / "missing.json")], "cannot read"),
        (["import", str(bad_json)], "is not JSON"),
        (["import", str(bad_slide)], "slide 1: a provinces slide compares provinces"),
        (["import", str(bad_slide), "--name", "X"], "invalid playlist name"),
        (["add-slide", "hop-giao-ban", "map", "--seconds", "20"], "exactly one target"),
        (["add-slide", "hop-giao-ban", "overview", "--seconds", "0"], "seconds must be a whole number"),
        (["add-slide", "hop-giao-ban", "overview", "--seconds", "5", "--province", "99"], "unknown province code"),
        (["add-slide", "hop-giao-ban", "overview", "--seconds", "5", "--targets", "T01"], "takes no targets"),
        (["add-slide", "hop-giao-ban", "overview", "--seconds", "5", "--position", "3"], "position must be"),
        (["add-slide", "hop-giao-ban", "video", "--seconds", "5"], "invalid choice"),
        (["remove-slide", "hop-giao-ban", "1"], "slides: a list of 1 to 60"),
        (["remove-slide", "hop-giao-ban", "0"], "slides are counted from 1"),
        (["move-slide", "hop-giao-ban", "1", "2"], "target position must be a number from 1 to 1"),
    ]:
        assert_one_line_error(run_cli("playlists", *command, env=cli_env), fragment)
    assert _rows(engine) == before and _audit(engine) == trail
    engine.dispose()


# --- the admin page -------------------------------------------------------------------------------------


@pytest.fixture
def app(test_settings: Settings):
    return create_app(test_settings)


def _engine(app):
    return app.server.config["IOC_SERVICES"].ioc_engine


def _refusal(html: str) -> str:
    found = re.search(r'id="playlist-refusal">([^<]*)<', html)
    assert found, "the page shows why the change was refused"
    return found.group(1)


@pytest.mark.parametrize(("role", "province"), [("central", None), ("province", "79")])
def test_the_playlists_page_is_for_admins_only(app, role: str, province: str | None) -> None:
    client = signed_in_client(app, role, province)
    for path in ("/admin/playlists", f"/admin/playlists/{DEFAULT_NAME}"):
        assert client.get(path).status_code == 403
    resp = client.post(
        "/admin/playlists/create", data={"csrf_token": _layout_csrf(client), "name": "x-y", "title": "t"}
    )
    assert resp.status_code == 403 and "Không có quyền truy cập" in resp.get_data(as_text=True)
    assert _rows(_engine(app)) == []
    anonymous = app.server.test_client().get("/admin/playlists")
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login?next=")


def test_admins_create_edit_move_and_delete_playlists(app) -> None:
    client = signed_in_client(app, "admin")
    page = client.get("/admin/playlists").get_data(as_text=True)
    assert "Trình chiếu màn hình lớn" in page and 'href="/admin/playlists"' in page
    assert DEFAULT_NAME in page and "Tạo từ danh sách mặc định" in page
    token = csrf_token(client, "/admin/playlists")

    resp = client.post(
        "/admin/playlists/create",
        data={"csrf_token": token, "name": "phong-hop", "title": "Phòng họp", "start": "overview"},
    )
    assert resp.status_code == 302 and resp.headers["Location"] == "/admin/playlists/phong-hop"
    editor = client.get("/admin/playlists/phong-hop").get_data(as_text=True)
    assert "Đã tạo danh sách trình chiếu" in editor and 'href="/present?playlist=phong-hop"' in editor
    assert "Tổng quan các chỉ tiêu" in editor and "Thành phố Hồ Chí Minh" in editor

    base = "/admin/playlists/phong-hop"
    slide = {"csrf_token": token, "kind": "map", "seconds": "20", "targets": ["T06"], "province": "79"}
    assert client.post(f"{base}/slides/add", data=slide).status_code == 302
    group = {"csrf_token": token, "kind": "targets", "seconds": "25", "targets": ["T01", "T02"], "position": "1"}
    assert client.post(f"{base}/slides/add", data=group).status_code == 302
    assert client.post(f"{base}/slides/3/move", data={"csrf_token": token, "to": "2"}).status_code == 302
    update_1 = {"csrf_token": token, "kind": "targets", "seconds": "40", "targets": ["T03"], "inst_type": "college"}
    assert client.post(f"{base}/slides/1/update", data=update_1).status_code == 302
    assert client.post(f"{base}/slides/3/remove", data={"csrf_token": token}).status_code == 302
    assert client.post(f"{base}/title", data={"csrf_token": token, "title": "Giao ban sáng"}).status_code == 302
    stored = playlist_store.get(_engine(app), "phong-hop")
    assert stored == Playlist(
        "phong-hop",
        "Giao ban sáng",
        (Slide("targets", 40, ("T03",), inst_type="college"), Slide("map", 20, ("T06",), "79")),
    )
    editor = client.get(base).get_data(as_text=True)
    assert 'data-slide="2" data-kind="map"' in editor and "Đã lưu danh sách trình chiếu" in editor

    assert client.post(f"{base}/delete", data={"csrf_token": token}).status_code == 302
    assert playlist_store.get(_engine(app), "phong-hop") is None
    assert "Đã xóa danh sách trình chiếu" in client.get("/admin/playlists").get_data(as_text=True)

    # The built-in playlist, stored from its list entry.
    created = client.post(
        "/admin/playlists/create",
        data={"csrf_token": token, "name": DEFAULT_NAME, "title": DEFAULT.title, "start": "builtin"},
    )
    assert created.status_code == 302 and playlist_store.get(_engine(app), DEFAULT_NAME) == DEFAULT
    actions = [(a, actor) for a, actor, _, _ in _audit(_engine(app)) if a.startswith("playlist_")]
    assert actions == [
        ("playlist_saved", "test.admin"),
        *[("playlist_edited", "test.admin")] * 6,
        ("playlist_deleted", "test.admin"),
        ("playlist_saved", "test.admin"),
    ]


def test_a_refused_change_shows_its_reason_and_changes_nothing(app) -> None:
    client = signed_in_client(app, "admin")
    token = csrf_token(client, "/admin/playlists")
    engine = _engine(app)
    playlist_store.save(engine, _raw(OVERVIEW, {"kind": "changes", "seconds": 10}), ADMIN_ID)
    before, trail = _rows(engine), _audit(engine)
    base = "/admin/playlists/hop-giao-ban"

    resp = client.post(f"{base}/slides/1/update", data={"csrf_token": token, "kind": "map", "seconds": "30"})
    assert resp.status_code == 400
    assert _refusal(resp.get_data(as_text=True)) == (
        "Không thực hiện thay đổi: Trang chiếu 1: trang loại này hiển thị đúng một chỉ tiêu."
    )
    resp = client.post(
        f"{base}/slides/add?lang=en",
        data={"csrf_token": token, "kind": "provinces", "seconds": "20", "province": "79"},
    )
    assert resp.status_code == 400 and "Traceback" not in resp.get_data(as_text=True)
    assert _refusal(resp.get_data(as_text=True)) == (
        "Change refused: Slide 3: a slide of this kind compares provinces and takes no province."
    )
    for path, data in [
        (f"{base}/slides/1/update", {"kind": "overview", "seconds": "abc"}),
        (f"{base}/slides/1/update", {"kind": "overview", "seconds": "9999"}),
        (f"{base}/slides/add", {"kind": "targets", "seconds": "5", "targets": ["T01", "T99"]}),
        (f"{base}/slides/add", {"kind": "overview", "seconds": "5", "position": "7"}),
        (f"{base}/slides/add", {"kind": "overview", "seconds": "5", "position": "x"}),
        (f"{base}/slides/9/remove", {}),
        (f"{base}/slides/2/move", {"to": "3"}),
        (f"{base}/title", {"title": " "}),
    ]:
        resp = client.post(path, data={"csrf_token": token, **data})
        assert resp.status_code == 400, path
        assert _refusal(resp.get_data(as_text=True))
    client.set_cookie("ioc_lang", "vi")  # ?lang=en above kept English in the cookie, as the pages do
    resp = client.post("/admin/playlists/create", data={"csrf_token": token, "name": "Tên Sai", "title": "x"})
    assert resp.status_code == 400 and "Tên không hợp lệ" in _refusal(resp.get_data(as_text=True))
    resp = client.post("/admin/playlists/create", data={"csrf_token": token, "name": "hop-giao-ban", "title": "x"})
    assert resp.status_code == 400 and "Đã có danh sách trình chiếu" in _refusal(resp.get_data(as_text=True))
    assert client.get("/admin/playlists/khong-co").status_code == 404
    # Without the form's CSRF token nothing happens either.
    resp = client.post(f"{base}/slides/1/remove", data={})
    assert resp.status_code == 400
    assert client.post(f"{base}/delete", data={"csrf_token": "forged"}).status_code == 400
    assert _rows(engine) == before and _audit(engine) == trail


def test_the_playlists_page_speaks_english_by_the_language_cookie(app) -> None:
    client = signed_in_client(app, "admin")
    client.set_cookie("ioc_lang", "en")
    page = client.get(f"/admin/playlists/{DEFAULT_NAME}").get_data(as_text=True)
    assert "Wall playlists" in page and "Overview of the targets" in page and "Open on the wall" in page
    assert "Trình chiếu màn hình lớn" not in page


def test_the_tokens_page_limits_a_display_token_to_a_playlist(app) -> None:
    client = signed_in_client(app, "admin")
    token = csrf_token(client, "/admin/tokens")
    page = client.get("/admin/tokens").get_data(as_text=True)
    assert f'<option value="{DEFAULT_NAME}"' in page and "Danh sách trình chiếu" in page
    resp = client.post(
        "/admin/tokens/create",
        data={"csrf_token": token, "name": "Màn hình phòng họp", "kind": "display", "playlist": "khong-co"},
    )
    assert resp.status_code == 400 and "Không có danh sách trình chiếu mang tên này." in resp.get_data(as_text=True)
    resp = client.post(
        "/admin/tokens/create",
        data={"csrf_token": token, "name": "Màn hình phòng họp", "kind": "display", "playlist": DEFAULT_NAME},
    )
    page = resp.get_data(as_text=True)
    secret = re.search(r'<code id="token-secret">([^<]+)</code>', page).group(1)
    assert "/present?token=" + secret in page
    assert f'<a href="/admin/playlists/{DEFAULT_NAME}">{DEFAULT_NAME}</a>' in client.get("/admin/tokens").get_data(
        as_text=True
    )
    found = accounts.find_token(_engine(app), secret)
    assert found is not None and found.playlist == DEFAULT_NAME


def test_raw_json_of_the_store_is_what_import_reads(engine) -> None:
    playlist_store.save(engine, _raw({"kind": "map", "seconds": 20, "targets": ["T06"], "province": "79"}), ADMIN_ID)
    with engine.connect() as conn:
        raw = conn.execute(text("SELECT slides FROM playlist WHERE name = 'hop-giao-ban'")).scalar_one()
    assert json.loads(raw) == [{"kind": "map", "seconds": 20, "targets": ["T06"], "province": "79"}]
