"""Schema of the VET management database (the system of record the IOC reads).

Modelled on the national VET management information system: provinces (63 legacy and 34
current units), institutions, staff and their training, training programmes, learners,
specialised inspections, periodic reports, online public services and national milestones.

Every date a target of Decision 2222 depends on is stored as a date column, so every
indicator can be computed "as of" any past date from the same records.

Provincial submissions (``data_sources.submissions``) land in these same tables, the ones the
indicators already count: staff training completions in ``staff_training``, inspections in
``inspection``, reports in ``report``, readiness dates in the institution's date columns. Each row
written by an import carries that import's id (``import_id``; ``readiness_import_id`` on an
institution, the last import that set one of its dates), the id of its entry in the IOC store's
import log; rows of the management system itself have none.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, Date, Enum, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class VetBase(DeclarativeBase):
    """Declarative base of the VET management database (separate from the IOC's own store)."""


class InstitutionType(str, enum.Enum):  # noqa: UP042  # StrEnum would change str(member) from 'Class.MEMBER' to the bare value
    COLLEGE = "college"  # trường cao đẳng
    INTERMEDIATE = "intermediate"  # trường trung cấp
    CENTRE = "centre"  # trung tâm giáo dục nghề nghiệp (incl. GDNN-GDTX centres)


class Ownership(str, enum.Enum):  # noqa: UP042  # StrEnum would change str(member) from 'Class.MEMBER' to the bare value
    PUBLIC = "public"  # công lập
    PRIVATE = "private"  # tư thục
    FOREIGN = "foreign"  # có vốn đầu tư nước ngoài


# The codes as plain strings, in display order: every filter and breakdown lists them from here.
INSTITUTION_TYPES: tuple[str, ...] = tuple(t.value for t in InstitutionType)
OWNERSHIPS: tuple[str, ...] = tuple(o.value for o in Ownership)


class StaffRole(str, enum.Enum):  # noqa: UP042  # StrEnum would change str(member) from 'Class.MEMBER' to the bare value
    TEACHER = "teacher"  # nhà giáo
    MANAGER = "manager"  # cán bộ quản lý


class TrainingKind(str, enum.Enum):  # noqa: UP042  # StrEnum would change str(member) from 'Class.MEMBER' to the bare value
    DIGITAL_CAPACITY = "digital_capacity"  # năng lực số, phương pháp sư phạm trên môi trường số (T01)
    DIGITAL_MATERIALS = "digital_materials"  # phát triển học liệu số (T02)


class TrainingLevel(str, enum.Enum):  # noqa: UP042  # StrEnum would change str(member) from 'Class.MEMBER' to the bare value
    COLLEGE = "college"  # cao đẳng
    INTERMEDIATE = "intermediate"  # trung cấp
    ELEMENTARY = "elementary"  # sơ cấp
    SHORT_COURSE = "short_course"  # đào tạo thường xuyên dưới 3 tháng


class InspectionTarget(str, enum.Enum):  # noqa: UP042  # StrEnum would change str(member) from 'Class.MEMBER' to the bare value
    INSTITUTION = "institution"
    PROVINCE = "province"


class ReportKind(str, enum.Enum):  # noqa: UP042  # StrEnum would change str(member) from 'Class.MEMBER' to the bare value
    PERIODIC = "periodic"  # báo cáo định kỳ
    STATISTICAL = "statistical"  # báo cáo thống kê


def _enum(e: type[enum.Enum], name: str) -> Enum:
    # Store the values (not the member names) as plain VARCHAR + CHECK: portable and readable.
    return Enum(e, name=name, values_callable=lambda x: [m.value for m in x], native_enum=False, length=20)


class LegacyProvince(VetBase):
    """One of the 63 provincial units valid until 30 June 2025."""

    __tablename__ = "province_legacy"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)  # GSO code
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    iso_3166_2: Mapped[str] = mapped_column(String(6))
    capital_lat: Mapped[float] = mapped_column(Float)
    capital_lon: Mapped[float] = mapped_column(Float)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"))  # the unit it became


class Province(VetBase):
    """One of the 34 provincial units from 1 July 2025."""

    __tablename__ = "province"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)  # GSO code
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    admin_centre: Mapped[str] = mapped_column(String(120))
    official_area_km2: Mapped[float] = mapped_column(Float)


class Institution(VetBase):
    """A VET institution (cơ sở giáo dục nghề nghiệp)."""

    __tablename__ = "institution"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)  # national institution code
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[InstitutionType] = mapped_column(_enum(InstitutionType, "institution_type"))
    ownership: Mapped[Ownership] = mapped_column(_enum(Ownership, "ownership"))
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    legacy_province_code: Mapped[str] = mapped_column(ForeignKey("province_legacy.code"), index=True)
    address: Mapped[str | None] = mapped_column(String(250))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    established_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    # Recognised as a high-quality school (trường chất lượng cao) on this date; None = not.
    high_quality_on: Mapped[dt.date | None] = mapped_column(Date)
    digital_infrastructure_on: Mapped[dt.date | None] = mapped_column(Date)
    platform_connected_on: Mapped[dt.date | None] = mapped_column(Date)  # national VET platform
    # Connected to the national VET database and integrating its learners' data there (T08).
    learner_data_integrated_on: Mapped[dt.date | None] = mapped_column(Date)
    digital_school_on: Mapped[dt.date | None] = mapped_column(Date)
    profile_updated_on: Mapped[dt.date | None] = mapped_column(Date)
    readiness_import_id: Mapped[str | None] = mapped_column(String(36))  # the last import that set a readiness date

    @property
    def is_high_quality(self) -> bool:
        return self.high_quality_on is not None


class ProfileUpdate(VetBase):
    """One update of an institution's profile on the national VET system (T10 map completeness).

    ``Institution.profile_updated_on`` is the latest of these; the history makes the share of
    institutions with a current profile computable as of any past date.
    """

    __tablename__ = "institution_profile_update"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    updated_on: Mapped[dt.date] = mapped_column(Date)


class Staff(VetBase):
    """A teacher or manager of an institution; the population of T01/T02 at a date."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    personal_id: Mapped[str] = mapped_column(String(12))  # 12-digit national personal ID
    full_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[StaffRole] = mapped_column(_enum(StaffRole, "staff_role"))
    hired_on: Mapped[dt.date] = mapped_column(Date)
    left_on: Mapped[dt.date | None] = mapped_column(Date)


class StaffTraining(VetBase):
    """A completed training course. A person trained twice has two rows and counts once."""

    __tablename__ = "staff_training"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    kind: Mapped[TrainingKind] = mapped_column(_enum(TrainingKind, "training_kind"))
    completed_on: Mapped[dt.date] = mapped_column(Date)
    import_id: Mapped[str | None] = mapped_column(String(36))  # the provincial import that added it

    __table_args__ = (Index("ix_staff_training_staff_kind", "staff_id", "kind"),)


class Programme(VetBase):
    """A training programme (chương trình đào tạo) of an institution for one occupation."""

    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    level: Mapped[TrainingLevel] = mapped_column(_enum(TrainingLevel, "training_level"))
    # Circular 26/2020 catalogue: level digit + field + occupation. Whether an occupation is an IT /
    # digital-technology speciality (T04) is the IOC's list (data_sources/it_occupations.csv).
    occupation_code: Mapped[str] = mapped_column(String(7))
    occupation_name: Mapped[str] = mapped_column(String(160))
    approved_on: Mapped[dt.date] = mapped_column(Date)
    retired_on: Mapped[dt.date | None] = mapped_column(Date)
    # Learning outcomes integrated digital competence (T03).
    digital_outcomes_on: Mapped[dt.date | None] = mapped_column(Date)
    # First revision after the decision bringing it up to date with new technology (T04).
    tech_updated_on: Mapped[dt.date | None] = mapped_column(Date)
    last_updated_on: Mapped[dt.date | None] = mapped_column(Date)


class Learner(VetBase):
    """A learner's enrolment in a programme; T08 counts digitised records and diplomas."""

    __tablename__ = "learner"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id"))
    personal_id: Mapped[str] = mapped_column(String(12))
    level: Mapped[TrainingLevel] = mapped_column(_enum(TrainingLevel, "training_level"))
    enrolled_on: Mapped[dt.date] = mapped_column(Date)
    graduated_on: Mapped[dt.date | None] = mapped_column(Date)
    record_digitised_on: Mapped[dt.date | None] = mapped_column(Date)  # learning process + results
    diploma_digitised_on: Mapped[dt.date | None] = mapped_column(Date)


class Inspection(VetBase):
    """A specialised VET inspection (kiểm tra chuyên ngành) of an institution or a province."""

    __tablename__ = "inspection"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conducted_on: Mapped[dt.date] = mapped_column(Date, index=True)
    target: Mapped[InspectionTarget] = mapped_column(_enum(InspectionTarget, "inspection_target"))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"))
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"))
    legacy_province_code: Mapped[str] = mapped_column(ForeignKey("province_legacy.code"))
    is_digital: Mapped[bool] = mapped_column(Boolean)  # through the authority's information system
    import_id: Mapped[str | None] = mapped_column(String(36))  # the provincial import that added it


class Report(VetBase):
    """A periodic or statistical VET report submitted by an institution or a province."""

    __tablename__ = "report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[ReportKind] = mapped_column(_enum(ReportKind, "report_kind"))
    period: Mapped[str] = mapped_column(String(10))  # e.g. 2024-Q3, 2024-H1, 2024
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"))
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"))
    legacy_province_code: Mapped[str] = mapped_column(ForeignKey("province_legacy.code"))
    submitted_on: Mapped[dt.date] = mapped_column(Date, index=True)
    is_digital: Mapped[bool] = mapped_column(Boolean)
    gris_connected: Mapped[bool] = mapped_column(Boolean)  # Government Reporting Information System
    import_id: Mapped[str | None] = mapped_column(String(36))  # the provincial import that added it


class PublicService(VetBase):
    """An online public service of the VET authority (T07)."""

    __tablename__ = "public_service"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(Text)
    level: Mapped[int] = mapped_column(Integer)  # current level, 1-4 ("full process" = 4)
    introduced_on: Mapped[dt.date] = mapped_column(Date)
    level4_on: Mapped[dt.date | None] = mapped_column(Date)
    portal_integrated_on: Mapped[dt.date | None] = mapped_column(Date)  # National Public Service Portal
    # Integrated into the public-service portal and information system of the ministry in charge of VET.
    ministry_portal_integrated_on: Mapped[dt.date | None] = mapped_column(Date)


class Milestone(VetBase):
    """A national milestone of the programme (T05, T10)."""

    __tablename__ = "milestone"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_vi: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    achieved_on: Mapped[dt.date | None] = mapped_column(Date)


class DataInfo(VetBase):
    """Key/value facts about the database itself (data date, generator scale and seed)."""

    __tablename__ = "data_info"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
