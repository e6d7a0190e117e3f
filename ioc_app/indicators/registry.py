"""The twelve targets of Decision 2222/QĐ-TTg (Article 1, item 2), declared as data.

An indicator has one or more *series*: a population with a numerator, measured by one query
in ``data_sources.spells``. Most indicators have one series; T08 has two (colleges and
intermediate schools for 2025, all VET institutions for 2030); T05 and T10 carry milestone
series. Each target names the series it is judged on. Adding an indicator means adding an
entry here and its series query.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
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
    # A short name for a supporting series' line and panel (default: its numerator or population).
    label_vi: str = ""
    label_en: str = ""

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_vi


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
    # What we had to decide where the decision or the data leaves room: population, thresholds, what the
    # data cannot show. Shown on the fact card and in the README. Placeholders filled by the core:
    # {ministry}, {min_record_share}, {it_count}.
    interpretations_vi: tuple[str, ...] = ()
    interpretations_en: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_vi

    def definition(self, lang: str) -> str:
        return self.definition_en if lang == "en" else self.definition_vi

    def interpretations(self, lang: str) -> tuple[str, ...]:
        return self.interpretations_en if lang == "en" else self.interpretations_vi

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
_T08_NUM_VI = "Đã tích hợp dữ liệu và số hóa hồ sơ người học đạt ngưỡng"
_T08_NUM_EN = "Integrating learner data, records digitised above the threshold"
_MILESTONE_POP_VI = "Mốc quốc gia"
_MILESTONE_POP_EN = "National milestones"

_DECLARED: tuple[Indicator, ...] = (
    Indicator(
        code="T01",
        article="1.2.a",
        kind="percent",
        name_vi="Nhà giáo, cán bộ quản lý được đào tạo năng lực số",
        name_en="Teachers and managers trained in digital capacity",
        definition_vi="Tỷ lệ nhà giáo và cán bộ quản lý đang công tác đã hoàn thành ít nhất một khóa đào tạo "
        "bổ sung nâng cao năng lực số, kỹ năng, phương pháp sư phạm để đào tạo trên môi trường số "
        "(một người được đào tạo nhiều lần chỉ tính một lần; người đã nghỉ việc không còn trong mẫu số).",
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
        definition_vi="Tỷ lệ chương trình đào tạo các trình độ cao đẳng, trung cấp, sơ cấp đang thực hiện có chuẩn "
        "đầu ra đã tích hợp năng lực số (đào tạo thường xuyên không phải là một trình độ, không tính).",
        definition_en="Share of training programmes in use at the college, intermediate and elementary levels whose "
        "learning outcomes integrate digital competence (short courses are not a training level and are not "
        "counted).",
        legal_text_vi="Phấn đấu 70% vào năm 2025 và 100% vào năm 2030 chuẩn đầu ra chương trình đào tạo của các "
        "trình độ được tích hợp năng lực số, có nội dung đào tạo phù hợp với phương thức chuyển đổi số.",
        series=(
            Series(
                "programme_digital_outcomes",
                "Chương trình đào tạo các trình độ đang thực hiện",
                "Programmes of the training levels in use",
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
        definition_vi="Tỷ lệ chương trình đào tạo các trình độ đang thực hiện thuộc ngành, nghề công nghệ thông "
        "tin, công nghệ số (theo danh mục ngành, nghề kèm theo) đã được cập nhật phù hợp với ứng dụng khoa học "
        "công nghệ mới từ ngày ban hành Quyết định (30/12/2021). Quyết định không nêu năm; lấy năm 2025, cuối "
        "giai đoạn 1, làm hạn.",
        definition_en="Share of programmes of the training levels in use whose occupation is an IT or "
        "digital-technology speciality (on the attached list) that have been updated for new technology since "
        "the decision was issued (30/12/2021). The decision names no year; 2025, the end of the first phase, "
        "is taken as the deadline.",
        legal_text_vi="Phấn đấu 100% chương trình đào tạo chuyên ngành công nghệ thông tin, công nghệ số được cập "
        "nhật phù hợp với ứng dụng khoa học công nghệ mới.",
        series=(
            Series(
                "it_programme_updated",
                "Chương trình ngành, nghề CNTT, công nghệ số đang thực hiện",
                "IT / digital-technology programmes in use",
                "Đã cập nhật từ ngày ban hành Quyết định",
                "Updated since the decision",
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
        name_vi="Dịch vụ công trực tuyến mức độ 4 tích hợp Cổng Dịch vụ công quốc gia và cổng của Bộ",
        name_en="Level-4 online public services integrated with the national and ministry portals",
        definition_vi="Tỷ lệ dịch vụ công về GDNN của cơ quan quản lý đạt mức độ 4 (toàn trình), đã tích hợp "
        "lên Cổng Dịch vụ công quốc gia và đã tích hợp vào Cổng dịch vụ công và Hệ thống thông tin điện tử của "
        "{ministry} (cần cả ba). Hạn năm 2023 đã qua.",
        definition_en="Share of the VET authority's public services that are level 4 (fully online), integrated "
        "with the National Public Service Portal and integrated into the public-service portal and electronic "
        "information system of the {ministry} (all three required). The 2023 deadline has passed.",
        legal_text_vi="Phấn đấu 100% dịch vụ công trực tuyến mức độ 4, được tích hợp lên Cổng Dịch vụ công quốc "
        "gia và tích hợp vào Cổng dịch vụ công và Hệ thống thông tin điện tử của Bộ Lao động - Thương binh và "
        "Xã hội vào năm 2023.",
        series=(
            Series(
                "public_service_level4",
                "Dịch vụ công của cơ quan quản lý GDNN",
                "Public services of the VET authority",
                "Mức độ 4, đã tích hợp lên cả hai cổng",
                "Level 4, integrated into both portals",
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
        name_vi="Cơ sở GDNN số hóa học tập, văn bằng của người học và tích hợp dữ liệu",
        name_en="VET institutions digitising learners' records and diplomas and integrating the data",
        definition_vi="Tỷ lệ cơ sở đang hoạt động đã kết nối, tích hợp dữ liệu người học lên cơ sở dữ liệu GDNN "
        "quốc gia và đã số hóa hồ sơ (quá trình học tập, kết quả học tập và, khi đã tốt nghiệp, văn bằng) của "
        "ít nhất {min_record_share} người học nhập học từ năm 2021. Năm 2025 tính trên trường cao đẳng, trung "
        "cấp; năm 2030 tính trên mọi cơ sở GDNN.",
        definition_en="Share of institutions in operation that are connected and integrate their learner data into "
        "the national VET database and have digitised the records (study process, results and, once graduated, "
        "diploma) of at least {min_record_share} of their learners enrolled since 2021. The 2025 target counts "
        "colleges and intermediate schools; the 2030 target counts every VET institution.",
        legal_text_vi="Phấn đấu 100% trường cao đẳng, trung cấp năm 2025, 100% cơ sở giáo dục nghề nghiệp đến năm "
        "2030 số hóa quá trình học tập, kết quả học tập, văn bằng giáo dục nghề nghiệp của người học và kết nối, "
        "tích hợp dữ liệu lên môi trường số.",
        series=(
            Series(
                "institution_digitised_cd_tc",
                _CD_TC_VI,
                _CD_TC_EN,
                _T08_NUM_VI,
                _T08_NUM_EN,
            ),
            Series(
                "institution_digitised_all",
                "Cơ sở GDNN đang hoạt động",
                "VET institutions in operation",
                _T08_NUM_VI,
                _T08_NUM_EN,
            ),
        ),
        # The record-level share: how far digitisation has gone, beside the institution count.
        supporting_series=(
            Series(
                "learner_digitised_all",
                "Hồ sơ người học nhập học từ năm 2021, mọi cơ sở GDNN",
                "Records of learners enrolled since 2021, all VET institutions",
                "Hồ sơ và văn bằng đã số hóa",
                "Records and diplomas digitised",
                label_vi="Mức độ số hóa hồ sơ người học",
                label_en="Learner records digitised",
            ),
            Series(
                "learner_digitised_cd_tc",
                "Hồ sơ người học nhập học từ năm 2021, trường cao đẳng, trung cấp",
                "Records of learners enrolled since 2021, colleges and intermediate schools",
                "Hồ sơ và văn bằng đã số hóa",
                "Records and diplomas digitised",
                label_vi="Mức độ số hóa hồ sơ người học (CĐ, TC)",
                label_en="Learner records digitised (colleges, intermediate)",
            ),
        ),
        targets=(Target(2025, 1.0, "institution_digitised_cd_tc"), Target(2030, 1.0, "institution_digitised_all")),
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
        "chứng thực và tra cứu thông tin GDNN. Kèm theo: tỷ lệ cơ sở đang hoạt động đã có tọa độ và hồ sơ "
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
                "Có tọa độ và hồ sơ cập nhật trong 12 tháng",
                "Geolocated, profile updated in 12 months",
                label_vi="Bản đồ: cơ sở có tọa độ, hồ sơ cập nhật",
                label_en="Map: institutions geolocated and up to date",
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


_ALIVE_VI = "Chỉ tính cơ sở đang hoạt động tại ngày tính (đã thành lập, chưa giải thể)."
_ALIVE_EN = "Only institutions in operation at the date count (established, not closed)."
_ONCE_VI = "Một người được đào tạo nhiều lần chỉ tính một lần, từ ngày hoàn thành khóa đầu tiên; người đã nghỉ việc ra khỏi mẫu số."
_ONCE_EN = "A person trained several times counts once, from the first completed course; people who left leave the denominator."
_TWELVE_VI = "Tính trên các sự việc trong 12 tháng gần nhất tính đến ngày tính (hoạt động, không phải số tích lũy)."
_TWELVE_EN = "Counts the events of the 12 months up to the date (activity, not a running total)."

# What we decided where the decision or the data leaves room, target by target, side by side so
# that they can be reviewed together (the README's target table repeats them).
INTERPRETATIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "T01": (
        (
            "Mẫu số: nhà giáo và cán bộ quản lý đang công tác tại cơ sở GDNN. " + _ALIVE_VI,
            _ONCE_VI,
            "Mọi khóa đào tạo năng lực số được cơ sở ghi nhận đều được tính; dữ liệu không cho biết chất lượng khóa học.",
        ),
        (
            "Denominator: teachers and managers in post at VET institutions. " + _ALIVE_EN,
            _ONCE_EN,
            "Every digital-capacity course the institution records counts; the data does not show a course's quality.",
        ),
    ),
    "T02": (
        (
            "Mẫu số: nhà giáo đang công tác (không gồm cán bộ quản lý). " + _ALIVE_VI,
            _ONCE_VI,
        ),
        (
            "Denominator: teachers in post (managers excluded). " + _ALIVE_EN,
            _ONCE_EN,
        ),
    ),
    "T03": (
        (
            "Mẫu số: chương trình các trình độ cao đẳng, trung cấp, sơ cấp đang thực hiện; đào tạo thường xuyên "
            "(khóa ngắn hạn) không phải là một trình độ nên không tính.",
            "Vế “có nội dung đào tạo phù hợp với phương thức chuyển đổi số” không có trong dữ liệu: chỉ đo việc "
            "chuẩn đầu ra đã tích hợp năng lực số.",
        ),
        (
            "Denominator: programmes in use at the college, intermediate and elementary levels; short courses are "
            "not a training level and are not counted.",
            "The clause “training content suited to digital transformation” is not in the data: only the "
            "integration of digital competence into learning outcomes is measured.",
        ),
    ),
    "T04": (
        (
            "Ngành, nghề CNTT, công nghệ số: {it_count} mã ngành, nghề trong danh mục kèm theo (mã theo Thông tư "
            "26/2020/TT-BLĐTBXH, bỏ chữ số trình độ); danh mục là dữ liệu, cập nhật được mà không sửa phần mềm.",
            "Chỉ tính các trình độ cao đẳng, trung cấp, sơ cấp (như chỉ tiêu T03).",
            "Chỉ tính lần cập nhật từ ngày ban hành Quyết định (30/12/2021); lần cập nhật trước đó không được tính.",
            "Quyết định không nêu năm; lấy năm 2025, cuối giai đoạn 1, làm hạn.",
        ),
        (
            "IT / digital-technology occupations: the {it_count} occupation codes on the attached list (Circular "
            "26/2020/TT-BLĐTBXH codes without the level digit); the list is data and can change without a new "
            "release.",
            "Only the college, intermediate and elementary levels count (as for T03).",
            "Only updates made since the decision was issued (30/12/2021) count; earlier ones do not.",
            "The decision names no year; 2025, the end of the first phase, is taken as the deadline.",
        ),
    ),
    "T05": (
        (
            "Hai mốc quốc gia; đạt khi cả hai mốc đã được ghi nhận hoàn thành. Không có số liệu theo tỉnh.",
            "Mốc không được dự báo: còn hơn một năm đến hạn là đúng tiến độ, từ một năm trở xuống là có nguy cơ "
            "không đạt.",
        ),
        (
            "Two national milestones; achieved when both are recorded as done. No provincial figures.",
            "Milestones are not projected: more than a year before the deadline is on track, a year or less is "
            "at risk.",
        ),
    ),
    "T06": (
        (
            "Cần cả hai: có hạ tầng số và đã kết nối, khai thác với nền tảng số GDNN quốc gia; tính từ ngày muộn "
            "hơn của hai ngày.",
            _ALIVE_VI,
        ),
        (
            "Both are required: digital infrastructure and a connection to the national VET platform; counted "
            "from the later of the two dates.",
            _ALIVE_EN,
        ),
    ),
    "T07": (
        (
            "Cần cả ba: mức độ 4 (toàn trình), đã tích hợp lên Cổng Dịch vụ công quốc gia và đã tích hợp vào Cổng "
            "dịch vụ công và Hệ thống thông tin điện tử của bộ quản lý nhà nước về GDNN.",
            "Quyết định nêu Bộ Lao động - Thương binh và Xã hội; từ năm 2025 quản lý nhà nước về GDNN thuộc "
            "{ministry}: tính theo cổng của bộ đang quản lý (tên bộ là cấu hình).",
            "Hạn năm 2023 đã qua: chỉ tiêu được chốt theo giá trị ngày 31/12/2023. Chỉ tiêu cấp quốc gia, không "
            "có số liệu theo tỉnh.",
        ),
        (
            "All three are required: level 4 (fully online), integrated with the National Public Service Portal "
            "and integrated into the public-service portal and information system of the ministry in charge of VET.",
            "The decision names the Ministry of Labour, Invalids and Social Affairs; since 2025 VET is under the "
            "{ministry}: the portal of the ministry in charge counts (the ministry's name is configuration).",
            "The 2023 deadline has passed: the target is judged on its value on 31/12/2023. A national target, "
            "with no provincial figures.",
        ),
    ),
    "T08": (
        (
            "Tính theo cơ sở, như Quyết định: một cơ sở được tính khi (a) đã kết nối, tích hợp dữ liệu người học "
            "lên cơ sở dữ liệu GDNN quốc gia và (b) đã số hóa hồ sơ của ít nhất {min_record_share} người học của "
            "mình, cả hai tại ngày tính.",
            "Hồ sơ người học: người học nhập học từ ngày 01/01/2021, năm đầu của giai đoạn; hồ sơ đã số hóa khi "
            "quá trình và kết quả học tập đã số hóa và, nếu đã tốt nghiệp, văn bằng đã số hóa.",
            "Cơ sở chưa có người học nào trong phạm vi trên được coi là đạt điều kiện (b).",
            "Năm 2025 tính trên trường cao đẳng, trung cấp; năm 2030 tính trên mọi cơ sở GDNN. " + _ALIVE_VI,
            "Mức độ số hóa hồ sơ người học (tỷ lệ hồ sơ đã số hóa) hiển thị kèm theo để thấy chiều sâu; không "
            "dùng để đánh giá chỉ tiêu.",
        ),
        (
            "Counted by institution, as the decision does: an institution counts when (a) it is connected and "
            "integrates its learner data into the national VET database and (b) it has digitised the records of "
            "at least {min_record_share} of its learners, both at the date.",
            "Learner records: learners enrolled since 1/1/2021, the first year of the period; a record is "
            "digitised when the study process and results are and, once graduated, the diploma is too.",
            "An institution with no such learners yet meets condition (b).",
            "The 2025 target counts colleges and intermediate schools; the 2030 target every VET institution. "
            + _ALIVE_EN,
            "The record-level share (learner records digitised) is shown alongside for depth; it does not judge "
            "the target.",
        ),
    ),
    "T09": (
        (
            _TWELVE_VI,
            "Gồm kiểm tra tại cơ sở và kiểm tra cấp tỉnh; “thực hiện qua môi trường số” theo ghi nhận trong hệ thống "
            "thông tin của cơ quan quản lý.",
        ),
        (
            _TWELVE_EN,
            "Inspections of institutions and of provinces; “conducted digitally” as recorded in the authority's "
            "information system.",
        ),
    ),
    "T10": (
        (
            "Hai mốc quốc gia (2025: hình thành; 2030: liên kết với các hệ thống chứng thực và tra cứu), không được "
            "dự báo.",
            "Kèm theo, không dùng để đánh giá: tỷ lệ cơ sở đang hoạt động đã có tọa độ và hồ sơ cập nhật trong 12 "
            "tháng; các tỉnh được so sánh theo tỷ lệ này.",
        ),
        (
            "Two national milestones (2025: formed; 2030: linked with the certification and lookup systems), not "
            "projected.",
            "Shown alongside, not judged: the share of institutions in operation that are geolocated with a profile "
            "updated in the last 12 months; provinces are compared on it.",
        ),
    ),
    "T11": (
        (
            "Cần cả hai: thực hiện trên môi trường số và kết nối với Hệ thống thông tin báo cáo Chính phủ.",
            _TWELVE_VI,
        ),
        (
            "Both are required: filed digitally and connected to the Government Reporting Information System.",
            _TWELVE_EN,
        ),
    ),
    "T12": (
        (
            "Mẫu số: trường đã được công nhận chất lượng cao tại ngày tính. " + _ALIVE_VI,
            "“Ít nhất 50%”: đạt khi bằng hoặc vượt 50%.",
        ),
        (
            "Denominator: schools recognised as high-quality at the date. " + _ALIVE_EN,
            "“At least 50%”: achieved at 50% or above.",
        ),
    ),
}

INDICATORS: tuple[Indicator, ...] = tuple(
    replace(i, interpretations_vi=INTERPRETATIONS[i.code][0], interpretations_en=INTERPRETATIONS[i.code][1])
    for i in _DECLARED
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
