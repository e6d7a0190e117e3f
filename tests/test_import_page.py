"""The import page: who sees and uses it, what it answers, and that the importer is the session's identity.

Signed in through the real /login form; the files are real CSV and .xlsx bytes posted as uploads.
"""

from __future__ import annotations

import io
from dataclasses import replace
from typing import Any

import pytest
from openpyxl import load_workbook

from ioc_app import create_app, imports
from ioc_app.audit import CLI
from ioc_app.identity import Identity, set_identity
from ioc_app.settings import Settings
from tests.conftest import TEST_SECRET_KEY, csrf_token, database_url, signed_in_client
from tests.submission_files import csv_bytes, headers
from tests.test_submissions import HANOI, HCM, build_world, counts, training_row


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("import-page")
    vet_url, ioc_url = database_url(folder, "vet"), database_url(folder, "ioc")
    world = build_world(vet_url, ioc_url)
    settings = Settings(
        vet_database_url=vet_url,
        ioc_database_url=ioc_url,
        auto_init_demo=False,
        secret_key=TEST_SECRET_KEY,
        import_max_bytes=4096,
    )
    app = create_app(settings)
    world.update(
        app=app,
        settings=settings,
        admin=signed_in_client(app, "admin"),
        central=signed_in_client(app, "central"),
        hcm=signed_in_client(app, "province", HCM),
        hanoi=signed_in_client(app, "province", HANOI),
    )
    yield world
    world["vet"].dispose()
    world["ioc"].dispose()


def _post(client: Any, name: str, data: bytes, **form: str) -> Any:
    fields: dict[str, Any] = {"csrf_token": csrf_token(client, "/import"), **form, "file": (io.BytesIO(data), name)}
    return client.post("/import", data=fields, content_type="multipart/form-data")


def test_people_see_the_page_tokens_and_strangers_do_not(site: Any) -> None:
    hcm = site["hcm"].get("/import").get_data(as_text=True)
    assert "Nhập dữ liệu từ các tỉnh, thành phố" in hcm and 'id="import-form"' in hcm
    assert "chỉ nhập được dữ liệu của: Thành phố Hồ Chí Minh" in hcm
    central = site["central"].get("/import")
    assert central.status_code == 200 and 'id="import-form"' not in central.get_data(as_text=True)
    assert "mọi tỉnh, thành phố" in site["admin"].get("/import").get_data(as_text=True)
    anonymous = site["app"].server.test_client().get("/import")
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")
    english = site["hcm"].get("/import?lang=en").get_data(as_text=True)
    assert "Data from the provinces" in english
    site["hcm"].get("/import?lang=vi")  # the language cookie back to Vietnamese for the other tests


def test_templates_carry_vietnamese_and_english_headers(site: Any) -> None:
    for kind in ("training", "inspection", "report", "readiness"):
        resp = site["hcm"].get(f"/import/templates/{kind}.xlsx")
        assert resp.status_code == 200
        sheet = load_workbook(io.BytesIO(resp.data))["Dữ liệu"]
        assert [c.value for c in sheet[1]] == headers(kind, "vi")
        assert [c.value for c in sheet[2]] == headers(kind, "en")
    assert site["hcm"].get("/import/templates/nothing.xlsx").status_code == 404


def test_a_provincial_user_imports_their_own_rows_once(site: Any) -> None:
    data = csv_bytes(headers("training"), [training_row(site["hcm_staff"][0])])
    before = counts(site["vet"])
    first = _post(site["hcm"], "dao-tao.csv", data)
    body = first.get_data(as_text=True)
    assert first.status_code == 200 and 'data-outcome="applied"' in body and "Đã ghi dữ liệu" in body
    assert counts(site["vet"])["staff_training"] == before["staff_training"] + 1
    again = _post(site["hcm"], "dao-tao.csv", data).get_data(as_text=True)
    assert 'data-outcome="unchanged"' in again and "đã được nhập lúc" in again
    assert counts(site["vet"])["staff_training"] == before["staff_training"] + 1


def test_another_provinces_rows_are_refused_whatever_the_form_says(site: Any) -> None:
    data = csv_bytes(headers("training"), [training_row(site["hanoi_staff"][0])])
    before = counts(site["vet"])
    # Form fields naming another province or role change nothing: the importer is the session's identity.
    resp = _post(site["hcm"], "ha-noi.csv", data, province=HANOI, role="admin", identity="test.admin")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'data-outcome="refused"' in body
    assert "tài khoản này chỉ nhập được dữ liệu của mã 79" in body
    assert counts(site["vet"]) == before
    uid = imports.log_entries(site["ioc"], limit=1)[0].uid
    csv_file = site["hcm"].get(f"/import/{uid}/errors.csv")
    assert csv_file.status_code == 200 and "tỉnh, thành phố khác" in csv_file.data.decode("utf-8-sig")
    assert site["admin"].get(f"/import/{uid}/errors.xlsx").status_code == 200
    # Nobody else reads one user's problems.
    assert site["hanoi"].get(f"/import/{uid}/errors.csv").status_code == 404
    assert site["central"].get(f"/import/{uid}/errors.csv").status_code == 404


def test_central_users_cannot_import(site: Any) -> None:
    data = csv_bytes(headers("training"), [training_row(site["hcm_staff"][1])])
    before = counts(site["vet"])
    resp = _post(site["central"], "a.csv", data)
    assert resp.status_code == 403 and "không được nhập dữ liệu" in resp.get_data(as_text=True)
    assert counts(site["vet"]) == before


def test_an_upload_needs_its_csrf_token(site: Any) -> None:
    data = csv_bytes(headers("training"), [training_row(site["hcm_staff"][1])])
    resp = site["hcm"].post("/import", data={"file": (io.BytesIO(data), "a.csv")}, content_type="multipart/form-data")
    assert resp.status_code == 400


def test_an_oversized_file_is_refused_with_its_limit(site: Any) -> None:
    before = counts(site["vet"])
    rows = [training_row(site["hcm_staff"][1])] * 80  # over the 4 kB of this site, within the request limit
    resp = _post(site["hcm"], "lon.csv", csv_bytes(headers("training"), rows))
    assert resp.status_code == 422 and "Tệp lớn hơn giới hạn" in resp.get_data(as_text=True)
    huge = _post(site["hcm"], "rat-lon.csv", b"x" * (2 * 1024 * 1024))  # past the request limit itself
    assert huge.status_code == 413 and "Tệp lớn hơn giới hạn" in huge.get_data(as_text=True)
    assert counts(site["vet"]) == before


def test_a_dry_run_shows_the_preview_and_writes_nothing(site: Any) -> None:
    before = counts(site["vet"])
    data = csv_bytes(headers("training"), [training_row(site["hcm_staff"][2])])
    body = _post(site["hcm"], "thu.csv", data, dry_run="1").get_data(as_text=True)
    assert 'data-outcome="checked"' in body and "Nếu nhập: 1 dòng mới được ghi." in body
    assert counts(site["vet"]) == before


def test_the_import_log_is_for_admins(site: Any) -> None:
    page = site["admin"].get("/admin/imports")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Nhật ký nhập dữ liệu" in body and "dao-tao.csv" in body
    assert site["hcm"].get("/admin/imports").status_code == 403
    assert site["central"].get("/admin/imports").status_code == 403


def test_the_request_limit_of_other_paths_is_unchanged(site: Any) -> None:
    settings = replace(site["settings"])
    assert settings.max_request_bytes == 1024 * 1024
    resp = site["hcm"].post("/login", data=b"x" * (settings.max_request_bytes + 1))
    assert resp.status_code == 413


def test_in_a_request_the_core_takes_the_requests_identity_not_the_callers(site: Any) -> None:
    data = csv_bytes(headers("training"), [training_row(site["hanoi_staff"][0])])
    before = counts(site["vet"])
    with site["app"].server.test_request_context("/import", method="POST"):
        set_identity(Identity("test.province.79", "province", province=HCM, user_id=1))
        result = imports.run_import(site["vet"], site["ioc"], "a.csv", data, max_bytes=4096, identity=CLI)
    assert result.outcome == "refused" and {p.code for p in result.problems} == {"foreign_province"}
    assert counts(site["vet"]) == before
    assert imports.log_entries(site["ioc"], limit=1)[0].actor == "test.province.79"
