"""The /stats answer in Vietnamese and English, from figures made by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import load_settings
from handlers import City
from handlers.handling.stats_view import (
    format_stats,
    hours,
    number,
    one_decimal,
    parse_days,
    percent,
)
from storage.stats import Figures, Period, Stats, StatsQuery

CONFIG = Path(__file__).resolve().parents[2] / "config.yml"
NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
WEEK = Period.last_days(7, load_settings(CONFIG).city.zone, NOW)

HEPCO = Figures(
    received=1200, handled=900, rejected=50, transferred=10, open=240, overdue=31,
    resolved=950, on_time=760, late=190, rated=400, satisfied=300, units_involved=1,
    resolve_p50_seconds=5.25 * 3600, resolve_p90_seconds=30 * 3600,
)  # fmt: skip
TREES = Figures(received=3, open=3, units_involved=1)
TOTAL = Figures(
    received=1203, handled=900, rejected=50, transferred=10, open=243, overdue=31,
    resolved=950, on_time=760, late=190, rated=400, satisfied=300, units_involved=2,
    resolve_p50_seconds=5.25 * 3600, resolve_p90_seconds=30 * 3600,
)  # fmt: skip


@pytest.fixture(scope="module")
def city() -> City:
    return load_settings(CONFIG).city


def busy_week() -> Stats:
    return Stats(
        StatsQuery(WEEK),
        NOW,
        TOTAL,
        units=(("hepco", HEPCO), ("cay_xanh", TREES)),
        categories=(("flooding", HEPCO), ("trees", TREES)),
    )


def test_vietnamese_answer(city: City):
    text = format_stats(busy_week(), city, "vi")
    assert text.splitlines()[0] == "📊 Thống kê phản ánh 18/11/2026 – 24/11/2026"
    assert "• Tiếp nhận: 1.203 · Đã xử lý: 900 · Từ chối: 50 · Chuyển đi: 10" in text
    assert "• Đang xử lý: 243, trong đó quá hạn: 31" in text
    assert "• Đơn vị tham gia: 2" in text
    assert "• Thời gian xử lý: trung vị 5,3 giờ · 90% xong trong 30,0 giờ" in text
    assert "• Đúng hạn: 80,0% (760/950) · Trễ hạn: 190" in text
    assert "• Hài lòng: 75,0% (300/400 ý kiến)" in text
    assert "Theo đơn vị:" in text and "Theo lĩnh vực:" in text
    hepco = city.unit("hepco").name.vi
    assert f"• {hepco}: 1.200 tiếp nhận, 900 đã xử lý, 31 quá hạn, đúng hạn 80,0%" in text
    trees = city.category("trees").name.vi
    assert f"• {trees}: 3 tiếp nhận, 0 đã xử lý, 0 quá hạn, đúng hạn —, hài lòng —" in text


def test_english_answer(city: City):
    text = format_stats(busy_week(), city, "en")
    assert text.splitlines()[0] == "📊 Report figures 2026-11-18 – 2026-11-24"
    assert "• Received: 1,203 · Handled: 900 · Rejected: 50 · Transferred: 10" in text
    assert "• Open: 243, of which overdue: 31" in text
    assert "• Time to resolve: median 5.3 h · 90% within 30.0 h" in text
    assert "• On time: 80.0% (760/950) · Late: 190" in text
    assert "• Satisfied: 75.0% (300/400 answers)" in text
    hepco = city.unit("hepco").name.en
    assert f"• {hepco}: 1,200 received, 900 handled, 31 overdue, on time 80.0%" in text


def test_an_empty_period_shows_dashes_not_errors(city: City):
    empty = Stats(StatsQuery(WEEK, unit_code="hepco"), NOW, Figures(), (), ())
    vi = format_stats(empty, city, "vi")
    assert "trung vị — giờ · 90% xong trong — giờ" in vi
    assert "• Đúng hạn: — (0/0)" in vi and "• Hài lòng: — (0/0 ý kiến)" in vi
    assert vi.endswith("Chưa có phản ánh nào trong khoảng thời gian này.")
    assert f"Phạm vi: {city.unit('hepco').name.vi}" in vi
    en = format_stats(empty, city, "en")
    assert "• On time: — (0/0)" in en and en.endswith("No reports in this period.")
    assert "By unit:" not in en


def test_long_lists_are_cut(city: City):
    units = tuple((u.code, TREES) for u in city.units[:8])
    stats = Stats(StatsQuery(WEEK), NOW, TOTAL, units, ())
    text = format_stats(stats, city, "en", rows=5)
    assert "… and 3 more" in text and city.units[5].name.en not in text


def test_all_time_and_unknown_codes(city: City):
    stats = Stats(StatsQuery(Period(None, NOW)), NOW, TREES, (("gone_unit", TREES),), ())
    text = format_stats(stats, city, "en")
    assert text.splitlines()[0] == "📊 Report figures from the start to 2026-11-24"
    assert "• gone_unit: 3 received" in text


def test_number_helpers():
    assert number(1234567, "vi") == "1.234.567" and number(1234567, "en") == "1,234,567"
    assert hours(5400) == "1.5" and hours(5400, "vi") == "1,5" and hours(None) == "—"
    assert percent(0.8765) == "87.7%" and percent(1 / 3, "vi") == "33,3%"
    assert percent(None, "vi") == "—" and percent(0.0) == "0.0%" and hours(0) == "0.0"
    assert one_decimal(5.25) == "5.3" and one_decimal(0.05) == "0.1" and one_decimal(2.0) == "2.0"


@pytest.mark.parametrize(
    ("argument", "days"),
    [(None, 30), ("", 30), (" 7 ", 7), ("366", 366), ("0", None), ("367", None),
     ("-3", None), ("bảy", None), ("²", None)],
)  # fmt: skip
def test_stats_days_argument(argument: str | None, days: int | None):
    assert parse_days(argument) == days
