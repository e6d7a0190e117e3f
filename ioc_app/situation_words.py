"""The written situation: a short paragraph of facts at the top of the overview, of each target page
and of each province page, worded from the figures ``ioc_app.situation`` gathers. The pages show it
(``layouts.situation``) and the printed meeting brief prints it (``ioc_app.brief``): one wording.

Pure functions of those figures. Numbers are formatted as on the panels (57,3% and 1.234 in
Vietnamese, 57.3% and 1,234 in English; dates 30/11/2026 or 30 Nov 2026). A fact that is missing
(no figure three months before, no province named) leaves its clause out rather than empty.
English nouns take their plural after any count but one ("singular|plural" in the catalogue);
Vietnamese nouns have one form.
"""

from __future__ import annotations

from ioc_app.i18n import fmt_date, fmt_number, fmt_percent, t
from ioc_app.indicators import status as rules
from ioc_app.indicators.scopes import NATIONAL, Scope
from ioc_app.place_names import place_name
from ioc_app.situation import Deadline, ScopeSituation, TargetSituation, UnitFact
from ioc_app.wording import status_word

JUDGED_KEYS = {
    rules.ACHIEVED: "situation.judged_achieved",
    rules.MISSED: "situation.judged_missed",
    rules.NOT_MEASURED: "situation.not_measured",
}
COUNTED = (
    rules.ACHIEVED,
    rules.ON_TRACK,
    rules.AT_RISK,
    rules.OFF_TRACK,
    rules.MISSED,
    rules.NO_PROJECTION,
    rules.NOT_MEASURED,
)


# --- words and numbers ----------------------------------------------------------------------------


def noun(key: str, n: float, lang: str) -> str:
    """The catalogue's noun for a count: 'singular|plural' in English (plural unless exactly one)."""
    forms = t(key, lang).split("|")
    return forms[0] if len(forms) == 1 or n == 1 else forms[1]


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def join_items(items: list[str], lang: str) -> str:
    """'a, b và c' / 'a, b and c'."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {t('situation.and', lang)} {items[-1]}"


def points(value: float, lang: str) -> str:
    """A change's size in percentage points: '2,1 điểm phần trăm' / '2.1 percentage points'."""
    shown = fmt_number(abs(value), lang, 1)
    return f"{shown} {noun('situation.pp', 1 if shown in ('1.0', '1,0') else 2, lang)}"


def signed_points(value: float, lang: str) -> str:
    """'+2,1 điểm phần trăm', '−0,4 điểm phần trăm' (a true minus sign)."""
    return f"{'−' if value < 0 else '+'}{points(value, lang)}"


def change_words(value: float, lang: str) -> str:
    """'tăng 2,1 điểm phần trăm', 'giảm ...', 'không đổi' (a change that rounds to nothing)."""
    if fmt_number(abs(value), lang, 1) in ("0.0", "0,0"):
        return t("situation.flat", lang)
    return t("situation.up" if value > 0 else "situation.down", lang).format(pp=points(value, lang))


def target_share(value: float, lang: str) -> str:
    return fmt_percent(value, lang, 0)


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- a target -------------------------------------------------------------------------------------


def value_sentence(s: TargetSituation, scope: str, lang: str) -> str:
    date = fmt_date(s.data_date, lang)
    if s.kind == "milestone" and s.milestones_total:
        return t("situation.milestones", lang).format(
            date=date,
            scope=scope,
            done=fmt_number(s.milestones_done, lang),
            total=fmt_number(s.milestones_total, lang),
            noun=noun("situation.milestone_noun", s.milestones_total, lang),
        )
    if s.value is None:
        return t("situation.no_value", lang).format(date=date, scope=scope)
    return t("situation.value", lang).format(
        date=date,
        scope=scope,
        value=fmt_percent(s.value, lang),
        num=fmt_number(s.numerator, lang),
        den=fmt_number(s.denominator, lang),
    )


def change_sentence(s: TargetSituation, lang: str) -> str:
    """The change on the quarter and on the year, whichever is known ('' when neither is)."""
    if s.kind != "percent":
        return ""
    parts = []
    if s.quarter_change is not None:
        parts.append(
            t("situation.since_quarter", lang).format(
                change=change_words(s.quarter_change, lang), date=fmt_date(s.quarter_date, lang)
            )
        )
    if s.year_change is not None:
        parts.append(
            t("situation.since_year", lang).format(
                change=change_words(s.year_change, lang), date=fmt_date(s.year_date, lang)
            )
        )
    return sentence(join_items(parts, lang)) + "." if parts else ""


def deadline_sentence(d: Deadline, kind: str, lang: str) -> str:
    """The verdict on a passed deadline, or the projection to an open one ('' when there is nothing to say)."""
    deadline, target = fmt_date(d.deadline, lang), target_share(d.target, lang)
    if kind == "milestone":
        if d.judged and d.status == rules.MISSED:
            return t("situation.milestone_missed", lang).format(year=d.year, deadline=deadline)
        if d.status == rules.ACHIEVED:
            return t("situation.milestone_achieved", lang).format(year=d.year)
        if d.status in (rules.ON_TRACK, rules.AT_RISK):
            return t("situation.milestone_open", lang).format(
                year=d.year, status=lower_first(status_word(d.status, lang))
            )
        return ""
    if d.judged:
        judged_key = JUDGED_KEYS.get(d.status)
        if judged_key is None:
            return ""
        value = fmt_percent(d.value, lang) if d.value is not None else ""
        return t(judged_key, lang).format(year=d.year, target=target, value=value, deadline=deadline)
    if d.status == rules.ACHIEVED:
        return t("situation.met_early", lang).format(year=d.year, target=target)
    if d.status == rules.NO_PROJECTION:
        return t("situation.no_projection", lang).format(year=d.year, target=target)
    if d.projected is None or d.status not in (rules.ON_TRACK, rules.AT_RISK, rules.OFF_TRACK):
        return ""
    return t("situation.projected", lang).format(
        deadline=deadline,
        projected=fmt_percent(d.projected, lang),
        target=target,
        year=d.year,
        status=lower_first(status_word(d.status, lang)),
    )


def unit_name(u: UnitFact, lang: str) -> str:
    return place_name(u.name, u.is_city, lang, full=True)


def provinces_sentences(s: TargetSituation, lang: str) -> list[str]:
    out = []
    if s.lowest:
        items = [f"{unit_name(u, lang)} ({fmt_percent(u.value, lang)})" for u in s.lowest]
        out.append(t("situation.lowest", lang).format(items=join_items(items, lang)))
    if s.moved:
        items = [f"{unit_name(u, lang)} ({signed_points(u.quarter_change or 0.0, lang)})" for u in s.moved]
        out.append(t("situation.moved", lang).format(items=join_items(items, lang)))
    return out


def target_paragraph(s: TargetSituation, scope: str, lang: str) -> str:
    """A target's situation: value, changes, each deadline, and the provinces lowest and moving most."""
    parts = [
        value_sentence(s, scope, lang),
        change_sentence(s, lang),
        *(deadline_sentence(d, s.kind, lang) for d in s.deadlines),
        *provinces_sentences(s, lang),
    ]
    return " ".join(p for p in parts if p)


# --- the overview and a province ------------------------------------------------------------------


def scope_paragraph(s: ScopeSituation, scope: str, lang: str) -> str:
    """How many targets stand in each status, the furthest from target, the ones that rose most."""
    if not s.targets:
        return ""
    counts = [
        f"{fmt_number(s.count(state), lang)} {lower_first(status_word(state, lang))}"
        for state in COUNTED
        if s.count(state)
    ]
    n = len(s.targets)
    parts = [
        t("situation.counts", lang).format(
            date=fmt_date(s.data_date, lang),
            scope=scope,
            n=fmt_number(n, lang),
            noun=noun("situation.target_noun", n, lang),
            counts=join_items(counts, lang),
        )
    ]
    if s.furthest:
        items = [
            f"{x.code} ({fmt_percent(x.value, lang)}, "
            + t("situation.short_of", lang).format(pp=points(x.shortfall or 0.0, lang), year=x.headline_year)
            + ")"
            for x in s.furthest
        ]
        parts.append(t("situation.furthest", lang).format(items=join_items(items, lang)))
    if s.risen:
        items = [f"{x.code} ({signed_points(x.quarter_change or 0.0, lang)})" for x in s.risen]
        parts.append(t("situation.risen", lang).format(items=join_items(items, lang)))
    if s.institutions:
        items = [
            f"{x.name} ("
            + t("situation.fraction", lang).format(
                num=fmt_number(x.numerator, lang), den=fmt_number(x.denominator, lang)
            )
            + ")"
            for x in s.institutions
        ]
        parts.append(t("situation.institutions", lang).format(code=s.institutions_on, items=join_items(items, lang)))
    return " ".join(parts)


def scope_words(scope: Scope, label: str, lang: str) -> str:
    """How a sentence names the scope: 'cả nước' / 'the country' for the whole country unfiltered,
    else the pages' label ('Thành phố Hà Nội · Trường cao đẳng')."""
    return t("situation.nation", lang) if scope == NATIONAL else label
