"""What a target's fact card and the API say about how it is counted, filled from configuration.

The registry declares definitions and interpretations with placeholders; this fills them with the
ministry in charge of VET (settings) and the counting rules the snapshot was computed with.
"""

from __future__ import annotations

from dataclasses import dataclass

from data_sources.counting import CountingRules, default_rules
from ioc_app.i18n import fmt_percent
from ioc_app.indicators.registry import Indicator
from ioc_app.settings import Settings

IT_LIST_TARGET = "T04"


@dataclass(frozen=True)
class Occupation:
    code: str
    name: str


@dataclass(frozen=True)
class Facts:
    definition: str
    interpretations: tuple[str, ...]
    occupations: tuple[Occupation, ...] = ()  # T04: the IT / digital-technology list


def rules_of(rules: CountingRules | None) -> CountingRules:
    """A snapshot's rules; the defaults for a snapshot stored before rules were recorded."""
    return rules if rules is not None else default_rules()


def _fill(text: str, rules: CountingRules, settings: Settings, lang: str) -> str:
    return text.format(
        ministry=settings.ministry_name_en if lang == "en" else settings.ministry_name_vi,
        min_record_share=fmt_percent(float(rules.min_record_share), lang, decimals=0),
        it_count=len(rules.it_occupations),
    )


def indicator_facts(indicator: Indicator, rules: CountingRules | None, settings: Settings, lang: str) -> Facts:
    counting = rules_of(rules)
    occupations: tuple[Occupation, ...] = ()
    if indicator.code == IT_LIST_TARGET:
        occupations = tuple(
            Occupation(o.code, o.name_en if lang == "en" else o.name_vi) for o in counting.it_occupations
        )
    return Facts(
        definition=_fill(indicator.definition(lang), counting, settings, lang),
        interpretations=tuple(_fill(x, counting, settings, lang) for x in indicator.interpretations(lang)),
        occupations=occupations,
    )
