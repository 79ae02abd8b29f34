"""`python -m bot` is the `huebot` command."""

import sys

from bot.cli import main

sys.exit(main())
