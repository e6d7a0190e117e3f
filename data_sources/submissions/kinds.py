"""The four kinds of submission and their columns, each with a Vietnamese and an English header."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

ValueType = Literal["text", "date", "bool", "choice", "digits"]


@dataclass(frozen=True)
class ColumnSpec:
    key: str  # the column's id in code, in the error file and accepted as a header too
    vi: str
    en: str
    type: ValueType
    required: bool
    # For ``choice``: accepted spellings (lower case) -> stored value.
    choices: tuple[tuple[str, str], ...] = ()
    hint_vi: str = ""
    hint_en: str = ""

    def headers(self) -> tuple[str, str, str]:
        return self.vi, self.en, self.key


@dataclass(frozen=True)
class KindSpec:
    key: str
    title_vi: str
    title_en: str
    columns: tuple[ColumnSpec, ...]

    def column(self, key: str) -> ColumnSpec:
        return next(c for c in self.columns if c.key == key)


def _province() -> ColumnSpec:
    return ColumnSpec(
        "province_code", "Mã tỉnh, thành phố", "Province code", "digits", True, hint_vi="2 chữ số, 34 đơn vị (79)"
    )


def _legacy(required: bool = False) -> ColumnSpec:
    return ColumnSpec(
        "legacy_province_code",
        "Mã tỉnh trước 01/7/2025",
        "Province code before 1 July 2025",
        "digits",
        required,
        hint_vi="2 chữ số, 63 đơn vị",
        hint_en="2 digits, one of the 63 units",
    )


def _institution(required: bool) -> ColumnSpec:
    return ColumnSpec("institution_code", "Mã cơ sở GDNN", "Institution code", "text", required)


_YES_NO: Final = (
    ("có", "1"),
    ("co", "1"),
    ("x", "1"),
    ("1", "1"),
    ("yes", "1"),
    ("true", "1"),
    ("không", "0"),
    ("khong", "0"),
    ("0", "0"),
    ("no", "0"),
    ("false", "0"),
)

TRAINING: Final = KindSpec(
    "training",
    "Nhà giáo, cán bộ quản lý hoàn thành bồi dưỡng",
    "Staff training completions",
    (
        _province(),
        _institution(True),
        ColumnSpec("personal_id", "Số định danh cá nhân", "Personal ID number", "digits", True, hint_en="12 digits"),
        ColumnSpec(
            "training_kind",
            "Nội dung bồi dưỡng",
            "Training",
            "choice",
            True,
            (
                ("năng lực số", "digital_capacity"),
                ("digital capacity", "digital_capacity"),
                ("digital_capacity", "digital_capacity"),
                ("học liệu số", "digital_materials"),
                ("digital materials", "digital_materials"),
                ("digital_materials", "digital_materials"),
            ),
            hint_vi="năng lực số | học liệu số",
            hint_en="digital capacity | digital materials",
        ),
        ColumnSpec("completed_on", "Ngày hoàn thành", "Completed on", "date", True),
    ),
)

INSPECTION: Final = KindSpec(
    "inspection",
    "Kiểm tra chuyên ngành",
    "Specialised inspections",
    (
        _province(),
        _legacy(),
        _institution(False),
        ColumnSpec("conducted_on", "Ngày kiểm tra", "Conducted on", "date", True),
        ColumnSpec(
            "is_digital",
            "Thực hiện trên môi trường số",
            "Conducted digitally",
            "bool",
            True,
            _YES_NO,
            hint_vi="có | không",
            hint_en="yes | no",
        ),
    ),
)

REPORT: Final = KindSpec(
    "report",
    "Báo cáo định kỳ, báo cáo thống kê",
    "Periodic and statistical reports",
    (
        _province(),
        _legacy(),
        _institution(False),
        ColumnSpec(
            "report_kind",
            "Loại báo cáo",
            "Report kind",
            "choice",
            True,
            (
                ("định kỳ", "periodic"),
                ("periodic", "periodic"),
                ("thống kê", "statistical"),
                ("statistical", "statistical"),
            ),
            hint_vi="định kỳ | thống kê",
            hint_en="periodic | statistical",
        ),
        ColumnSpec("period", "Kỳ báo cáo", "Period", "text", True, hint_vi="2025, 2025-H1, 2025-Q3, 2025-07"),
        ColumnSpec("submitted_on", "Ngày gửi", "Submitted on", "date", True),
        ColumnSpec("is_digital", "Gửi trên môi trường số", "Filed digitally", "bool", True, _YES_NO, "có | không"),
        ColumnSpec(
            "gris_connected",
            "Kết nối Hệ thống thông tin báo cáo Chính phủ",
            "Connected to the Government Reporting Information System",
            "bool",
            True,
            _YES_NO,
            "có | không",
        ),
    ),
)

READINESS_DATES: Final = ("digital_infrastructure_on", "platform_connected_on", "learner_data_integrated_on")

READINESS: Final = KindSpec(
    "readiness",
    "Ngày sẵn sàng chuyển đổi số của cơ sở GDNN",
    "Institution readiness dates",
    (
        _province(),
        _institution(True),
        ColumnSpec("digital_infrastructure_on", "Ngày có hạ tầng số", "Digital infrastructure on", "date", False),
        ColumnSpec(
            "platform_connected_on",
            "Ngày kết nối nền tảng số GDNN quốc gia",
            "Connected to the national VET platform on",
            "date",
            False,
        ),
        ColumnSpec(
            "learner_data_integrated_on",
            "Ngày tích hợp dữ liệu người học",
            "Learner data integrated on",
            "date",
            False,
        ),
    ),
)

KINDS: Final[dict[str, KindSpec]] = {k.key: k for k in (TRAINING, INSPECTION, REPORT, READINESS)}


def detect_kind(headers: list[str]) -> KindSpec | None:
    """The kind whose required columns all appear among ``headers`` (the best match), if any."""
    found = {h.strip().lower() for h in headers if h}
    best: tuple[int, KindSpec] | None = None
    for kind in KINDS.values():
        named = [c for c in kind.columns if any(h.lower() in found for h in c.headers())]
        if all(c in named for c in kind.columns if c.required) and (best is None or len(named) > best[0]):
            best = (len(named), kind)
    return best[1] if best else None
