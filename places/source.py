"""Loading the gazetteer, and reloading it when an operator edits its files.

:class:`GazetteerSource` hands out the current :class:`Gazetteer`; at most every
``check_seconds`` it compares the files' modification times and sizes with those it
loaded, and reloads when they changed. A file that does not load (a typo in an edit)
is reported in the log and the previous gazetteer stays in use, so nothing is lost.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from places.config import PlacesPaths
from places.gazetteer import Gazetteer
from places.loader import PlacesDataError, load_landmarks, load_streets, load_wards

log = logging.getLogger("huebot.places")
Stamp = tuple[tuple[int, int], ...]


def load_gazetteer(paths: PlacesPaths | None = None) -> Gazetteer:
    """Load and index the gazetteer's three files.

    Args:
        paths: The files (default: those shipped in ``places/data/``).

    Returns:
        The gazetteer.

    Raises:
        PlacesDataError: A file is missing or invalid; the message names it.
    """
    paths = paths or PlacesPaths()
    return Gazetteer(
        load_wards(paths.wards), load_streets(paths.streets), load_landmarks(paths.landmarks)
    )


def _stamp(files: tuple[Path, ...]) -> Stamp:
    stamps = []
    for path in files:
        try:
            info = path.stat()
        except OSError:
            stamps.append((-1, -1))
            continue
        stamps.append((info.st_mtime_ns, info.st_size))
    return tuple(stamps)


class GazetteerSource:
    """The current gazetteer, reloaded when its files change (no restart needed)."""

    def __init__(
        self,
        paths: PlacesPaths | None = None,
        check_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Load the files now.

        Args:
            paths: The files (default: the shipped ones).
            check_seconds: The least time between two looks at the files (0: every call).
            clock: Monotonic seconds; tests pass their own.

        Raises:
            PlacesDataError: The files do not load at start.
        """
        self.paths = paths or PlacesPaths()
        self._check_seconds = check_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._stamp = _stamp(self.paths.files())
        self._gazetteer = load_gazetteer(self.paths)
        self._checked = clock()
        self.last_error: str | None = None

    def current(self) -> Gazetteer:
        """The gazetteer to use now, reloaded first if its files changed."""
        now = self._clock()
        if now - self._checked >= self._check_seconds:
            self._checked = now
            self.reload()
        return self._gazetteer

    def reload(self, force: bool = False) -> bool:
        """Reload when the files changed (or always with ``force``).

        Returns:
            True when a new gazetteer was loaded.
        """
        with self._lock:
            stamp = _stamp(self.paths.files())
            if stamp == self._stamp and not force:
                return False
            try:
                gazetteer = load_gazetteer(self.paths)
            except PlacesDataError as exc:
                if stamp != self._stamp or force:
                    log.error("places: keeping the previous gazetteer: %s", exc)
                self._stamp = stamp
                self.last_error = str(exc)
                return False
            self._gazetteer, self._stamp, self.last_error = gazetteer, stamp, None
            log.info(
                "places: gazetteer reloaded (%d streets, %d landmarks)",
                len(gazetteer.streets),
                len(gazetteer.landmarks),
            )
            return True
