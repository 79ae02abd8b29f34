"""``python -m places``: the same as ``huebot places``."""

import sys

from places.cli import main

sys.exit(main())
