"""Wall-display playlists in the IOC store: read, save, edit, delete, and which one a display shows.

Every write validates the whole playlist with :func:`ioc_app.playlists.parse_playlist` and adds its
audit row in the same transaction, so a refused change writes nothing. A stored row that no longer
validates (saved by another release, or edited by hand in the database) is logged and read as
absent: a wall falls back as if it had never been saved instead of failing, and the admin page
lists it as broken so that it can be replaced or deleted.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ioc_app import audit
from ioc_app.access import deny
from ioc_app.identity import Identity, current_identity
from ioc_app.playlists import (
    DEFAULT,
    DEFAULT_NAME,
    Playlist,
    PlaylistError,
    PlaylistNotFound,
    check_name,
    parse_playlist,
)
from ioc_app.store import AccessToken, StoredPlaylist

log = logging.getLogger(__name__)

SAVED: Final = "playlist_saved"
EDITED: Final = "playlist_edited"
DELETED: Final = "playlist_deleted"


@dataclass(frozen=True)
class Summary:
    """One line of the list: a stored playlist, or the built-in one while nothing of its name is stored."""

    name: str
    title: str
    slides: int
    stored: bool
    valid: bool  # False: a stored row that no longer validates (read as absent)
    updated_at: dt.datetime | None = None  # UTC
    updated_by: str | None = None

    @property
    def builtin(self) -> bool:
        return self.name == DEFAULT_NAME


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _row(s: Session, name: str) -> StoredPlaylist | None:
    return s.scalars(select(StoredPlaylist).where(StoredPlaylist.name == name)).first()


def _parse_row(row: StoredPlaylist) -> Playlist:
    try:
        slides = json.loads(row.slides)
    except ValueError:
        raise PlaylistError("the stored slides are not valid JSON", "playlist.err.json") from None
    return parse_playlist({"name": row.name, "title": row.title, "slides": slides})


def _slide_count(row: StoredPlaylist) -> int:
    try:
        slides = json.loads(row.slides)
    except ValueError:
        return 0
    return len(slides) if isinstance(slides, list) else 0


def summaries(engine: Engine) -> list[Summary]:
    """Every stored playlist by name, with the built-in one first when it is not stored."""
    out = []
    with Session(engine) as s:
        for row in s.scalars(select(StoredPlaylist).order_by(StoredPlaylist.name)):
            try:
                _parse_row(row)
                valid = True
            except PlaylistError:
                valid = False
            out.append(Summary(row.name, row.title, _slide_count(row), True, valid, row.updated_at, row.updated_by))
    if all(p.name != DEFAULT_NAME for p in out):
        out.insert(0, Summary(DEFAULT.name, DEFAULT.title, len(DEFAULT.slides), stored=False, valid=True))
    return out


def get(engine: Engine, name: str) -> Playlist | None:
    """The stored playlist of this name; None when there is none or it no longer validates (logged)."""
    with Session(engine) as s:
        row = _row(s, name)
        if row is None:
            return None
        try:
            return _parse_row(row)
        except PlaylistError as exc:
            log.warning("stored playlist %r no longer validates, read as absent: %s", name, exc)
            return None


def get_or_builtin(engine: Engine, name: str) -> Playlist | None:
    """The stored playlist, else the built-in one for its name, else None."""
    found = get(engine, name)
    if found is None and name == DEFAULT_NAME:
        return DEFAULT
    return found


def known_name(s: Session, name: str) -> bool:
    """Whether a display token may be limited to this name: a stored playlist, or the built-in one."""
    return name == DEFAULT_NAME or _row(s, name) is not None


def _actor_name(actor: Identity | None) -> str:
    who = actor if actor is not None else current_identity()
    return who.name[:60] if who is not None else audit.ANONYMOUS


def _write(s: Session, row: StoredPlaylist | None, playlist: Playlist, actor: Identity | None) -> None:
    if row is None:
        row = StoredPlaylist(name=playlist.name)
        s.add(row)
    row.title = playlist.title
    row.slides = json.dumps([slide.to_json() for slide in playlist.slides], ensure_ascii=False)
    row.updated_at = _now()
    row.updated_by = _actor_name(actor)


def save(
    engine: Engine, raw: Any, actor: Identity | None = None, *, name: str | None = None, replace: bool = True
) -> tuple[Playlist, bool]:
    """Validate and store a playlist (its JSON form); the playlist and whether it is new.

    ``replace=False`` refuses a name already stored (creating from the admin page).
    """
    playlist = parse_playlist(raw, name)
    with Session(engine) as s, s.begin():
        row = _row(s, playlist.name)
        if row is not None and not replace:
            raise PlaylistError(
                f"a playlist named {playlist.name!r} already exists", "playlist.err.exists", name=playlist.name
            )
        _write(s, row, playlist, actor)
        detail = f"{'created' if row is None else 'replaced'}; {len(playlist.slides)} slide(s)"
        s.add(audit.entry(SAVED, playlist.name, detail, actor))
    return playlist, row is None


def delete(engine: Engine, name: str, actor: Identity | None = None) -> None:
    """Remove a stored playlist; refused while an active display token is limited to it.

    Deleting the stored ``dieu-hanh`` is always allowed: the built-in one takes its place.
    """
    with Session(engine) as s, s.begin():
        row = _row(s, name)
        if row is None:
            raise PlaylistNotFound(name)
        if name != DEFAULT_NAME:
            holders = s.scalars(
                select(AccessToken.name).where(AccessToken.playlist == name, AccessToken.revoked_at.is_(None))
            ).all()
            if holders:
                raise PlaylistError(
                    f"playlist {name!r} is the limit of display token(s) {', '.join(holders)}: revoke them first",
                    "playlist.err.in_use",
                    name=name,
                    tokens=", ".join(holders),
                )
        s.delete(row)
        s.add(audit.entry(DELETED, name, "", actor))


# --- edits of one playlist ---------------------------------------------------------------------------------


def _edit(
    engine: Engine, name: str, change: Callable[[dict[str, Any]], None], what: str, actor: Identity | None
) -> Playlist:
    """Apply ``change`` to the playlist's JSON form, validate the result, store it (starting from the
    built-in one when ``dieu-hanh`` is not stored yet)."""
    check_name(name)
    with Session(engine) as s, s.begin():
        row = _row(s, name)
        if row is not None:
            try:
                current = _parse_row(row)
            except PlaylistError as exc:
                raise PlaylistError(
                    f"the stored playlist {name!r} no longer validates ({exc}): import it again",
                    "playlist.err.broken",
                    name=name,
                ) from None
        elif name == DEFAULT_NAME:
            current = DEFAULT
        else:
            raise PlaylistNotFound(name)
        raw = current.to_json()
        change(raw)
        playlist = parse_playlist(raw)
        _write(s, row, playlist, actor)
        s.add(audit.entry(EDITED, name, what, actor))
    return playlist


def _check_position(raw: dict[str, Any], n: Any, what: str = "slide", extra: int = 0) -> int:
    count = len(raw["slides"]) + extra
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= count:
        raise PlaylistError(
            f"{what} must be a number from 1 to {count}, got {n!r}", "playlist.err.position", high=count
        )
    return n


def set_title(engine: Engine, name: str, title: str, actor: Identity | None = None) -> Playlist:
    def change(raw: dict[str, Any]) -> None:
        raw["title"] = title

    return _edit(engine, name, change, "title", actor)


def add_slide(
    engine: Engine, name: str, slide: dict[str, Any], position: int | None = None, actor: Identity | None = None
) -> Playlist:
    """Insert a slide at ``position`` (1 = first; None = last)."""

    def change(raw: dict[str, Any]) -> None:
        at = len(raw["slides"]) + 1 if position is None else _check_position(raw, position, "position", extra=1)
        raw["slides"].insert(at - 1, slide)

    return _edit(engine, name, change, f"slide added: {slide.get('kind')}", actor)


def replace_slide(engine: Engine, name: str, n: int, slide: dict[str, Any], actor: Identity | None = None) -> Playlist:
    def change(raw: dict[str, Any]) -> None:
        raw["slides"][_check_position(raw, n) - 1] = slide

    return _edit(engine, name, change, f"slide {n} changed", actor)


def remove_slide(engine: Engine, name: str, n: int, actor: Identity | None = None) -> Playlist:
    def change(raw: dict[str, Any]) -> None:
        del raw["slides"][_check_position(raw, n) - 1]

    return _edit(engine, name, change, f"slide {n} removed", actor)


def move_slide(engine: Engine, name: str, source: int, target: int, actor: Identity | None = None) -> Playlist:
    """Move slide ``source`` so that it becomes slide ``target`` (both counted from 1)."""

    def change(raw: dict[str, Any]) -> None:
        slide = raw["slides"].pop(_check_position(raw, source) - 1)
        raw["slides"].insert(_check_position(raw, target, "target position", extra=1) - 1, slide)

    return _edit(engine, name, change, f"slide {source} moved to {target}", actor)


def slide_json(
    kind: str,
    seconds: Any,
    targets: list[str] | tuple[str, ...] = (),
    province: str | None = None,
    inst_type: str | None = None,
    ownership: str | None = None,
) -> dict[str, Any]:
    """A slide's JSON form from loose input (a form, the command line): empty values left out,
    a numeric string read as a number, anything else passed on for parse_playlist to refuse."""
    if isinstance(seconds, str) and seconds.strip().isdigit():
        seconds = int(seconds.strip())
    out: dict[str, Any] = {"kind": kind, "seconds": seconds}
    if targets:
        out["targets"] = list(targets)
    if province:
        out["province"] = province.strip().zfill(2) if province.strip().isdigit() else province
    if inst_type:
        out["inst_type"] = inst_type
    if ownership:
        out["ownership"] = ownership
    return out


# --- what a display shows --------------------------------------------------------------------------------


def resolve(engine: Engine, requested: str | None, identity: Identity | None) -> Playlist:
    """The playlist a display shows: the one asked for, else the token's own, else ``dieu-hanh``
    (stored, else built in).

    A token limited to one playlist asking for another is refused (``access.Forbidden``, audited);
    an unknown name raises :class:`PlaylistNotFound` (a bad name, :class:`PlaylistError`).
    """
    limit = identity.playlist if identity is not None else None
    wanted = (requested or "").strip()
    if wanted and limit is not None and wanted != limit:
        raise deny(identity, f"playlist {wanted}")
    name = check_name(wanted or limit or DEFAULT_NAME)
    found = get_or_builtin(engine, name)
    if found is None:
        raise PlaylistNotFound(name)
    return found
