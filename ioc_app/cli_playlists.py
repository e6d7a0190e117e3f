"""``python -m ioc_app playlists ...``: the wall displays' playlists from the command line.

Input is checked before the store is opened where it can be (a JSON file, a slide's fields), and
every change is validated as a whole playlist: a refused command is one line on stderr, exit 2,
and changes nothing. Changes are audited with the actor ``cli``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from ioc_app.cli import CliError, _ioc_engine, _reason, _when, require_store
from ioc_app.settings import Settings

if TYPE_CHECKING:
    from ioc_app.playlists import Playlist


def _position(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {raw!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"slides are counted from 1, got {value}")
    return value


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    from data_sources.schema import OWNERSHIPS
    from ioc_app.playlists import INST_TYPES, SLIDE_KINDS

    playlists = sub.add_parser(
        "playlists",
        help="wall-display playlists: list, show, import, export, edit, delete",
        description="Playlists of the wall displays' presentation mode (/present?playlist=NAME), in the IOC store. "
        "Without a stored 'dieu-hanh' the built-in one is shown. Every change is validated as a whole and audited "
        "with the actor 'cli'.",
    )
    ps = playlists.add_subparsers(dest="playlists_command", metavar="ACTION", required=True)
    ps.add_parser("list", help="list the playlists", description="List the playlists (and the built-in one).")
    show = ps.add_parser("show", help="print a playlist", description="Print a playlist's slides.")
    show.add_argument("name", metavar="NAME")
    show.add_argument("--json", action="store_true", help="as JSON, as `export` writes it")
    imp = ps.add_parser(
        "import",
        help="store a playlist from a JSON file",
        description="Store a playlist from a JSON file (created, or replacing the one of the same name).",
    )
    imp.add_argument("file", metavar="FILE", help="a JSON object with name, title and slides")
    imp.add_argument("--name", default=None, help="store it under this name instead of the file's own")
    exp = ps.add_parser("export", help="write a playlist as JSON", description="Write a playlist as JSON.")
    exp.add_argument("name", metavar="NAME")
    exp.add_argument("--output", default=None, help="write to this file (default: standard output)")
    delete = ps.add_parser("delete", help="delete a stored playlist", description="Delete a stored playlist.")
    delete.add_argument("name", metavar="NAME")
    add = ps.add_parser("add-slide", help="add a slide", description="Add a slide (at the end, or at --position).")
    add.add_argument("name", metavar="NAME")
    add.add_argument("kind", metavar="KIND", choices=SLIDE_KINDS, help=", ".join(SLIDE_KINDS))
    add.add_argument("--seconds", type=int, required=True, help="how long it stays on screen")
    add.add_argument("--targets", default=None, help="target codes, comma-separated, e.g. T01,T06")
    add.add_argument("--province", default=None, help="one of the 34 current province codes (default: national)")
    add.add_argument("--type", dest="inst_type", choices=INST_TYPES, default=None, help="institution type filter")
    add.add_argument("--ownership", choices=OWNERSHIPS, default=None, help="ownership filter")
    add.add_argument("--position", type=_position, default=None, help="its place, counted from 1")
    remove = ps.add_parser("remove-slide", help="remove a slide", description="Remove slide N (counted from 1).")
    remove.add_argument("name", metavar="NAME")
    remove.add_argument("n", metavar="N", type=_position)
    move = ps.add_parser("move-slide", help="move a slide", description="Move slide FROM so that it becomes slide TO.")
    move.add_argument("name", metavar="NAME")
    move.add_argument("source", metavar="FROM", type=_position)
    move.add_argument("target", metavar="TO", type=_position)


def _read_json(path: str) -> object:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read {path}: {_reason(exc)}") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise CliError(f"{path} is not JSON: {exc}") from None


def _slide_line(n: int, playlist: Playlist) -> str:
    slide = playlist.slides[n - 1]
    parts = [f"{n:>2}. {slide.kind:<14} {slide.seconds:>4} s", slide.province or "national"]
    if slide.targets:
        parts.append(",".join(slide.targets))
    parts += [v for v in (slide.inst_type, slide.ownership) if v]
    return "  ".join(parts)


def cmd_playlists(settings: Settings, args: argparse.Namespace) -> int:
    from ioc_app import playlist_store as store
    from ioc_app.audit import CLI
    from ioc_app.playlists import PlaylistError, PlaylistNotFound, check_name, parse_playlist

    command = args.playlists_command
    try:
        # Checked before the store is opened: refused input writes nothing.
        if command == "import":
            playlist = parse_playlist(_read_json(args.file), args.name)
        elif command != "list":
            check_name(args.name)
        if command == "add-slide":
            targets = [t.strip() for t in (args.targets or "").split(",") if t.strip()]
            slide = store.slide_json(args.kind, args.seconds, targets, args.province, args.inst_type, args.ownership)
        require_store(settings)
        engine = _ioc_engine(settings)
        try:
            if command == "list":
                for p in store.summaries(engine):
                    where = (
                        f"updated {_when(p.updated_at)} UTC by {p.updated_by}" if p.stored else "built-in (not stored)"
                    )
                    broken = "" if p.valid else "  INVALID: read as absent; import it again or delete it"
                    print(f"{p.name:<24} {p.slides:>2} slide(s)  {where}  {p.title}{broken}")
            elif command in ("show", "export"):
                found = store.get_or_builtin(engine, args.name)
                if found is None:
                    raise PlaylistNotFound(args.name)
                if command == "export" or args.json:
                    text = json.dumps(found.to_json(), ensure_ascii=False, indent=2) + "\n"
                    if command == "export" and args.output:
                        try:
                            Path(args.output).write_text(text, encoding="utf-8")
                        except OSError as exc:
                            raise CliError(f"cannot write {args.output}: {_reason(exc)}") from None
                        print(f"wrote {found.name} ({len(found.slides)} slide(s)) to {args.output}")
                    else:
                        sys.stdout.write(text)
                else:
                    print(f"{found.name}: {found.title}")
                    for n in range(1, len(found.slides) + 1):
                        print(_slide_line(n, found))
            elif command == "import":
                saved, created = store.save(engine, playlist.to_json(), CLI)
                print(f"{'created' if created else 'replaced'} {saved.name} ({len(saved.slides)} slide(s))")
            elif command == "delete":
                store.delete(engine, args.name, CLI)
                print(f"deleted {args.name}")
            else:
                if command == "add-slide":
                    edited = store.add_slide(engine, args.name, slide, args.position, CLI)
                elif command == "remove-slide":
                    edited = store.remove_slide(engine, args.name, args.n, CLI)
                else:
                    edited = store.move_slide(engine, args.name, args.source, args.target, CLI)
                print(f"{edited.name}: {edited.title}")
                for n in range(1, len(edited.slides) + 1):
                    print(_slide_line(n, edited))
        finally:
            engine.dispose()
    except PlaylistError as exc:
        raise CliError(str(exc)) from None
    except SQLAlchemyError as exc:
        raise CliError(f"cannot use the IOC database (IOC_DATABASE_URL): {_reason(exc)}") from None
    return 0
