"""The focus tasks of the programme, as data: the appendix of Decision 2222/QĐ-TTg.

"DANH MỤC CÁC NHIỆM VỤ TRỌNG TÂM TRIỂN KHAI CHƯƠNG TRÌNH CHUYỂN ĐỔI SỐ GIÁO DỤC NGHỀ NGHIỆP"
(attached to Decision 2222/QĐ-TTg of 30/12/2021). Task titles, lead and partner agencies and
periods are copied from the decision's text as written (including its spelling of agency names);
the English titles are our short translations. The decision numbers the groups (1, 2, 2.1, 2.2,
3, 4, 5); the task numbers inside a group (2.1.3, ...) are ours, in the decision's order.

The lead agency named by the decision may no longer exist under that name: state management of
VET passed from the Ministry of Labour, Invalids and Social Affairs to the Ministry of Education
and Training in 2025. Tasks led by "the ministry in charge of VET" carry ``led_by_vet_authority``;
the page names the current authority from settings, never from code.

The appendix gives periods, not results. A task's schedule status only places the page's data date
against its period: before 1 January of its first year the period has not yet started, from then
to 31 December of its last year it is within its period, after that its period has ended. None of
these says the work is done. What was actually done comes from dated progress reports with their
source (``ioc_app.task_progress``), shown beside the schedule, never merged into it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

MOLISA_VI: Final = "Bộ Lao động - Thương binh và Xã hội"
MOLISA_EN: Final = "Ministry of Labour, Invalids and Social Affairs"
_MINISTRIES_VI = "Các bộ, ngành có liên quan"
_MINISTRIES_EN = "Relevant ministries and sectors"
_MIN_INST_VI = "Các bộ, ngành có liên quan; các cơ sở giáo dục nghề nghiệp"
_MIN_INST_EN = "Relevant ministries and sectors; VET institutions"
_MIN_PROV_VI = "Các bộ, ngành có liên quan; các tỉnh, thành phố trực thuộc trung ương"
_MIN_PROV_EN = "Relevant ministries and sectors; provinces and centrally-run cities"
_MIN_PROV_INST_VI = (
    "Các bộ, ngành có liên quan; các tỉnh, thành phố trực thuộc trung ương. Các cơ sở giáo dục nghề nghiệp"
)
_MIN_PROV_INST_EN = "Relevant ministries and sectors; provinces and centrally-run cities; VET institutions"
_INSTITUTIONS_VI = "Các cơ sở giáo dục nghề nghiệp"
_INSTITUTIONS_EN = "VET institutions"
_ORGS_VI = "Các tổ chức, cá nhân có liên quan"
_ORGS_EN = "Relevant organisations and individuals"

# Where the data date falls against a task's period (text keys tasks.schedule.<status>).
BEFORE_PERIOD, WITHIN_PERIOD, PERIOD_ENDED = "before_period", "within_period", "period_ended"
SCHEDULE_STATUSES: Final = (BEFORE_PERIOD, WITHIN_PERIOD, PERIOD_ENDED)

# What a progress report says about the work (text keys tasks.reported.<state>).
NOT_STARTED, IN_PROGRESS, COMPLETED = "not_started", "in_progress", "completed"
REPORTED_STATES: Final = (NOT_STARTED, IN_PROGRESS, COMPLETED)


@dataclass(frozen=True)
class TaskGroup:
    number: str  # the decision's own numbering
    title_vi: str
    title_en: str


@dataclass(frozen=True)
class FocusTask:
    number: str
    group: str  # number of the innermost group it sits in
    title_vi: str  # the decision's wording
    title_en: str  # short English title
    short_vi: str  # short Vietnamese label for charts
    lead_vi: str  # the decision's wording
    lead_en: str
    partners_vi: str | None
    partners_en: str | None
    start_year: int
    end_year: int
    led_by_vet_authority: bool  # lead is the ministry in charge of VET (now another ministry)
    short_en: str = ""  # short English label for charts

    @property
    def start(self) -> dt.date:
        return dt.date(self.start_year, 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.end_year, 12, 31)

    @property
    def period(self) -> str:
        return f"{self.start_year} - {self.end_year}"

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_vi

    def label(self, lang: str) -> str:
        return (self.short_en or self.title_en) if lang == "en" else self.short_vi

    def lead(self, lang: str) -> str:
        return self.lead_en if lang == "en" else self.lead_vi

    def partners(self, lang: str) -> str | None:
        return self.partners_en if lang == "en" else self.partners_vi


GROUPS: Final[tuple[TaskGroup, ...]] = (
    TaskGroup(
        "1",
        "Phát triển chương trình, nội dung đào tạo giáo dục nghề nghiệp",
        "Developing VET programmes and training content",
    ),
    TaskGroup(
        "2",
        "Hạ tầng, nền tảng, thiết bị và học liệu số",
        "Digital infrastructure, platforms, equipment and learning materials",
    ),
    TaskGroup("2.1", "Hạ tầng số", "Digital infrastructure"),
    TaskGroup("2.2", "Nền tảng số và học liệu số", "Digital platforms and digital learning materials"),
    TaskGroup(
        "3",
        "Phát triển năng lực số cho đội ngũ nhà giáo và cán bộ quản lý giáo dục nghề nghiệp và đổi "
        "mới phương pháp dạy và học",
        "Digital capacity of VET teachers and managers; new teaching and learning methods",
    ),
    TaskGroup(
        "4",
        "Chuyển đổi số hoạt động quản lý nhà nước và quản trị nhà trường",
        "Digital transformation of state management and school governance",
    ),
    TaskGroup("5", "Bảo đảm an toàn, an ninh mạng", "Cyber safety and security"),
)

TASKS: Final[tuple[FocusTask, ...]] = (
    FocusTask(
        "1.1",
        "1",
        "Đổi mới và phát triển nội dung, chương trình đào tạo",
        "Renew and develop training content and programmes",
        "Đổi mới nội dung, chương trình đào tạo",
        MOLISA_VI,
        MOLISA_EN,
        _MIN_INST_VI,
        _MIN_INST_EN,
        2022,
        2030,
        True,
        short_en="Renew training content and programmes",
    ),
    FocusTask(
        "2.1.1",
        "2.1",
        "Nâng cấp Trung tâm dữ liệu giáo dục nghề nghiệp và hệ thống hạ tầng số của cơ quan "
        "quản lý nhà nước về giáo dục nghề nghiệp",
        "Upgrade the VET data centre and the VET authority's digital infrastructure",
        "Trung tâm dữ liệu GDNN, hạ tầng số cơ quan quản lý",
        MOLISA_VI,
        MOLISA_EN,
        _MIN_PROV_VI,
        _MIN_PROV_EN,
        2022,
        2025,
        True,
        short_en="VET data centre, authority's infrastructure",
    ),
    FocusTask(
        "2.1.2",
        "2.1",
        "Xây dựng trung tâm thông tin tích hợp phục vụ điều hành hoạt động giáo dục nghề nghiệp",
        "Build the integrated operations centre for VET",
        "Trung tâm thông tin tích hợp điều hành GDNN",
        MOLISA_VI,
        MOLISA_EN,
        None,
        None,
        2022,
        2025,
        True,
        short_en="Integrated operations centre for VET",
    ),
    FocusTask(
        "2.1.3",
        "2.1",
        "Đầu tư, nâng cấp Hệ thống hạ tầng số của các cơ sở giáo dục nghề nghiệp",
        "Invest in and upgrade VET institutions' digital infrastructure",
        "Hạ tầng số của các cơ sở GDNN",
        _INSTITUTIONS_VI,
        _INSTITUTIONS_EN,
        _ORGS_VI,
        _ORGS_EN,
        2022,
        2030,
        False,
        short_en="Institutions' digital infrastructure",
    ),
    FocusTask(
        "2.1.4",
        "2.1",
        "Đầu tư/thuê/chuyển giao thiết bị số, hạ tầng, các thiết bị thực tập, phòng thí "
        "nghiệm, xưởng thực hành ảo, phòng học thông minh và các thiết bị phát triển học liệu số cho các cơ "
        "sở giáo dục nghề nghiệp",
        "Digital equipment, virtual workshops, smart classrooms and content-production equipment for VET institutions",
        "Thiết bị số, xưởng ảo, phòng học thông minh",
        _MIN_INST_VI,
        _MIN_INST_EN,
        _ORGS_VI,
        _ORGS_EN,
        2022,
        2030,
        False,
        short_en="Digital equipment, virtual workshops",
    ),
    FocusTask(
        "2.1.5",
        "2.1",
        "Nâng cấp, hoàn thiện hệ thống thông tin quản lý giáo dục nghề nghiệp có khả năng "
        "đồng bộ với hệ thống thông tin thị trường lao động và cơ sở dữ liệu về giáo dục nghề nghiệp",
        "Upgrade the VET management information system, in sync with labour-market information and the VET database",
        "Hệ thống thông tin quản lý GDNN",
        MOLISA_VI,
        MOLISA_EN,
        _MIN_PROV_VI,
        _MIN_PROV_EN,
        2022,
        2025,
        True,
        short_en="VET management information system",
    ),
    FocusTask(
        "2.1.6",
        "2.1",
        "Xây dựng nền tảng hạ tầng cơ sở dữ liệu lớn phục vụ báo cáo tổng hợp và phân tích "
        "nhu cầu giáo dục nghề nghiệp, phân tích chất lượng dạy và học, hỗ trợ công tác tuyển sinh và các "
        "nghiệp vụ khác",
        "Big-data platform for VET reporting, demand and quality analysis, and enrolment support",
        "Nền tảng dữ liệu lớn, phân tích GDNN",
        "Bộ Lao động -Thương binh và Xã hội",
        MOLISA_EN,
        _MIN_PROV_INST_VI,
        _MIN_PROV_INST_EN,
        2022,
        2030,
        True,
        short_en="Big-data platform for VET analysis",
    ),
    FocusTask(
        "2.2.1",
        "2.2",
        "Đầu tư xây dựng/thuê/chuyển giao nền tảng số giáo dục nghề nghiệp quốc gia",
        "Build, rent or transfer the national VET digital platform",
        "Nền tảng số GDNN quốc gia",
        MOLISA_VI,
        MOLISA_EN,
        _MIN_PROV_INST_VI,
        _MIN_PROV_INST_EN,
        2022,
        2025,
        True,
        short_en="National VET digital platform",
    ),
    FocusTask(
        "2.2.2",
        "2.2",
        "Đầu tư xây dựng nền tảng học liệu số toàn ngành giáo dục nghề nghiệp theo nguyên tắc "
        "kết hợp học liệu mở với xây dựng thị trường trao đổi học liệu",
        "Sector-wide digital learning-materials platform: open materials and an exchange market",
        "Nền tảng học liệu số toàn ngành",
        MOLISA_VI,
        MOLISA_EN,
        _MIN_PROV_INST_VI,
        _MIN_PROV_INST_EN,
        2022,
        2030,
        True,
        short_en="Sector-wide learning-materials platform",
    ),
    FocusTask(
        "3.1",
        "3",
        "Đào tạo, bồi dưỡng, cập nhật kiến thức, kỹ năng số, phương pháp đào tạo mới cho nhà "
        "giáo, cán bộ quản lý giáo dục nghề nghiệp",
        "Train VET teachers and managers in digital skills and new teaching methods",
        "Bồi dưỡng kỹ năng số cho nhà giáo, CBQL",
        MOLISA_VI,
        MOLISA_EN,
        _MIN_INST_VI,
        _MIN_INST_EN,
        2022,
        2030,
        True,
        short_en="Digital skills for teachers, managers",
    ),
    FocusTask(
        "3.2",
        "3",
        "Phát triển đội ngũ cán bộ chuyên về phát triển các ứng dụng số, học liệu số tại các cơ "
        "sở giáo dục nghề nghiệp",
        "Build teams specialised in digital applications and materials at VET institutions",
        "Đội ngũ phát triển ứng dụng, học liệu số",
        MOLISA_VI,
        MOLISA_EN,
        _INSTITUTIONS_VI,
        _INSTITUTIONS_EN,
        2022,
        2030,
        True,
        short_en="Digital application and content teams",
    ),
    FocusTask(
        "4.1",
        "4",
        "Chuyển đổi số hoạt động quản lý nhà nước",
        "Digital transformation of state management",
        "Chuyển đổi số quản lý nhà nước",
        MOLISA_VI,
        MOLISA_EN,
        _MIN_PROV_INST_VI,
        _MIN_PROV_INST_EN,
        2022,
        2025,
        True,
        short_en="Digital state management",
    ),
    FocusTask(
        "4.2",
        "4",
        "Chuyển đổi số trong quản trị của các cơ sở giáo dục nghề nghiệp",
        "Digital transformation of VET institutions' governance",
        "Chuyển đổi số quản trị nhà trường",
        MOLISA_VI,
        MOLISA_EN,
        _MIN_PROV_INST_VI,
        _MIN_PROV_INST_EN,
        2022,
        2030,
        True,
        short_en="Digital school governance",
    ),
    FocusTask(
        "5",
        "5",
        "Bảo đảm an toàn, an ninh mạng",
        "Cyber safety and security",
        "An toàn, an ninh mạng",
        MOLISA_VI,
        MOLISA_EN,
        None,
        None,
        2022,
        2025,
        True,
        short_en="Cyber safety and security",
    ),
)


def group(number: str) -> TaskGroup:
    for g in GROUPS:
        if g.number == number:
            return g
    raise KeyError(number)


def top_group(task: FocusTask) -> TaskGroup:
    """The first-level group (1-5) a task belongs to."""
    return group(task.group.split(".")[0])


def schedule_status(task: FocusTask, on: dt.date) -> str:
    """Where ``on`` falls against the task's period (both ends count as within it)."""
    if on < task.start:
        return BEFORE_PERIOD
    if on > task.end:
        return PERIOD_ENDED
    return WITHIN_PERIOD


def task_by_number(number: str) -> FocusTask | None:
    return next((task for task in TASKS if task.number == number), None)


@dataclass(frozen=True)
class ProgressReport:
    """One dated progress report on a task, with where it comes from."""

    task: str  # the task's number
    reported_on: dt.date
    state: str  # one of REPORTED_STATES
    percent: int | None
    note: str | None
    source: str  # document number or who reported
    recorded_at: dt.datetime  # when it was entered in the IOC store (UTC)


@dataclass(frozen=True)
class TaskState:
    """A task at a date: its schedule status, and separately the latest report known at that date."""

    task: FocusTask
    schedule: str  # one of SCHEDULE_STATUSES
    elapsed: float  # share of the period elapsed, 0..1
    report: ProgressReport | None


def task_states(on: dt.date, reports: Mapping[str, ProgressReport] | None = None) -> list[TaskState]:
    """Every task at ``on``; ``reports`` maps a task number to its latest report as of ``on``."""
    reports = reports or {}
    out = []
    for task in TASKS:
        span = (task.end - task.start).days or 1
        elapsed = min(1.0, max(0.0, (on - task.start).days / span))
        report = reports.get(task.number)
        if report is not None and report.reported_on > on:
            report = None  # not yet known at ``on``
        out.append(TaskState(task, schedule_status(task, on), elapsed, report))
    return out
