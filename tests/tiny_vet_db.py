"""A tiny VET database whose indicator values were worked out by hand (see test_indicators_hand.py).

Institutions
- I1 college, public, Hà Nội (legacy 01 -> 01), high-quality since 2022-06-01, digital school 2024-05-10,
  infrastructure 2023-01-15, connected 2024-02-20, geolocated, profile updated 2025-03-01,
  learner data integrated 2023-06-01.
- I2 intermediate, private, Vĩnh Phúc (26 -> 25 Phú Thọ), infrastructure 2022-03-01, never connected,
  learner data integrated 2022-06-01.
- I3 centre, public, Hòa Bình (17 -> 25), closed 2024-07-01, not geolocated, learner data integrated
  2022-10-01.
- I4 college, private, Phú Thọ (25 -> 25), opened 2023-03-01, high-quality since 2023-09-01,
  infrastructure 2023-06-01, connected 2023-07-01, never a digital school, learner data integrated
  2025-01-01, no learners.
No institution in Cao Bằng (04).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from data_sources import vet_db
from data_sources.schema import (
    DataInfo,
    Inspection,
    InspectionTarget,
    Institution,
    InstitutionType,
    Learner,
    Milestone,
    Ownership,
    ProfileUpdate,
    Programme,
    PublicService,
    Report,
    ReportKind,
    Staff,
    StaffRole,
    StaffTraining,
    TrainingKind,
    TrainingLevel,
)

D = dt.date
DATA_DATE = D(2026, 3, 15)


def build(engine: Engine) -> None:
    vet_db.create_schema(engine)
    with Session(engine) as s:
        vet_db.load_provinces(s)
        s.add_all(
            [
                Institution(
                    id=1,
                    code="I1",
                    name="Trường Cao đẳng Một",
                    type=InstitutionType.COLLEGE,
                    ownership=Ownership.PUBLIC,
                    province_code="01",
                    legacy_province_code="01",
                    latitude=21.0,
                    longitude=105.8,
                    established_on=D(2000, 1, 1),
                    high_quality_on=D(2022, 6, 1),
                    digital_school_on=D(2024, 5, 10),
                    digital_infrastructure_on=D(2023, 1, 15),
                    platform_connected_on=D(2024, 2, 20),
                    learner_data_integrated_on=D(2023, 6, 1),
                    profile_updated_on=D(2025, 3, 1),
                ),
                Institution(
                    id=2,
                    code="I2",
                    name="Trường Trung cấp Hai",
                    type=InstitutionType.INTERMEDIATE,
                    ownership=Ownership.PRIVATE,
                    province_code="25",
                    legacy_province_code="26",
                    latitude=21.3,
                    longitude=105.6,
                    established_on=D(2010, 5, 1),
                    digital_infrastructure_on=D(2022, 3, 1),
                    learner_data_integrated_on=D(2022, 6, 1),
                    profile_updated_on=D(2023, 1, 1),
                ),
                Institution(
                    id=3,
                    code="I3",
                    name="Trung tâm GDNN Ba",
                    type=InstitutionType.CENTRE,
                    ownership=Ownership.PUBLIC,
                    province_code="25",
                    legacy_province_code="17",
                    established_on=D(2015, 1, 1),
                    closed_on=D(2024, 7, 1),
                    learner_data_integrated_on=D(2022, 10, 1),
                    profile_updated_on=D(2024, 1, 1),
                ),
                Institution(
                    id=4,
                    code="I4",
                    name="Trường Cao đẳng Bốn",
                    type=InstitutionType.COLLEGE,
                    ownership=Ownership.PRIVATE,
                    province_code="25",
                    legacy_province_code="25",
                    latitude=21.3,
                    longitude=105.4,
                    established_on=D(2023, 3, 1),
                    high_quality_on=D(2023, 9, 1),
                    digital_infrastructure_on=D(2023, 6, 1),
                    platform_connected_on=D(2023, 7, 1),
                    learner_data_integrated_on=D(2025, 1, 1),
                    profile_updated_on=D(2026, 1, 10),
                ),
            ]
        )
        s.flush()
        s.add_all(
            [
                ProfileUpdate(institution_id=1, updated_on=D(2024, 2, 1)),
                ProfileUpdate(institution_id=1, updated_on=D(2025, 3, 1)),
                ProfileUpdate(institution_id=2, updated_on=D(2023, 1, 1)),
                ProfileUpdate(institution_id=3, updated_on=D(2024, 1, 1)),
                ProfileUpdate(institution_id=4, updated_on=D(2026, 1, 10)),
            ]
        )
        s.flush()
        staff = [
            # S1 teacher at I1, trained in digital capacity twice, in materials once.
            Staff(
                id=1,
                institution_id=1,
                personal_id="001080000001",
                full_name="S1",
                role=StaffRole.TEACHER,
                hired_on=D(2010, 1, 1),
            ),
            # S2 teacher at I1, left 2023-06-30.
            Staff(
                id=2,
                institution_id=1,
                personal_id="001080000002",
                full_name="S2",
                role=StaffRole.TEACHER,
                hired_on=D(2012, 1, 1),
                left_on=D(2023, 6, 30),
            ),
            # S3 manager at I1, trained 2024-06-15.
            Staff(
                id=3,
                institution_id=1,
                personal_id="001080000003",
                full_name="S3",
                role=StaffRole.MANAGER,
                hired_on=D(2018, 1, 1),
            ),
            # S4 teacher at I1, hired 2023-09-01, never trained.
            Staff(
                id=4,
                institution_id=1,
                personal_id="001080000004",
                full_name="S4",
                role=StaffRole.TEACHER,
                hired_on=D(2023, 9, 1),
            ),
            # S5 teacher at I2.
            Staff(
                id=5,
                institution_id=2,
                personal_id="026080000005",
                full_name="S5",
                role=StaffRole.TEACHER,
                hired_on=D(2015, 1, 1),
            ),
            # S6 teacher at I3, which closes on 2024-07-01.
            Staff(
                id=6,
                institution_id=3,
                personal_id="017080000006",
                full_name="S6",
                role=StaffRole.TEACHER,
                hired_on=D(2016, 1, 1),
            ),
        ]
        s.add_all(staff)
        s.flush()
        cap, mat = TrainingKind.DIGITAL_CAPACITY, TrainingKind.DIGITAL_MATERIALS
        s.add_all(
            [
                StaffTraining(staff_id=1, kind=cap, completed_on=D(2022, 5, 10)),
                StaffTraining(staff_id=1, kind=cap, completed_on=D(2024, 1, 10)),
                StaffTraining(staff_id=1, kind=mat, completed_on=D(2023, 3, 3)),
                StaffTraining(staff_id=2, kind=cap, completed_on=D(2022, 9, 1)),
                StaffTraining(staff_id=3, kind=cap, completed_on=D(2024, 6, 15)),
                StaffTraining(staff_id=5, kind=mat, completed_on=D(2022, 11, 11)),
                StaffTraining(staff_id=5, kind=cap, completed_on=D(2023, 12, 31)),
                StaffTraining(staff_id=6, kind=cap, completed_on=D(2022, 2, 2)),
            ]
        )
        s.flush()
        s.add_all(
            [
                Programme(
                    id=1,
                    institution_id=1,
                    level=TrainingLevel.COLLEGE,
                    occupation_code="6480201",
                    occupation_name="Công nghệ thông tin",
                    approved_on=D(2019, 1, 1),
                    digital_outcomes_on=D(2023, 5, 1),
                    tech_updated_on=D(2022, 10, 1),
                ),
                Programme(
                    id=2,
                    institution_id=1,
                    level=TrainingLevel.COLLEGE,
                    occupation_code="6340301",
                    occupation_name="Kế toán",
                    approved_on=D(2019, 1, 1),
                    retired_on=D(2023, 12, 1),
                    digital_outcomes_on=D(2022, 1, 10),
                ),
                Programme(
                    id=3,
                    institution_id=2,
                    level=TrainingLevel.INTERMEDIATE,
                    occupation_code="5510216",
                    occupation_name="Công nghệ ô tô",
                    approved_on=D(2020, 1, 1),
                ),
                Programme(
                    id=4,
                    institution_id=4,
                    level=TrainingLevel.COLLEGE,
                    occupation_code="6480202",
                    occupation_name="Công nghệ thông tin (ứng dụng phần mềm)",
                    approved_on=D(2023, 4, 1),
                ),
                # A short course: not a training level, so in neither T03 nor T04 (its occupation is
                # on the IT list and it was updated after the decision).
                Programme(
                    id=5,
                    institution_id=1,
                    level=TrainingLevel.SHORT_COURSE,
                    occupation_code="3480203",
                    occupation_name="Tin học văn phòng cơ bản",
                    approved_on=D(2020, 1, 1),
                    digital_outcomes_on=D(2022, 1, 1),
                    tech_updated_on=D(2022, 5, 1),
                ),
                # An IT programme last updated before the decision: in T04's denominator only.
                Programme(
                    id=6,
                    institution_id=2,
                    level=TrainingLevel.INTERMEDIATE,
                    occupation_code="5480207",
                    occupation_name="Lập trình máy tính",
                    approved_on=D(2019, 1, 1),
                    tech_updated_on=D(2021, 6, 1),
                ),
            ]
        )
        s.flush()
        s.add_all(
            [
                Learner(
                    id=1,
                    institution_id=1,
                    programme_id=1,
                    personal_id="001204000001",
                    level=TrainingLevel.COLLEGE,
                    enrolled_on=D(2022, 9, 1),
                    record_digitised_on=D(2023, 1, 10),
                    graduated_on=D(2024, 6, 30),
                    diploma_digitised_on=D(2024, 7, 15),
                ),
                Learner(
                    id=2,
                    institution_id=1,
                    programme_id=1,
                    personal_id="001205000002",
                    level=TrainingLevel.COLLEGE,
                    enrolled_on=D(2023, 9, 1),
                    record_digitised_on=D(2023, 10, 1),
                ),
                Learner(
                    id=3,
                    institution_id=1,
                    programme_id=2,
                    personal_id="001203000003",
                    level=TrainingLevel.COLLEGE,
                    enrolled_on=D(2021, 9, 1),
                    graduated_on=D(2023, 6, 30),
                    diploma_digitised_on=D(2023, 7, 1),
                ),
                Learner(
                    id=4,
                    institution_id=3,
                    personal_id="017206000004",
                    level=TrainingLevel.SHORT_COURSE,
                    enrolled_on=D(2023, 1, 1),
                    record_digitised_on=D(2023, 2, 1),
                    graduated_on=D(2023, 4, 1),
                    diploma_digitised_on=D(2023, 4, 1),
                ),
                Learner(
                    id=5,
                    institution_id=2,
                    programme_id=3,
                    personal_id="026204000005",
                    level=TrainingLevel.INTERMEDIATE,
                    enrolled_on=D(2022, 1, 1),
                    record_digitised_on=D(2022, 3, 1),
                    graduated_on=D(2024, 1, 15),
                ),
                # Enrolled before 2021: outside T08's learner records (and never digitised).
                Learner(
                    id=6,
                    institution_id=2,
                    programme_id=3,
                    personal_id="026202000006",
                    level=TrainingLevel.INTERMEDIATE,
                    enrolled_on=D(2020, 9, 1),
                ),
            ]
        )
        insp = InspectionTarget.INSTITUTION
        s.add_all(
            [
                Inspection(
                    id=1,
                    conducted_on=D(2023, 6, 30),
                    target=insp,
                    institution_id=1,
                    province_code="01",
                    legacy_province_code="01",
                    is_digital=True,
                ),
                Inspection(
                    id=2,
                    conducted_on=D(2023, 7, 1),
                    target=insp,
                    institution_id=2,
                    province_code="25",
                    legacy_province_code="26",
                    is_digital=True,
                ),
                Inspection(
                    id=3,
                    conducted_on=D(2024, 1, 10),
                    target=InspectionTarget.PROVINCE,
                    province_code="25",
                    legacy_province_code="25",
                    is_digital=False,
                ),
                Inspection(
                    id=4,
                    conducted_on=D(2024, 6, 30),
                    target=insp,
                    institution_id=4,
                    province_code="25",
                    legacy_province_code="25",
                    is_digital=True,
                ),
                Inspection(
                    id=5,
                    conducted_on=D(2024, 7, 1),
                    target=insp,
                    institution_id=1,
                    province_code="01",
                    legacy_province_code="01",
                    is_digital=True,
                ),
            ]
        )
        s.flush()
        s.add_all(
            [
                Report(
                    id=1,
                    kind=ReportKind.PERIODIC,
                    period="2023-Q4",
                    institution_id=1,
                    province_code="01",
                    legacy_province_code="01",
                    submitted_on=D(2024, 3, 1),
                    is_digital=True,
                    gris_connected=True,
                ),
                Report(
                    id=2,
                    kind=ReportKind.STATISTICAL,
                    period="2023",
                    province_code="25",
                    legacy_province_code="25",
                    submitted_on=D(2024, 4, 1),
                    is_digital=True,
                    gris_connected=False,
                ),
                Report(
                    id=3,
                    kind=ReportKind.PERIODIC,
                    period="2021-Q4",
                    institution_id=2,
                    province_code="25",
                    legacy_province_code="26",
                    submitted_on=D(2022, 1, 1),
                    is_digital=True,
                    gris_connected=True,
                ),
            ]
        )
        s.flush()
        s.add_all(
            [
                PublicService(
                    id=1,
                    code="DV1",
                    name="Dịch vụ 1",
                    level=4,
                    introduced_on=D(2020, 1, 1),
                    level4_on=D(2022, 5, 1),
                    portal_integrated_on=D(2023, 11, 30),
                    ministry_portal_integrated_on=D(2023, 12, 10),
                ),
                PublicService(
                    id=2,
                    code="DV2",
                    name="Dịch vụ 2",
                    level=4,
                    introduced_on=D(2021, 1, 1),
                    level4_on=D(2023, 6, 1),
                    portal_integrated_on=D(2024, 2, 1),
                    ministry_portal_integrated_on=D(2024, 5, 1),
                ),
                PublicService(id=3, code="DV3", name="Dịch vụ 3", level=3, introduced_on=D(2024, 3, 1)),
            ]
        )
        s.flush()
        s.add_all(
            [
                Milestone(
                    code="national_vet_platform",
                    name_vi="Nền tảng số GDNN quốc gia",
                    name_en="National VET platform",
                    achieved_on=D(2024, 9, 30),
                ),
                Milestone(
                    code="shared_learning_repository",
                    name_vi="Kho học liệu số dùng chung",
                    name_en="Shared learning repository",
                    achieved_on=None,
                ),
                Milestone(
                    code="vet_network_digital_map",
                    name_vi="Bản đồ số mạng lưới cơ sở GDNN",
                    name_en="Digital map of the VET network",
                    achieved_on=D(2025, 6, 15),
                ),
                Milestone(
                    code="map_linked_certification_lookup",
                    name_vi="Liên kết bản đồ số với hệ thống chứng thực",
                    name_en="Map linked to certification and lookup",
                    achieved_on=None,
                ),
            ]
        )
        s.add(DataInfo(key="data_date", value=DATA_DATE.isoformat()))
        s.commit()


# The week before the data date (15/03/2026): the day before is 14/03, the week before 08/03.
DAY_BEFORE = D(2026, 3, 14)
WEEK_BEFORE = D(2026, 3, 8)


def build_with_recent_changes(engine: Engine) -> None:
    """The tiny database, plus records that change during the week before the data date.

    - S4 (teacher, I1, Hà Nội) trained in digital capacity on the data date itself.
    - S7 teacher at I4 (Phú Thọ, legacy 25), hired on the day before, never trained.
    - S8 manager at I1, hired on the week before, trained on 11/03.
    - S9 teacher at I2 (Vĩnh Phúc -> Phú Thọ), hired 2020, trained 2022, left on the data date.
    - I2 connected to the national platform on 09/03.
    - A digital inspection of I4 on 10/03; a paper one of I1 on the data date.

    T01 (staff_digital_capacity), by hand: week before 4/6 (S1 S3 S5 S9 of S1 S3 S4 S5 S8 S9), day
    before 5/7 (S8 trained, S7 hired), data date 5/6 (S4 trained, S9 gone). Hà Nội 2/4, 3/4, 4/4;
    Phú Thọ 2/2, 2/3, 1/2.
    T06 (school_platform_connected): 2/3, 3/3, 3/3; Phú Thọ 1/2, 2/2, 2/2.
    T09 (inspection_digital, last 12 months): 0/0, 1/1, 1/2.
    """
    build(engine)
    with Session(engine) as s:
        s.add_all(
            [
                Staff(
                    id=7,
                    institution_id=4,
                    personal_id="025090000007",
                    full_name="S7",
                    role=StaffRole.TEACHER,
                    hired_on=DAY_BEFORE,
                ),
                Staff(
                    id=8,
                    institution_id=1,
                    personal_id="001085000008",
                    full_name="S8",
                    role=StaffRole.MANAGER,
                    hired_on=WEEK_BEFORE,
                ),
                Staff(
                    id=9,
                    institution_id=2,
                    personal_id="026085000009",
                    full_name="S9",
                    role=StaffRole.TEACHER,
                    hired_on=D(2020, 1, 1),
                    left_on=DATA_DATE,
                ),
            ]
        )
        s.flush()
        cap = TrainingKind.DIGITAL_CAPACITY
        s.add_all(
            [
                StaffTraining(staff_id=4, kind=cap, completed_on=DATA_DATE),
                StaffTraining(staff_id=8, kind=cap, completed_on=D(2026, 3, 11)),
                StaffTraining(staff_id=9, kind=cap, completed_on=D(2022, 4, 1)),
            ]
        )
        i2 = s.get(Institution, 2)
        assert i2 is not None
        i2.platform_connected_on = D(2026, 3, 9)
        s.add_all(
            [
                Inspection(
                    id=6,
                    conducted_on=D(2026, 3, 10),
                    target=InspectionTarget.INSTITUTION,
                    institution_id=4,
                    province_code="25",
                    legacy_province_code="25",
                    is_digital=True,
                ),
                Inspection(
                    id=7,
                    conducted_on=DATA_DATE,
                    target=InspectionTarget.INSTITUTION,
                    institution_id=1,
                    province_code="01",
                    legacy_province_code="01",
                    is_digital=False,
                ),
            ]
        )
        s.commit()
