"""Every target states the interpretations we made, the same on its fact card, in the API and the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from data_sources.counting import CountingRulesError, make_rules, read_it_occupations
from ioc_app.facts import indicator_facts
from ioc_app.indicators import registry
from ioc_app.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("ind", registry.INDICATORS, ids=lambda i: i.code)
def test_each_target_states_its_interpretations_in_both_languages(ind: registry.Indicator) -> None:
    vi = indicator_facts(ind, None, Settings(), "vi")
    en = indicator_facts(ind, None, Settings(), "en")
    assert vi.interpretations and len(vi.interpretations) == len(en.interpretations)
    for text in (*vi.interpretations, *en.interpretations, vi.definition, en.definition):
        assert "{" not in text and "}" not in text  # every placeholder filled


@pytest.mark.parametrize("ind", registry.INDICATORS, ids=lambda i: i.code)
def test_the_readme_lists_the_same_interpretations(ind: registry.Indicator) -> None:
    section = README[README.index(f"- **{ind.code}**") :]
    for text in indicator_facts(ind, None, Settings(), "en").interpretations:
        assert f"  - {text}" in section, text


def test_the_t08_threshold_and_the_ministry_come_from_configuration() -> None:
    t08, t07 = registry.get("T08"), registry.get("T07")
    rules = make_rules("0.9")
    facts = indicator_facts(t08, rules, Settings(), "vi")
    assert "ít nhất 90% người học" in facts.definition
    assert "at least 90% of their learners" in indicator_facts(t08, rules, Settings(), "en").definition
    assert "Bộ Giáo dục và Đào tạo" in indicator_facts(t07, None, Settings(), "vi").definition


@pytest.mark.parametrize("bad", ["0", "1.5", "-0.1", "abc", ""])
def test_a_bad_threshold_is_refused_with_its_value(bad: str) -> None:
    with pytest.raises(CountingRulesError, match="T08 record share"):
        make_rules(bad)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("code,name_vi,name_en\n48020,Tin học,Informatics\n", "not six digits"),
        ("code,name_vi,name_en\n480201,,Informatics\n", "name_vi and name_en are required"),
        ("code,name_vi,name_en\n480201,A,B\n480201,A,B\n", "listed twice"),
        ("code,name_vi,name_en\n", "empty"),
    ],
)
def test_a_bad_it_occupation_list_is_refused_with_the_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "it.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CountingRulesError, match=message):
        read_it_occupations(path)


def test_the_it_list_is_data_read_with_or_without_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "it.csv"
    path.write_text("\ufeffcode,name_vi,name_en\n480201,Công nghệ thông tin,Information technology\n", encoding="utf-8")
    (occupation,) = make_rules(it_occupations_path=path).it_occupations
    assert (occupation.code, occupation.name_vi) == ("480201", "Công nghệ thông tin")
    assert {o.code for o in read_it_occupations()} >= {"480201", "480202", "480216"}


def test_settings_read_the_counting_rules_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "it.csv"
    path.write_text("code,name_vi,name_en\n480207,Lập trình máy tính,Computer programming\n", encoding="utf-8")
    settings = Settings.from_env({"IOC_T08_MIN_RECORD_SHARE": "0.8", "IOC_IT_OCCUPATIONS_PATH": str(path)})
    rules = settings.counting_rules()
    assert float(rules.min_record_share) == 0.8 and rules.it_codes == ("480207",)
