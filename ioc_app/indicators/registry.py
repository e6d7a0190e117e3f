"""The twelve targets of Decision 2222/QĐ-TTg (Article 1, item 2), declared as data.

An indicator has one or more *series*: a population with a numerator, measured by one query
in ``data_sources.spells``. Most indicators have one series; T08 has two (colleges and
intermediate schools for 2025, all VET institutions for 2030); T05 and T10 carry milestone
series. Each target names the series it is judged on. Adding an indicator means adding an
entry here and its series query.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

SOURCE_VI = "Cơ sở dữ liệu quản lý GDNN"
HEADLINE = "headline"
SOURCE_EN = "VET management database"


@dataclass(frozen=True)
class Series:
    key: str  # query key in data_sources.spells.SERIES_QUERIES
    population_vi: str
    population_en: str
    numerator_vi: str
    numerator_en: str
    national_only: bool = False  # national records with no province/type/ownership


@dataclass(frozen=True)
class Target:
    year: int  # deadline: 31 December of this year
    value: float  # share to reach, 0..1 (milestones: 1.0 = achieved)
    series: str  # the series it is judged on
    at_least: bool = False  # "ít nhất" in the decision


@dataclass(frozen=True)
class Indicator:
    code: str
    article: str  # Article 1, item 2, point a-d of the decision
    kind: str  # "percent" or "milestone"
    name_vi: str
    name_en: str
    definition_vi: str
    definition_en: str
    legal_text_vi: str  # the decision's own wording
    series: tuple[Series, ...]
    targets: tuple[Target, ...]
    direction: str = "up"
    unit: str = "%"
    source_vi: str = SOURCE_VI
    source_en: str = SOURCE_EN
    # An informative series shown beside a milestone (T10: map completeness), not judged.
    supporting_series: tuple[Series, ...] = ()
    # What a province view (scorecard column, map colour, ranking, province page) shows: the key of
    # a series with provincial figures, HEADLINE for the headline series, None for national only.
    province_series: str | None = "headline"

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_vi

    def definition(self, lang: str) -> str:
        return self.definition_en if lang == "en" else self.definition_vi

    @property
    def headline_series(self) -> Series:
        """The series of the latest deadline: what an overview panel shows as "now"."""
        latest = max(self.targets, key=lambda t: t.year)
        return self.series_by_key(latest.series)

    def series_by_key(self, key: str) -> Series:
        for s in (*self.series, *self.supporting_series):
            if s.key == key:
                return s
        raise KeyError(key)

    @property
    def all_series(self) -> tuple[Series, ...]:
        return (*self.series, *self.supporting_series)

    @property
    def provincial(self) -> Series | None:
        """The series province views show, or None when the target is measured nationally only."""
        if self.province_series is None:
            return None
        if self.province_series == HEADLINE:
            return self.headline_series
        return self.series_by_key(self.province_series)

    @property
    def provincially_judged(self) -> bool:
        """Whether a province's figure is judged against the targets (False: shown for reference)."""
        shown = self.provincial
        return shown is not None and shown.key in {t.series for t in self.targets}

    @property
    def national_only(self) -> bool:
        """Measured on national records only (milestones, the authority's public services)."""
        return all(s.national_only for s in self.series)


_STAFF_BOTH_VI = "Nhà giáo và cán bộ quản lý đang công tác tại cơ sở GDNN"
_STAFF_BOTH_EN = "Teachers and managers in post at VET institutions"
_CD_TC_VI = "Trường cao đẳng và trường trung cấp đang hoạt động"
_CD_TC_EN = "Colleges and intermediate schools in operation"
_MILESTONE_POP_VI = "Mốc quốc gia"
_MILESTONE_POP_EN = "National milestones"

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="T01",
        article="1.2.a",
        kind="percent",
        name_vi="Nhà giáo, cán bộ quản lý được đào tạo năng lực số",
        name_en="Teachers and managers trained in digital capacity",
        definition_vi="Tỷ lệ nhà giáo và cán bộ quản lý đang công tác đã hoàn thành ít nhất một khoá đào tạo "
        "bổ sung nâng cao năng lực số, kỹ năng, phương pháp sư phạm để đào tạo trên môi trường số "
        "(người học hai khoá chỉ tính một lần; người đã nghỉ việc không còn trong mẫu số).",
        definition_en="Share of teachers and managers in post who have completed at least one course in digital "
        "capacity, skills and teaching methods for digital training (a person trained twice counts once; "
        "people who have left are no longer in the denominator).",
        legal_text_vi="Phấn đấu 50% đến năm 2025 và 100% đến năm 2030 nhà giáo và cán bộ quản lý được đào tạo "
        "bổ sung nâng cao năng lực số, kỹ năng, phương pháp sư phạm phù hợp để triển khai đào tạo trên môi "
        "trường số.",
        series=(
            Series(
                "staff_digital_capacity",
                _STAFF_BOTH_VI,
                _STAFF_BOTH_EN,
                "Đã được đào tạo năng lực số",
                "Trained in digital capacity",
            ),
        ),
        targets=(Target(2025, 0.5, "staff_digital_capacity"), Target(2030, 1.0, "staff_digital_capacity")),
    ),
    Indicator(
        code="T02",
        article="1.2.a",
        kind="percent",
        name_vi="Nhà giáo được đào tạo phát triển học liệu số",
        name_en="Teachers trained to develop digital learning materials",
        definition_vi="Tỷ lệ nhà giáo đang công tác đã hoàn thành đào tạo phát triển học liệu số.",
        definition_en="Share of teachers in post who have completed training in developing digital learning materials.",
        legal_text_vi="Phấn đấu 50% đến năm 2025 và 100% đến năm 2030 nhà giáo của các cơ sở giáo dục nghề nghiệp "
        "được đào tạo phát triển học liệu số.",
        series=(
            Series(
                "teacher_digital_materials",
                "Nhà giáo đang công tác tại cơ sở GDNN",
                "Teachers in post at VET institutions",
                "Đã được đào tạo phát triển học liệu số",
                "Trained to develop digital materials",
            ),
        ),
        targets=(Target(2025, 0.5, "teacher_digital_materials"), Target(2030, 1.0, "teacher_digital_materials")),
    ),
    Indicator(
        code="T03",
        article="1.2.b",
        kind="percent",
        name_vi="Chuẩn đầu ra chương trình đào tạo tích hợp năng lực số",
        name_en="Programme learning outcomes integrating digital competence",
        definition_vi="Tỷ lệ chương trình đào tạo (mọi trình độ) đang thực hiện có chuẩn đầu ra đã tích hợp "
        "năng lực số.",
        definition_en="Share of training programmes in use (all levels) whose learning outcomes integrate "
        "digital competence.",
        legal_text_vi="Phấn đấu 70% vào năm 2025 và 100% vào năm 2030 chuẩn đầu ra chương trình đào tạo của các "
        "trình độ được tích hợp năng lực số, có nội dung đào tạo phù hợp với phương thức chuyển đổi số.",
        series=(
            Series(
                "programme_digital_outcomes",
                "Chương trình đào tạo đang thực hiện",
                "Training programmes in use",
                "Chuẩn đầu ra tích hợp năng lực số",
                "Outcomes integrate digital competence",
            ),
        ),
        targets=(Target(2025, 0.7, "programme_digital_outcomes"), Target(2030, 1.0, "programme_digital_outcomes")),
    ),
    Indicator(
        code="T04",
        article="1.2.b",
        kind="percent",
        name_vi="Chương trình chuyên ngành CNTT, công nghệ số được cập nhật",
        name_en="IT and digital-technology programmes updated",
        definition_vi="Tỷ lệ chương trình đào tạo chuyên ngành công nghệ thông tin, công nghệ số đang thực hiện "
        "đã được cập nhật phù hợp với ứng dụng khoa học công nghệ mới kể từ khi ban hành Quyết định. "
        "Quyết định không nêu năm; lấy năm 2025, cuối giai đoạn 1, làm hạn.",
        definition_en="Share of IT and digital-technology programmes in use that have been updated for new "
        "technology since the decision. The decision names no year; 2025, the end of the first phase, is "
        "taken as the deadline.",
        legal_text_vi="Phấn đấu 100% chương trình đào tạo chuyên ngành công nghệ thông tin, công nghệ số được cập "
        "nhật phù hợp với ứng dụng khoa học công nghệ mới.",
        series=(
            Series(
                "it_programme_updated",
                "Chương trình chuyên ngành CNTT, công nghệ số đang thực hiện",
                "IT / digital-technology programmes in use",
                "Đã được cập nhật",
                "Updated for new technology",
            ),
        ),
        targets=(Target(2025, 1.0, "it_programme_updated"),),
    ),
    Indicator(
        code="T05",
        article="1.2.c",
        kind="milestone",
        name_vi="Nền tảng số GDNN quốc gia và kho học liệu số dùng chung",
        name_en="National VET digital platform and shared learning repository",
        definition_vi="Hai mốc quốc gia: nền tảng số GDNN quốc gia được hình thành; kho học liệu, tài nguyên số "
        "dùng chung được hình thành. Đạt khi cả hai mốc hoàn thành.",
        definition_en="Two national milestones: the national VET digital platform is formed; the shared "
        "repository of digital learning materials is formed. Achieved when both are done.",
        legal_text_vi="Hình thành nền tảng số giáo dục nghề nghiệp quốc gia và kho học liệu, tài nguyên số dùng "
        "chung phục vụ cho hoạt động dạy và học vào năm 2025.",
        series=(
            Series(
                "milestones_platform",
                _MILESTONE_POP_VI,
                _MILESTONE_POP_EN,
                "Mốc đã hoàn thành",
                "Milestones achieved",
                national_only=True,
            ),
        ),
        targets=(Target(2025, 1.0, "milestones_platform"),),
        province_series=None,  # national records only
        unit="milestone",
    ),
    Indicator(
        code="T06",
        article="1.2.c",
        kind="percent",
        name_vi="Trường CĐ, TC có hạ tầng số, kết nối nền tảng số GDNN quốc gia",
        name_en="Colleges and intermediate schools with digital infrastructure connected to the national platform",
        definition_vi="Tỷ lệ trường cao đẳng, trung cấp đang hoạt động có hạ tầng số và nền tảng số đã kết nối, "
        "khai thác với nền tảng số GDNN quốc gia (cần cả hai).",
        definition_en="Share of colleges and intermediate schools in operation that have digital infrastructure "
        "and a digital platform connected to the national VET platform (both required).",
        legal_text_vi="Phấn đấu 50% vào năm. 2025 và 100% vào năm 2030 trường cao đẳng, trường trung cấp có hạ "
        "tầng số, nền tảng số để kết nối, khai thác với nền tảng số giáo dục nghề nghiệp quốc gia.",
        series=(
            Series(
                "school_platform_connected",
                _CD_TC_VI,
                _CD_TC_EN,
                "Có hạ tầng số và đã kết nối",
                "Digital infrastructure and connected",
            ),
        ),
        targets=(Target(2025, 0.5, "school_platform_connected"), Target(2030, 1.0, "school_platform_connected")),
    ),
    Indicator(
        code="T07",
        article="1.2.d",
        kind="percent",
        name_vi="Dịch vụ công trực tuyến mức độ 4 tích hợp Cổng Dịch vụ công quốc gia",
        name_en="Level-4 online public services integrated with the National Public Service Portal",
        definition_vi="Tỷ lệ dịch vụ công về GDNN của cơ quan quản lý đạt mức độ 4 (toàn trình) và đã tích hợp "
        "lên Cổng Dịch vụ công quốc gia. Hạn năm 2023 đã qua.",
        definition_en="Share of the VET authority's public services that are level 4 (fully online) and "
        "integrated with the National Public Service Portal. The 2023 deadline has passed.",
        legal_text_vi="Phấn đấu 100% dịch vụ công trực tuyến mức độ 4, được tích hợp lên Cổng Dịch vụ công quốc "
        "gia và tích hợp vào Cổng dịch vụ công và Hệ thống thông tin điện tử của Bộ Lao động - Thương binh và "
        "Xã hội vào năm 2023.",
        series=(
            Series(
                "public_service_level4",
                "Dịch vụ công của cơ quan quản lý GDNN",
                "Public services of the VET authority",
                "Mức độ 4 và đã tích hợp",
                "Level 4 and integrated",
                national_only=True,
            ),
        ),
        targets=(Target(2023, 1.0, "public_service_level4"),),
        province_series=None,  # national records only
    ),
    Indicator(
        code="T08",
        article="1.2.d",
        kind="percent",
        name_vi="Số hóa quá trình học tập, kết quả học tập, văn bằng của người học",
        name_en="Learners' study records, results and diplomas digitised",
        definition_vi="Tỷ lệ hồ sơ người học (nhập học từ 2021) đã được số hóa quá trình và kết quả học tập, và "
        "nếu đã tốt nghiệp thì văn bằng đã được số hóa. Năm 2025 tính trên trường cao đẳng, trung cấp; năm "
        "2030 tính trên mọi cơ sở GDNN.",
        definition_en="Share of learner records (enrolled since 2021) whose study process and results are "
        "digitised and, once graduated, whose diploma is digitised. The 2025 target counts colleges and "
        "intermediate schools; the 2030 target counts every VET institution.",
        legal_text_vi="Phấn đấu 100% trường cao đẳng, trung cấp năm 2025, 100% cơ sở giáo dục nghề nghiệp đến năm "
        "2030 số hóa quá trình học tập, kết quả học tập, văn bằng giáo dục nghề nghiệp của người học và kết nối, "
        "tích hợp dữ liệu lên môi trường số.",
        series=(
            Series(
                "learner_digitised_cd_tc",
                "Người học tại trường cao đẳng, trung cấp",
                "Learners at colleges and intermediate schools",
                "Hồ sơ và văn bằng đã số hóa",
                "Records and diplomas digitised",
            ),
            Series(
                "learner_digitised_all",
                "Người học tại mọi cơ sở GDNN",
                "Learners at all VET institutions",
                "Hồ sơ và văn bằng đã số hóa",
                "Records and diplomas digitised",
            ),
        ),
        targets=(Target(2025, 1.0, "learner_digitised_cd_tc"), Target(2030, 1.0, "learner_digitised_all")),
    ),
    Indicator(
        code="T09",
        article="1.2.d",
        kind="percent",
        name_vi="Kiểm tra chuyên ngành GDNN thực hiện trên môi trường số",
        name_en="Specialised VET inspections conducted digitally",
        definition_vi="Tỷ lệ cuộc kiểm tra chuyên ngành GDNN trong 12 tháng gần nhất được thực hiện qua môi "
        "trường số và hệ thống thông tin của cơ quan quản lý.",
        definition_en="Share of specialised VET inspections in the last 12 months conducted through digital "
        "means and the authority's information system.",
        legal_text_vi="Có 50% vào năm 2025 và 70% vào năm 2030 hoạt động kiểm tra chuyên ngành về giáo dục nghề "
        "nghiệp được thực hiện thông qua môi trường số và hệ thống thông tin của cơ quan quản lý.",
        series=(
            Series(
                "inspection_digital",
                "Cuộc kiểm tra chuyên ngành trong 12 tháng",
                "Specialised inspections in the last 12 months",
                "Thực hiện trên môi trường số",
                "Conducted digitally",
            ),
        ),
        targets=(Target(2025, 0.5, "inspection_digital"), Target(2030, 0.7, "inspection_digital")),
    ),
    Indicator(
        code="T10",
        article="1.2.d",
        kind="milestone",
        name_vi="Bản đồ số mạng lưới cơ sở GDNN",
        name_en="Digital map of the VET institution network",
        definition_vi="Mốc năm 2025: bản đồ số được hình thành; mốc năm 2030: bản đồ liên kết với các hệ thống "
        "chứng thực và tra cứu thông tin GDNN. Kèm theo: tỷ lệ cơ sở đang hoạt động đã có toạ độ và hồ sơ "
        "cập nhật trong 12 tháng.",
        definition_en="2025 milestone: the digital map is formed; 2030 milestone: the map is linked with the VET "
        "certification and lookup systems. Alongside: share of institutions in operation that are geolocated "
        "with a profile updated in the last 12 months.",
        legal_text_vi="Hình thành bản đồ số mạng lưới cơ sở giáo dục nghề nghiệp vào năm 2025 và liên kết bản đồ "
        "số mạng lưới cơ sở giáo dục nghề nghiệp với các hệ thống chứng thực và tra cứu thông tin giáo dục nghề "
        "nghiệp vào năm 2030.",
        series=(
            Series(
                "milestone_map_formed",
                _MILESTONE_POP_VI,
                _MILESTONE_POP_EN,
                "Bản đồ số đã hình thành",
                "Digital map formed",
                national_only=True,
            ),
            Series(
                "milestone_map_linked",
                _MILESTONE_POP_VI,
                _MILESTONE_POP_EN,
                "Bản đồ đã liên kết",
                "Map linked",
                national_only=True,
            ),
        ),
        targets=(Target(2025, 1.0, "milestone_map_formed"), Target(2030, 1.0, "milestone_map_linked")),
        province_series="map_completeness",  # the milestones are national; provinces show map completeness
        supporting_series=(
            Series(
                "map_completeness",
                "Cơ sở GDNN đang hoạt động",
                "VET institutions in operation",
                "Có toạ độ và hồ sơ cập nhật trong 12 tháng",
                "Geolocated, profile updated in 12 months",
            ),
        ),
        unit="milestone",
    ),
    Indicator(
        code="T11",
        article="1.2.d",
        kind="percent",
        name_vi="Báo cáo định kỳ, thống kê GDNN trên môi trường số, kết nối Hệ thống thông tin báo cáo Chính phủ",
        name_en="Periodic and statistical VET reports filed digitally and connected to the Government Reporting "
        "Information System",
        definition_vi="Tỷ lệ báo cáo định kỳ và báo cáo thống kê về GDNN nộp trong 12 tháng gần nhất được thực "
        "hiện trên môi trường số và kết nối với Hệ thống thông tin báo cáo Chính phủ (cần cả hai).",
        definition_en="Share of periodic and statistical VET reports submitted in the last 12 months that were "
        "filed digitally and connected to the Government Reporting Information System (both required).",
        legal_text_vi="Phấn đấu 100% báo cáo định kỳ và báo cáo thống kê về giáo dục nghề nghiệp được thực hiện "
        "trên môi trường số và kết nối, tích hợp, chia sẻ dữ liệu số trên Hệ thống thông tin báo cáo Chính phủ "
        "vào năm 2025.",
        series=(
            Series(
                "report_digital_connected",
                "Báo cáo nộp trong 12 tháng",
                "Reports submitted in the last 12 months",
                "Số hóa và kết nối",
                "Digital and connected",
            ),
        ),
        targets=(Target(2025, 1.0, "report_digital_connected"),),
    ),
    Indicator(
        code="T12",
        article="1.2.d",
        kind="percent",
        name_vi="Trường chất lượng cao là trường học số",
        name_en="High-quality schools that are digital schools",
        definition_vi="Tỷ lệ trường chất lượng cao đang hoạt động đã được công nhận là trường học số.",
        definition_en="Share of high-quality schools in operation recognised as digital schools.",
        legal_text_vi="Phấn đấu ít nhất 50% đến năm 2025 và 100% đến năm 2030 các trường chất lượng cao là trường "
        "học số.",
        series=(
            Series(
                "high_quality_digital_school",
                "Trường chất lượng cao đang hoạt động",
                "High-quality schools in operation",
                "Là trường học số",
                "Digital schools",
            ),
        ),
        targets=(
            Target(2025, 0.5, "high_quality_digital_school", at_least=True),
            Target(2030, 1.0, "high_quality_digital_school"),
        ),
    ),
)


@lru_cache(maxsize=1)
def by_code() -> dict[str, Indicator]:
    return {i.code: i for i in INDICATORS}


def get(code: str) -> Indicator:
    """The indicator with this code (case-insensitive); KeyError if there is none."""
    return by_code()[code.upper()]


def all_series() -> tuple[Series, ...]:
    """Every series of every indicator, each once."""
    seen: dict[str, Series] = {}
    for ind in INDICATORS:
        for s in ind.all_series:
            seen.setdefault(s.key, s)
    return tuple(seen.values())
