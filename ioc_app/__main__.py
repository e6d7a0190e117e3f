import sys

from ioc_app.cli import main

sys.exit(main())
