"""The text catalogue (ioc_app/texts.py): every key the code asks for exists with both texts, no
Vietnamese text is defined under two keys without a reason, texts are NFC, and ``t`` fails loudly
in strict mode but degrades gracefully (logged once) in production."""

from __future__ import annotations

import ast
import logging
import re
import unicodedata
from pathlib import Path

import pytest

from data_sources.schema import INSTITUTION_TYPES, OWNERSHIPS
from ioc_app import i18n, imports
from ioc_app.focus_tasks import REPORTED_STATES, SCHEDULE_STATUSES
from ioc_app.freshness import STALE_REASONS
from ioc_app.indicators.registry import INDICATORS
from ioc_app.indicators.status import STATUSES
from ioc_app.texts import TEXTS
from layouts import components, home, province
from layouts import map as map_layout

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "ioc_app" / "texts.py"
SOURCES = [
    *sorted(p for d in ("ioc_app", "layouts", "callbacks") for p in (ROOT / d).rglob("*.py") if p != CATALOGUE),
    ROOT / "app.py",
]
KEY_LIKE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")
NAMESPACES = {k.split(".")[0] for k in TEXTS}

# The same Vietnamese words that mean different things on screen, so they keep separate keys.
SAME_VIETNAMESE_ALLOWED: dict[str, tuple[set[str], str]] = {
    "Chỉ tiêu": ({"nav.targets", "common.target"}, "the targets page in the menu ('Targets'), not one target"),
    "Nhiệm vụ": ({"nav.tasks", "tasks.col_task"}, "the tasks page in the menu ('Tasks'), not the task column"),
    "Mục tiêu": (
        {"panel.targets", "common.goal"},
        "a target's list of deadlines ('Targets: 2025 …; 2030 …'), not one deadline's target",
    ),
    "mốc": (
        {"milestone.of", "situation.milestone_noun"},
        "a panel's fixed plural ('1/2 milestones') vs a sentence's noun that agrees with its count in English",
    ),
    "Đã hoàn thành": (
        {"milestone.done", "tasks.reported.completed"},
        "a milestone target reached ('Achieved') vs what a progress report says of a focus task ('Completed')",
    ),
}

# Keys the code builds in f-strings: static prefix -> every key it can produce.
BUILT_KEYS: dict[str, list[str]] = {
    "type.": [f"type.{k}" for k in INSTITUTION_TYPES],
    "ownership.": [f"ownership.{k}" for k in OWNERSHIPS],
    "status.": [f"status.{s}" for s in STATUSES if s != "no_data"],  # no_data reads common.no_data
    "sc.short.": [f"sc.short.{ind.code}" for ind in INDICATORS],
    "tasks.schedule.": [f"tasks.schedule.{s}" for s in SCHEDULE_STATUSES],
    "tasks.reported.": [f"tasks.reported.{s}" for s in REPORTED_STATES],
    "prov.flag.": [f"prov.flag.{k}_hint" for k in province.FLAGS],
    "prov.type_short.": [f"prov.type_short.{k}" for k in INSTITUTION_TYPES],
    "targets.breakdown_": [f"targets.breakdown_{d}" for d in ("type", "ownership")],
    "import.problem.": [f"import.problem.{c}" for c in imports.PROBLEM_CODES],
    "import.outcome.": [f"import.outcome.{o}" for o in imports.OUTCOMES],
    "fresh.stale_hint.": [f"fresh.stale_hint.{r}" for r in STALE_REASONS if r != "age"],  # age: fresh.stale_hint
    "export.": [
        f"export.{c}"
        for c in (*home.EXPORT_COLUMNS, "rank", "province_code", "dimension", "group")
        if c not in components.EXPORT_COMMON
    ],
}
# f-strings whose prefix is itself a parameter, by the function that holds them.
BUILT_KEYS_BY_FUNCTION: dict[str, list[str]] = {
    "_dropdown_options": BUILT_KEYS["type."] + BUILT_KEYS["ownership."],  # map filters: "type", "ownership"
}


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _is_t_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and bool(node.args)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == "t")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "t")
        )
    )


def _prefixes(node: ast.JoinedStr) -> list[str]:
    """The static starts of an f-string key; a leading ``{'a' if x else 'b'}`` gives both branches."""
    prefixes = [""]
    for part in node.values:
        if isinstance(part, ast.Constant):
            prefixes = [p + str(part.value) for p in prefixes]
        elif (
            isinstance(part, ast.FormattedValue)
            and isinstance(part.value, ast.IfExp)
            and isinstance(part.value.body, ast.Constant)
            and isinstance(part.value.orelse, ast.Constant)
        ):
            prefixes = [p + str(b.value) for p in prefixes for b in (part.value.body, part.value.orelse)]
        else:
            break
    return prefixes


def _key_nodes(node: ast.expr) -> list[ast.expr]:
    """The expressions that can become the key: ``"a"``, ``"a" if x else "b"``, ``table.get(k, f"a.{k}")``."""
    if isinstance(node, ast.IfExp):
        return _key_nodes(node.body) + _key_nodes(node.orelse)
    if isinstance(node, ast.BoolOp):
        return [n for v in node.values for n in _key_nodes(v)]
    if isinstance(node, ast.Call):
        return [n for a in node.args for n in _key_nodes(a)]
    return [node]


def _code_keys() -> tuple[set[tuple[str, str]], set[tuple[str, str, str]]]:
    """(literal keys, f-string prefixes with their function) in the code, each with its file."""
    literal: set[tuple[str, str]] = set()
    built: set[tuple[str, str, str]] = set()
    for path in SOURCES:
        tree = _parse(path)
        where = str(path.relative_to(ROOT))
        pieces = {id(c) for js in ast.walk(tree) if isinstance(js, ast.JoinedStr) for c in js.values}
        function_of: dict[int, str] = {}
        for scope in ast.walk(tree):
            if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
                function_of.update((id(n), scope.name) for n in ast.walk(scope))  # inner functions win
        for call in ast.walk(tree):
            if not _is_t_call(call):
                continue
            assert isinstance(call, ast.Call)
            for node in _key_nodes(call.args[0]):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    literal.add((node.value, where))
                elif isinstance(node, ast.JoinedStr):
                    built.update((p, where, function_of.get(id(call), "")) for p in _prefixes(node))
        # Keys handed to t() through a variable (menu entries, fact lists, lookup tables).
        for const in ast.walk(tree):
            if (
                isinstance(const, ast.Constant)
                and isinstance(const.value, str)
                and id(const) not in pieces
                and KEY_LIKE.fullmatch(const.value)
                and const.value.split(".")[0] in NAMESPACES
            ):
                literal.add((const.value, where))
    return literal, built


def test_catalogue_is_one_dict_literal_with_each_key_once() -> None:
    tree = _parse(CATALOGUE)
    (assign,) = [n for n in tree.body if isinstance(n, (ast.Assign, ast.AnnAssign))]
    assert isinstance(assign.value, ast.Dict)
    keys = [k.value for k in assign.value.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
    assert len(keys) == len(assign.value.keys), "every key is a plain string"
    assert sorted(k for k in set(keys) if keys.count(k) > 1) == []
    assert len(keys) == len(TEXTS)


def test_every_entry_has_vietnamese_and_english() -> None:
    bad = {
        k: v
        for k, v in TEXTS.items()
        if not (isinstance(v, tuple) and len(v) == 2 and all(isinstance(s, str) and s.strip() for s in v))
    }
    assert bad == {}


def test_texts_are_nfc() -> None:
    """Precomposed Vietnamese letters (ộ, not o + ̣ + ̂): the same word must compare and search equal."""
    assert [k for k, pair in TEXTS.items() if any(unicodedata.normalize("NFC", s) != s for s in pair)] == []


def test_every_literal_key_in_the_code_exists() -> None:
    literal, _built = _code_keys()
    assert len(literal) > 200, "the scan found the call sites"
    missing = sorted(f"{key} ({where})" for key, where in literal if key not in TEXTS)
    assert missing == []


TEMPLATE_KEY = re.compile(r"""\bt\(\s*['"]([^'"]+)['"]\s*\)""")


def test_every_key_in_the_server_rendered_templates_exists() -> None:
    """The sign-in and administration pages (ioc_app/templates) ask ``t('key')`` too."""
    found = {
        (key, path.name)
        for path in (ROOT / "ioc_app" / "templates").glob("*.html")
        for key in TEMPLATE_KEY.findall(path.read_text(encoding="utf-8"))
    }
    assert len(found) > 40, "the scan found the templates' texts"
    assert sorted(f"{key} ({name})" for key, name in found if key not in TEXTS) == []


def test_every_built_key_is_known_and_exists() -> None:
    _literal, built = _code_keys()
    unknown = sorted(
        f"{prefix!r} in {where}:{func}"
        for prefix, where, func in built
        if prefix not in BUILT_KEYS and not (prefix == "" and func in BUILT_KEYS_BY_FUNCTION)
    )
    assert unknown == [], "add the f-string's expansions to BUILT_KEYS"
    expected = [k for keys in [*BUILT_KEYS.values(), *BUILT_KEYS_BY_FUNCTION.values()] for k in keys]
    assert sorted(k for k in expected if k not in TEXTS) == []
    assert all(keys for keys in BUILT_KEYS.values())


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_built_texts_render_in_strict_mode(lang: str) -> None:
    assert i18n.STRICT, "tests/conftest.py turns strict mode on"
    for s in [*STATUSES, None, ""]:
        assert components.status_word(s, lang)
    for c in (*home.EXPORT_COLUMNS, "rank", "province_code", "province", "status", "level", "dimension", "group"):
        assert components.export_header(c, lang)
    assert all(map_layout.points_hideout(lang)["t"].values())
    assert all(i18n.t(key, lang) for key in province.FLAG_LABELS.values())


def test_no_vietnamese_text_under_two_keys() -> None:
    by_text: dict[str, set[str]] = {}
    for key, (vi, _en) in TEXTS.items():
        by_text.setdefault(vi, set()).add(key)
    repeated = {vi: keys for vi, keys in by_text.items() if len(keys) > 1}
    allowed = {vi: keys for vi, (keys, _reason) in SAME_VIETNAMESE_ALLOWED.items()}
    assert repeated == allowed


def test_missing_text_raises_when_strict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "STRICT", True)
    monkeypatch.setitem(TEXTS, "test.vietnamese_only", ("Chỉ có tiếng Việt", ""))
    with pytest.raises(KeyError, match=r"no\.such\.key"):
        i18n.t("no.such.key", "vi")
    with pytest.raises(KeyError, match=r"test\.vietnamese_only"):
        i18n.t("test.vietnamese_only", "en")
    assert i18n.t("test.vietnamese_only", "vi") == "Chỉ có tiếng Việt"


def test_missing_text_falls_back_and_logs_once_in_production(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(i18n, "STRICT", False)
    monkeypatch.setattr(i18n, "_reported", set())
    monkeypatch.setitem(TEXTS, "test.vietnamese_only", ("Chỉ có tiếng Việt", ""))
    with caplog.at_level(logging.WARNING, logger="ioc_app.i18n"):
        assert i18n.t("no.such.key", "en") == "no.such.key"
        assert i18n.t("no.such.key", "vi") == "no.such.key"
        assert i18n.t("test.vietnamese_only", "en") == "Chỉ có tiếng Việt"
        assert i18n.t("test.vietnamese_only", "en") == "Chỉ có tiếng Việt"
        assert i18n.t("common.national", "en") == "National"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "no.such.key" in warnings[0] and "test.vietnamese_only" in warnings[1]


def test_strict_switch_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    monkeypatch.setenv("IOC_STRICT_TEXTS", "0")
    try:
        assert importlib.reload(i18n).STRICT is False
        monkeypatch.setenv("IOC_STRICT_TEXTS", "1")
        assert importlib.reload(i18n).STRICT is True
    finally:
        importlib.reload(i18n)
        i18n.STRICT = True
