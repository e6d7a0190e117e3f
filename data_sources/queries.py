"""Read queries over the VET management database that are not indicator aggregates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Engine, and_, func, or_, select
from sqlalchemy.orm import Session

from data_sources.schema import DataInfo, Institution, Learner, Programme, Staff


@dataclass(frozen=True)
class NetworkSummary:
    """The VET network at a glance, as of the data date."""

    data_date: dt.date | None
    institutions_by_type: dict[str, int] = field(default_factory=dict)
    institutions_by_ownership: dict[str, int] = field(default_factory=dict)
    staff: int = 0
    programmes: int = 0
    learners_enrolled: int = 0
    learner_records: int = 0

    @property
    def institutions(self) -> int:
        return sum(self.institutions_by_type.values())


def data_date(session: Session) -> dt.date | None:
    """The date the VET database's data is current to (recorded by its loader)."""
    raw = session.scalar(select(DataInfo.value).where(DataInfo.key == "data_date"))
    return dt.date.fromisoformat(raw) if raw else None


def network_summary(engine: Engine, province_code: str | None = None) -> NetworkSummary:
    """Counts of open institutions by type and ownership, staff in post, learners and programmes.

    ``province_code`` (a current 34-unit code) restricts every count to that province.
    """
    with Session(engine) as s:
        as_of = data_date(s) or dt.date.today()
        open_inst = and_(
            Institution.established_on <= as_of,
            or_(Institution.closed_on.is_(None), Institution.closed_on > as_of),
        )
        if province_code is not None:
            open_inst = and_(open_inst, Institution.province_code == province_code)
        by_type = dict(
            s.execute(select(Institution.type, func.count()).where(open_inst).group_by(Institution.type)).all()
        )
        by_owner = dict(
            s.execute(
                select(Institution.ownership, func.count()).where(open_inst).group_by(Institution.ownership)
            ).all()
        )
        open_ids = select(Institution.id).where(open_inst)
        staff = s.scalar(
            select(func.count())
            .select_from(Staff)
            .where(
                Staff.institution_id.in_(open_ids),
                Staff.hired_on <= as_of,
                or_(Staff.left_on.is_(None), Staff.left_on > as_of),
            )
        )
        programmes = s.scalar(
            select(func.count())
            .select_from(Programme)
            .where(
                Programme.institution_id.in_(open_ids),
                Programme.approved_on <= as_of,
                or_(Programme.retired_on.is_(None), Programme.retired_on > as_of),
            )
        )
        learner_filter = Learner.institution_id.in_(open_ids)
        enrolled = s.scalar(
            select(func.count())
            .select_from(Learner)
            .where(
                learner_filter,
                Learner.enrolled_on <= as_of,
                or_(Learner.graduated_on.is_(None), Learner.graduated_on > as_of),
            )
        )
        records = s.scalar(select(func.count()).select_from(Learner).where(learner_filter))
    return NetworkSummary(
        data_date=as_of,
        institutions_by_type={k.value: v for k, v in by_type.items()},
        institutions_by_ownership={k.value: v for k, v in by_owner.items()},
        staff=staff or 0,
        programmes=programmes or 0,
        learners_enrolled=enrolled or 0,
        learner_records=records or 0,
    )
