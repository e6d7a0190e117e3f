"""One import as the command line makes it, paused where a test kills it (tests/test_import_kill.py).

``python -m tests.import_paused VET_URL IOC_URL FILE READY WHERE``: creates READY and sleeps, at WHERE:
``writing`` (its rows written, before the VET database's commit) or ``logging`` (after that commit,
before the import log says how it ended).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from data_sources.engine import make_engine
from data_sources.submissions import writing
from ioc_app import imports
from ioc_app.audit import CLI


def _signal(ready: str, text: str) -> None:
    """READY appears with its text whole (written aside, then renamed): the test reads it as soon as it exists."""
    aside = Path(ready + ".part")
    aside.write_text(text)
    aside.replace(ready)


def main(vet_url: str, ioc_url: str, file: str, ready: str, where: str) -> None:
    write, log = writing.write, imports._log

    def write_then_wait(*args: Any, **kwargs: Any) -> writing.Written:
        written = write(*args, **kwargs)
        _signal(ready, str(written.rows))
        time.sleep(120)
        return written

    def wait_then_log(*args: Any, **kwargs: Any) -> None:
        _signal(ready, "committed")
        time.sleep(120)
        log(*args, **kwargs)

    if where == "writing":
        writing.write = write_then_wait  # type: ignore[assignment]  # a pause for the test, same signature
    else:
        imports._log = wait_then_log
    data = Path(file).read_bytes()
    imports.run_import(make_engine(vet_url), make_engine(ioc_url), file, data, max_bytes=10 * 1024 * 1024, identity=CLI)


if __name__ == "__main__":
    main(*sys.argv[1:6])
