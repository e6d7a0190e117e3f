"""The declared schema of each kind's rows (pydantic models): types, formats and date ranges.

A cell is converted by the field's validator or refused with a ``PydanticCustomError`` whose type is
the problem's code (``required``, ``bad_date``, ``date_out_of_range``, ``bad_digits``, ``bad_choice``,
``formula``, ...), with the parameters its message needs. Checks against the database's codes and
stored rows come after, in ``validation``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any, Final

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationInfo
from pydantic_core import PydanticCustomError

from data_sources.submissions.kinds import INSPECTION, REPORT, TRAINING, KindSpec
from data_sources.submissions.reading import Formula

EARLIEST: Final = dt.date(2000, 1, 1)
INSTITUTION_CODE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,11}")
PERIOD: Final = re.compile(r"(20\d\d)(?:-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?")
_DATE_FORMATS: Final = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


def _problem(code: str, **params: str) -> PydanticCustomError:
    return PydanticCustomError(code, code, params)


def _present(value: Any) -> Any:
    if isinstance(value, Formula):
        raise _problem("formula")
    return value


def _required(convert: Callable[[Any, ValidationInfo], Any]) -> Callable[[Any, ValidationInfo], Any]:
    def check(value: Any, info: ValidationInfo) -> Any:
        if _present(value) is None:
            raise _problem("required")
        return convert(value, info)

    return check


def _optional(convert: Callable[[Any, ValidationInfo], Any]) -> Callable[[Any, ValidationInfo], Any]:
    def check(value: Any, info: ValidationInfo) -> Any:
        return None if _present(value) is None else convert(value, info)

    return check


def _digits(length: int) -> Callable[[Any, ValidationInfo], str]:
    def convert(value: Any, _info: ValidationInfo) -> str:
        if isinstance(value, bool):
            raise _problem("bad_digits", length=str(length))
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        # Excel drops the leading zeros of a code typed as a number ("01" -> 1): put them back.
        text = str(value).zfill(length) if isinstance(value, int) and value >= 0 else str(value).strip()
        if len(text) != length or not text.isdigit():
            raise _problem("bad_digits", length=str(length))
        return text

    return convert


def _institution_code(value: Any, _info: ValidationInfo) -> str:
    text = str(value).strip().upper()
    if not INSTITUTION_CODE.fullmatch(text):
        raise _problem("bad_code")
    return text


def _period(value: Any, _info: ValidationInfo) -> str:
    text = str(int(value) if isinstance(value, float) and value.is_integer() else value).strip().upper()
    if not PERIOD.fullmatch(text):
        raise _problem("bad_period")
    return text


def _day(value: Any, info: ValidationInfo) -> dt.date:
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        for fmt in _DATE_FORMATS:
            try:
                day = dt.datetime.strptime(value.strip(), fmt).date()
                break
            except ValueError:
                continue
        else:
            raise _problem("bad_date")
    else:
        raise _problem("bad_date")
    latest: dt.date = (info.context or {}).get("today", dt.date.today())
    if not EARLIEST <= day <= latest:
        raise _problem("date_out_of_range", earliest=EARLIEST.isoformat(), latest=latest.isoformat())
    return day


def _choice(kind: KindSpec, key: str) -> Callable[[Any, ValidationInfo], str]:
    spellings = dict(kind.column(key).choices)

    def convert(value: Any, _info: ValidationInfo) -> str:
        text = str(int(value) if isinstance(value, (bool, float)) else value).strip().lower()
        if text not in spellings:
            raise _problem("bad_choice", allowed=kind.column(key).hint_vi or " | ".join(sorted(set(spellings))))
        return spellings[text]

    return convert


def _yes_no(kind: KindSpec, key: str) -> Callable[[Any, ValidationInfo], bool]:
    choice = _choice(kind, key)
    return lambda value, info: choice(value, info) == "1"


Province = Annotated[str, BeforeValidator(_required(_digits(2)))]
LegacyProvince = Annotated[str | None, BeforeValidator(_optional(_digits(2)))]
InstitutionCode = Annotated[str, BeforeValidator(_required(_institution_code))]
OptionalInstitutionCode = Annotated[str | None, BeforeValidator(_optional(_institution_code))]
Day = Annotated[dt.date, BeforeValidator(_required(_day))]
OptionalDay = Annotated[dt.date | None, BeforeValidator(_optional(_day))]


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TrainingRow(_Row):
    province_code: Province
    institution_code: InstitutionCode
    personal_id: Annotated[str, BeforeValidator(_required(_digits(12)))]
    training_kind: Annotated[str, BeforeValidator(_required(_choice(TRAINING, "training_kind")))]
    completed_on: Day


class InspectionRow(_Row):
    province_code: Province
    legacy_province_code: LegacyProvince
    institution_code: OptionalInstitutionCode
    conducted_on: Day
    is_digital: Annotated[bool, BeforeValidator(_required(_yes_no(INSPECTION, "is_digital")))]


class ReportRow(_Row):
    province_code: Province
    legacy_province_code: LegacyProvince
    institution_code: OptionalInstitutionCode
    report_kind: Annotated[str, BeforeValidator(_required(_choice(REPORT, "report_kind")))]
    period: Annotated[str, BeforeValidator(_required(_period))]
    submitted_on: Day
    is_digital: Annotated[bool, BeforeValidator(_required(_yes_no(REPORT, "is_digital")))]
    gris_connected: Annotated[bool, BeforeValidator(_required(_yes_no(REPORT, "gris_connected")))]


class ReadinessRow(_Row):
    province_code: Province
    institution_code: InstitutionCode
    digital_infrastructure_on: OptionalDay
    platform_connected_on: OptionalDay
    learner_data_integrated_on: OptionalDay


ROW_MODELS: Final[dict[str, type[_Row]]] = {
    "training": TrainingRow,
    "inspection": InspectionRow,
    "report": ReportRow,
    "readiness": ReadinessRow,
}
