"""No test may hold a calendar date that is still to come.

A test that writes a future date ("expires 2026-11-25") passes until that day and then
fails for everyone. Times a test needs are built from the FakeClock or from now; fixed
dates may only be past ones, used with the FakeClock. This guard reads every test and
fixture file and names each date later than today. CI also runs the whole suite under
``faketime '+400 days'`` (``make test-later``).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

TESTS = Path(__file__).resolve().parent
SUFFIXES = {".py", ".xml", ".json", ".yml", ".yaml", ".txt", ".csv", ".geojson"}
ISO_DATE = re.compile(r"(?<!\d)(20\d\d)-(\d\d)-(\d\d)(?!\d)")
CALL_DATE = re.compile(r"\b(?:datetime|date)\(\s*(20\d\d)\s*,\s*(\d{1,2})\s*,\s*(\d{1,2})\b")


def dates_in(text: str) -> list[tuple[int, date]]:
    """(line number, date) of every calendar date written in ``text``."""
    found: list[tuple[int, date]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for pattern in (ISO_DATE, CALL_DATE):
            for match in pattern.finditer(line):
                try:
                    found.append((number, date(*(int(part) for part in match.groups()))))
                except ValueError:  # 2026-13-45 is not a date, just digits
                    continue
    return found


def future_dates(root: Path, today: date) -> list[str]:
    """``path:line date`` for each date after ``today`` in the files under ``root``."""
    problems = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in SUFFIXES or not path.is_file() or "__pycache__" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        problems += [f"{path.relative_to(root)}:{line} {when}"
                     for line, when in dates_in(text) if when > today]  # fmt: skip
    return problems


def test_no_test_holds_a_date_still_to_come() -> None:
    today = datetime.now(UTC).date()
    problems = future_dates(TESTS, today)
    assert not problems, "build these from the FakeClock or from now:\n" + "\n".join(problems)


def test_the_guard_finds_future_dates(tmp_path: Path) -> None:
    today = date(2026, 1, 10)
    (tmp_path / "test_x.py").write_text(
        'EXPIRES = "2026-01-11T07:00:00+07:00"\nSTART = datetime(2026, 2, 1, 8)\n'
        'PAST = "2026-01-09"\nNOT_A_DATE = "2026-19-40"\nCODE = "VN-2026-01-10-0001"\n',
        encoding="utf-8",
    )
    (tmp_path / "cap.xml").write_text("<expires>2026-05-01</expires>", encoding="utf-8")
    assert future_dates(tmp_path, today) == [
        "cap.xml:1 2026-05-01", "test_x.py:1 2026-01-11", "test_x.py:2 2026-02-01",
    ]  # fmt: skip
