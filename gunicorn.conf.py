"""gunicorn's settings for the IOC, read from the project folder: ``gunicorn -w 4 -b 0.0.0.0:8050 app:server``.

The Server header: gunicorn names itself in every response; it says ``vet-ioc`` instead.
"""

import sys
from pathlib import Path

import gunicorn.http.wsgi

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ioc_app.security import SERVER_HEADER  # the project folder is on the path only from here

gunicorn.http.wsgi.SERVER = SERVER_HEADER
