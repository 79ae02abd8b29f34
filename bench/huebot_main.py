"""``huebot run`` as a script the benchmarks can start by path (also under cProfile).

The checkout to run is whichever ``bot`` package comes first on PYTHONPATH.
"""

import sys

from bot.cli import main

if __name__ == "__main__":
    sys.exit(main(["run"]))
