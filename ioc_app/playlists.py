"""Wall-display playlists: what ``/present`` shows, in which order, for how long.

A playlist is configuration, not data: a name (used in URLs and by display tokens), a title, and
an ordered list of slides. Each slide has a kind, a duration and its own scope and filters. The
kinds are fixed here; what each shows is built by ``ioc_app.presentation`` through the core read
path, so a province-limited display sees only its province whatever the playlist says.

Playlists are validated here, once, whichever way they arrive (the admin page, the command line,
a JSON file): :func:`parse_playlist` turns a JSON object into a :class:`Playlist` or raises
:class:`PlaylistError` naming the first problem in words an administrator can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Final

from data_sources.schema import INSTITUTION_TYPES, OWNERSHIPS
from geo import provinces as geo
from ioc_app.i18n import t
from ioc_app.indicators import registry

OVERVIEW: Final = "overview"  # every target of the scope: value, status, deadlines
TARGETS: Final = "targets"  # a group of 1-6 targets with their trajectories
MAP: Final = "map"  # choropleth of one target over the 34 provinces, archipelagos labelled
PROVINCES: Final = "provinces"  # the 34 provinces on up to 6 targets (national scope only)
BEHIND: Final = "behind"  # the provinces furthest behind on one target (national scope only)
CHANGES: Final = "changes"  # what changed since yesterday and since last week
PROVINCE_CYCLE: Final = "province_cycle"  # one slide per province, each with its own panels
SLIDE_KINDS: Final = (OVERVIEW, TARGETS, MAP, PROVINCES, BEHIND, CHANGES, PROVINCE_CYCLE)
# Kinds that compare provinces: they make no sense for a single province and are left out there.
NATIONAL_ONLY: Final = frozenset({PROVINCES, BEHIND, PROVINCE_CYCLE})
# Kinds about exactly one target.
ONE_TARGET: Final = frozenset({MAP, BEHIND})
MAX_GROUP: Final = 6  # targets on one "targets" slide: more would not be readable from 5 m
MIN_SECONDS: Final = 1  # short durations are for tests and rehearsals
MAX_SECONDS: Final = 3600
MAX_SLIDES: Final = 60
NAME_PATTERN: Final = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
DEFAULT_NAME: Final = "dieu-hanh"  # the control room's playlist when the URL names none


class PlaylistError(ValueError):
    """A playlist that cannot be used; the message says which slide and field, and why.

    The message is English (command line, logs); ``key`` and ``params`` give the same reason in the
    page's language (:meth:`text`, texts in ioc_app/texts.py).
    """

    def __init__(self, message: str, key: str = "playlist.err.invalid", **params: Any) -> None:
        super().__init__(message)
        self.key = key
        self.params = params

    def text(self, lang: str) -> str:
        template = t(self.key, lang)
        try:
            return template.format(reason=str(self), **self.params)
        except (KeyError, IndexError, ValueError):
            return str(self)


class PlaylistNotFound(PlaylistError):
    """No playlist of that name (the wall shows this calmly rather than an error page)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"no playlist named {name!r}", "playlist.err.not_found", name=name)
        self.name = name


@dataclass(frozen=True)
class Slide:
    kind: str
    seconds: int
    targets: tuple[str, ...] = ()  # "targets": 1-6 codes; "map", "behind": exactly one; others: none
    province: str | None = None  # a current (34) province code; None = national
    inst_type: str | None = None  # filters, as on the desk pages
    ownership: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "seconds": self.seconds}
        if self.targets:
            out["targets"] = list(self.targets)
        for key in ("province", "inst_type", "ownership"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


@dataclass(frozen=True)
class Playlist:
    name: str
    title: str
    slides: tuple[Slide, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "slides": [s.to_json() for s in self.slides]}


INST_TYPES: Final = INSTITUTION_TYPES


def check_name(name: Any) -> str:
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise PlaylistError(
            f"invalid playlist name {name!r}: 2-40 characters, lower-case letters, digits and '-', "
            "starting with a letter or digit",
            "playlist.err.name",
        )
    return name


def _slide(raw: Any, n: int) -> Slide:
    where = f"slide {n}"
    if not isinstance(raw, dict):
        raise PlaylistError(f"{where}: expected an object with kind and seconds", "playlist.err.slide_object", slide=n)
    unknown = set(raw) - {"kind", "seconds", "targets", "province", "inst_type", "ownership"}
    if unknown:
        fields = ", ".join(sorted(map(str, unknown)))
        raise PlaylistError(f"{where}: unknown field(s) {fields}", "playlist.err.slide_fields", slide=n, fields=fields)
    kind = raw.get("kind")
    if kind not in SLIDE_KINDS:
        raise PlaylistError(
            f"{where}: kind must be one of {', '.join(SLIDE_KINDS)}, got {kind!r}",
            "playlist.err.kind",
            slide=n,
            value=kind,
        )
    seconds = raw.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise PlaylistError(
            f"{where}: seconds must be a whole number from {MIN_SECONDS} to {MAX_SECONDS}",
            "playlist.err.seconds",
            slide=n,
            low=MIN_SECONDS,
            high=MAX_SECONDS,
        )
    targets = raw.get("targets", [])
    if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
        raise PlaylistError(
            f'{where}: targets must be a list of codes such as ["T01", "T06"]', "playlist.err.targets_list", slide=n
        )
    known = registry.by_code()
    bad = [t for t in targets if t not in known]
    if bad:
        raise PlaylistError(
            f"{where}: unknown target(s) {', '.join(bad)}; the targets are T01 to T12",
            "playlist.err.targets_unknown",
            slide=n,
            codes=", ".join(bad),
        )
    if len(set(targets)) != len(targets):
        raise PlaylistError(f"{where}: a target is listed twice", "playlist.err.targets_twice", slide=n)
    if kind == TARGETS and not 1 <= len(targets) <= MAX_GROUP:
        raise PlaylistError(
            f"{where}: a targets slide shows 1 to {MAX_GROUP} targets",
            "playlist.err.targets_group",
            slide=n,
            high=MAX_GROUP,
        )
    if kind in ONE_TARGET and len(targets) != 1:
        raise PlaylistError(
            f"{where}: a {kind} slide shows exactly one target", "playlist.err.targets_one", slide=n, kind=kind
        )
    if kind == PROVINCES and len(targets) > MAX_GROUP:
        raise PlaylistError(
            f"{where}: a provinces slide shows at most {MAX_GROUP} targets",
            "playlist.err.targets_provinces",
            slide=n,
            high=MAX_GROUP,
        )
    if kind not in ONE_TARGET and kind not in (TARGETS, PROVINCES) and targets:
        raise PlaylistError(
            f"{where}: a {kind} slide takes no targets", "playlist.err.targets_none", slide=n, kind=kind
        )
    province = raw.get("province")
    if province is not None:
        if kind in NATIONAL_ONLY:
            raise PlaylistError(
                f"{where}: a {kind} slide compares provinces and takes no province",
                "playlist.err.national_only",
                slide=n,
                kind=kind,
            )
        if not isinstance(province, str) or province not in geo.province_by_code():
            raise PlaylistError(
                f"{where}: unknown province code {province!r} (one of the 34 current codes)",
                "playlist.err.province",
                slide=n,
                value=province,
            )
    inst_type, ownership = raw.get("inst_type"), raw.get("ownership")
    if inst_type is not None and inst_type not in INST_TYPES:
        raise PlaylistError(
            f"{where}: inst_type must be one of {', '.join(INST_TYPES)}", "playlist.err.inst_type", slide=n
        )
    if ownership is not None and ownership not in OWNERSHIPS:
        raise PlaylistError(
            f"{where}: ownership must be one of {', '.join(OWNERSHIPS)}", "playlist.err.ownership", slide=n
        )
    return Slide(kind, seconds, tuple(targets), province, inst_type, ownership)


def parse_playlist(raw: Any, name: str | None = None) -> Playlist:
    """A validated playlist from its JSON form (``name`` overrides the object's own)."""
    if not isinstance(raw, dict):
        raise PlaylistError("a playlist is a JSON object with name, title and slides", "playlist.err.object")
    unknown = set(raw) - {"name", "title", "slides"}
    if unknown:
        fields = ", ".join(sorted(map(str, unknown)))
        raise PlaylistError(f"unknown field(s) {fields}", "playlist.err.fields", fields=fields)
    clean_name = check_name(name if name is not None else raw.get("name"))
    title = raw.get("title")
    if not isinstance(title, str) or not 1 <= len(title.strip()) <= 120:
        raise PlaylistError("title: 1 to 120 characters", "playlist.err.title")
    slides = raw.get("slides")
    if not isinstance(slides, list) or not 1 <= len(slides) <= MAX_SLIDES:
        raise PlaylistError(f"slides: a list of 1 to {MAX_SLIDES} slides", "playlist.err.slides", high=MAX_SLIDES)
    return Playlist(clean_name, title.strip(), tuple(_slide(s, n) for n, s in enumerate(slides, start=1)))


# The built-in control-room playlist: shown when no playlist of the requested name is stored.
DEFAULT: Final = parse_playlist(
    {
        "name": DEFAULT_NAME,
        "title": "Phòng điều hành",
        "slides": [
            {"kind": OVERVIEW, "seconds": 30},
            {"kind": TARGETS, "seconds": 25, "targets": ["T01", "T02", "T03", "T04"]},
            {"kind": TARGETS, "seconds": 25, "targets": ["T05", "T06", "T07", "T08"]},
            {"kind": TARGETS, "seconds": 25, "targets": ["T09", "T10", "T11", "T12"]},
            {"kind": MAP, "seconds": 30, "targets": ["T06"]},
            {"kind": PROVINCES, "seconds": 30},
            {"kind": BEHIND, "seconds": 20, "targets": ["T01"]},
            {"kind": CHANGES, "seconds": 20},
        ],
    }
)
