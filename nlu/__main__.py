"""``python -m nlu``: the NLU command line (train, parse, test)."""

import sys

from nlu.cli import main

sys.exit(main())
