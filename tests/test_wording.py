"""Wording an official accepts: units named as cities and provinces, the decision cited as it is laid
out, the at-risk status word in full, one word for ownership and another for institution type."""

from __future__ import annotations

import json
import re

import pytest

from callbacks import institution as inst_cb
from callbacks import province as prov_cb
from callbacks import scorecard as sc_cb
from callbacks.page import PageContext
from data_sources.institutions import institutions_in
from geo import provinces as geo
from ioc_app import map_data, snapshots, target_data
from ioc_app.i18n import t
from ioc_app.indicators import registry
from ioc_app.indicators.citation import citation, citations
from ioc_app.indicators.scopes import NATIONAL, Scope
from ioc_app.place_names import place_name, province_name
from ioc_app.provincial import units
from ioc_app.services import Services
from ioc_app.texts import TEXTS
from layouts import home, targets
from layouts import map as map_layout
from tests.test_overview import texts

HCM = "79"


# --- provincial units ---------------------------------------------------------------------------


def test_cities_and_provinces_in_full_and_short() -> None:
    assert province_name(HCM, "vi") == "Thành phố Hồ Chí Minh"
    assert province_name(HCM, "vi", full=False) == "TP. Hồ Chí Minh"
    assert province_name(HCM, "en") == province_name(HCM, "en", full=False) == "Hồ Chí Minh City"
    assert province_name("04", "vi") == "Tỉnh Cao Bằng" and province_name("04", "vi", full=False) == "Cao Bằng"
    assert province_name("04", "en") == "Cao Bằng Province" and province_name("04", "en", full=False) == "Cao Bằng"
    # The legacy units have their own codes: 24 was Bắc Giang before 1 July 2025, is Bắc Ninh now.
    assert province_name("24", "vi", level="63") == "Tỉnh Bắc Giang" and province_name("24", "vi") == "Tỉnh Bắc Ninh"
    assert province_name("46", "vi", level="63") == "Thành phố Huế"


@pytest.mark.parametrize("level", ["34", "63"])
def test_every_city_keeps_its_title_in_both_forms(level: str) -> None:
    table = geo.legacy_provinces() if level == "63" else geo.provinces()
    cities = {p.name for p in table if p.is_city}
    assert cities == {"Hà Nội", "Hải Phòng", "Huế", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"}
    assert {p.kind for p in table} == {"Thành phố", "Tỉnh"}
    for unit in units(level):
        assert unit.is_city == (unit.name in cities)
        for lang in ("vi", "en"):
            for name in (unit.full_name(lang), unit.short_name(lang)):
                assert unit.name in name
                if unit.is_city:
                    assert name != unit.name and re.search(r"^(Thành phố|TP\.) | City$", name), name
        assert unit.full_name("vi").startswith("Thành phố " if unit.is_city else "Tỉnh ")


def _bare_hcm(text: str) -> list[str]:
    """'Hồ Chí Minh' not preceded by 'Thành phố ' / 'thành phố ' (addresses) / 'TP. ' nor followed by ' City'."""
    return re.findall(r"(?<![Tt]hành phố )(?<!TP\. )Hồ Chí Minh(?! City)", text)


def test_ho_chi_minh_city_is_never_a_bare_name_on_the_pages(services: Services, snap: snapshots.Snapshot) -> None:
    selection = {"level": "34", "province": HCM, "type": None, "ownership": None}
    inside = institutions_in(services.vet_engine, Scope(province34=HCM))
    one = int(inside[inside["is_open"]].iloc[0]["id"])
    shown: list[str] = []
    for lang in ("vi", "en"):
        shown += texts(sc_cb.update_table(services, None, selection, "?sort=name&desc=0", lang))
        for args in ([HCM], ["63-74"], ["63-77"]):  # the city, and two units merged into it
            shown += texts(prov_cb.render(PageContext(services=services, lang=lang, args=args)))
        shown += texts(inst_cb.render(PageContext(services=services, lang=lang, args=[str(one)])))
        shown += texts(inst_cb.update_position(services, None, one, lang))
        shown += [o["label"] for o in home.province_options("34", lang)]
        shown.append(home.scope_label(Scope(province34=HCM), lang))
        figures = map_data.province_figures(snap, "T06", "34", snap.run.data_date)
        shown += map_layout.provinces_hideout(figures, registry.get("T06"), lang, HCM)["nm"].values()
        shown += map_layout.points_hideout(lang)["t"]["p34"].values()
        ranking = target_data.province_ranking(snap, registry.get("T01"), NATIONAL, "34")
        shown += list(targets.ranking_table(ranking, lang)[0]["province"])
    text = json.dumps(shown, ensure_ascii=False)
    assert "Thành phố Hồ Chí Minh" in text and "TP. Hồ Chí Minh" in text and "Hồ Chí Minh City" in text
    assert _bare_hcm(text) == []


def test_the_province_page_names_the_unit_in_full_and_lists_short_names(services: Services) -> None:
    page = texts(prov_cb.render(PageContext(services=services, lang="vi", args=[HCM])))
    assert page[0] == "Thành phố Hồ Chí Minh"  # the title
    assert "Thành phố trực thuộc trung ương · Hợp nhất từ: Bình Dương, Bà Rịa - Vũng Tàu, TP. Hồ Chí Minh" in page
    legacy = texts(prov_cb.render(PageContext(services=services, lang="vi", args=["63-77"])))
    assert legacy[0] == "Tỉnh Bà Rịa - Vũng Tàu"
    assert "Tỉnh, thành phố cũ (trước 01/7/2025) · Nay thuộc: Thành phố Hồ Chí Minh" in legacy
    assert texts(prov_cb.render(PageContext(services=services, lang="en", args=[HCM])))[0] == "Hồ Chí Minh City"


# --- the decision, cited as it is laid out --------------------------------------------------------


def test_citation_of_each_target() -> None:
    assert citation("1.2.a", "vi") == "Điều 1, mục I, khoản 2, điểm a"
    assert citation("1.2.a", "en") == "Article 1, section I, item 2, point a"
    assert citation("1.2.d", "vi", with_decision=True) == "Quyết định 2222/QĐ-TTg, Điều 1, mục I, khoản 2, điểm d"
    assert citation("1.II.3.a", "vi") == "Điều 1, mục II, khoản 3, điểm a"
    assert citation("nonsense", "vi") == "nonsense"
    assert citations("1.2.b") == {"vi": "Điều 1, mục I, khoản 2, điểm b", "en": "Article 1, section I, item 2, point b"}
    points = {ind.code: citation(ind.article, "vi").rsplit(" ", 1)[-1] for ind in registry.INDICATORS}
    assert points == {
        **dict.fromkeys(("T01", "T02"), "a"),
        **dict.fromkeys(("T03", "T04"), "b"),
        **dict.fromkeys(("T05", "T06"), "c"),
        **dict.fromkeys(("T07", "T08", "T09", "T10", "T11", "T12"), "d"),
    }


# --- words ----------------------------------------------------------------------------------------


def test_status_and_short_labels() -> None:
    assert t("status.at_risk", "vi") == "Có nguy cơ không đạt"
    at_risk = [k for k, (vi, _en) in TEXTS.items() if "nguy cơ" in vi]
    assert at_risk == ["status.at_risk"]
    for code in ("T01", "T02"):
        assert "được đào tạo" in t(f"sc.short.{code}", "vi") and "được đào tạo" in registry.get(code).name_vi
    assert not [k for k, (vi, _en) in TEXTS.items() if "có năng lực số" in vi]


def test_ownership_is_loai_hinh_and_institution_type_is_loai_co_so() -> None:
    vi = {k: v for k, (v, _en) in TEXTS.items()}
    assert vi["common.ownership"] == "Loại hình" and vi["common.all_ownerships"] == "Mọi loại hình"
    assert vi["targets.breakdown_ownership"] == "Theo loại hình"
    assert vi["common.type"] == "Loại cơ sở" and vi["common.all_types"] == "Mọi loại cơ sở"
    assert vi["targets.breakdown_type"] == "Theo loại cơ sở"
    assert not [k for k, v in vi.items() if "hình thức sở hữu" in v.lower() or "loại hình sở hữu" in v.lower()]


def test_no_school_transcript_and_no_calque() -> None:
    vi = " ".join(v for v, _en in TEXTS.values())
    for phrase in ("Bảng điểm", "kéo tỉnh xuống", "làm mới", "ngày dữ liệu", "Vị trí trên các chỉ tiêu"):
        assert phrase not in vi
    assert t("sc.title", "vi") == "Bảng theo dõi các tỉnh, thành phố" and t("sc.title", "en") == "Province tracker"


def test_the_title_is_the_decisions_name_for_the_system() -> None:
    assert t("app.title", "vi") == "Trung tâm thông tin tích hợp (IOC) phục vụ điều hành hoạt động giáo dục nghề nghiệp"
    assert t("app.subtitle", "vi") == (
        "Chương trình chuyển đổi số trong giáo dục nghề nghiệp đến năm 2025, định hướng đến năm 2030"
    )
    assert "Integrated Operations Center (IOC)" in t("app.title", "en")


def test_place_name_forms() -> None:
    assert place_name("Cần Thơ", True, "vi") == "Thành phố Cần Thơ"
    assert place_name("Cần Thơ", True, "vi", full=False) == "TP. Cần Thơ"
    assert place_name("An Giang", False, "en") == "An Giang Province"
