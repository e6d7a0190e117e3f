"""One import as the command line makes it, paused inside its write transaction (tests/test_import_kill.py).

``python -m tests.import_paused VET_URL IOC_URL FILE READY``: writes the file's rows, creates READY,
then sleeps before the commit, so that the test can kill it there.
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


def main(vet_url: str, ioc_url: str, file: str, ready: str) -> None:
    original = writing.write

    def write_then_wait(*args: Any, **kwargs: Any) -> writing.Written:
        written = original(*args, **kwargs)
        Path(ready).write_text(str(written.rows))
        time.sleep(120)
        return written

    writing.write = write_then_wait  # type: ignore[assignment]  # a pause for the test, same signature
    data = Path(file).read_bytes()
    imports.run_import(make_engine(vet_url), make_engine(ioc_url), file, data, max_bytes=10 * 1024 * 1024, identity=CLI)


if __name__ == "__main__":
    main(*sys.argv[1:5])
