"""CAP 1.2 messages read into alerts: texts, languages, area to wards, updates, refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import load_settings
from handlers import City
from handlers.alerts.cap import parse_cap
from handlers.alerts.issue import AlertProblem
from tests.conftest import CONFIG

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def hue() -> City:
    return load_settings(CONFIG).city


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_a_cap_alert_becomes_an_alert_for_the_wards_it_names(hue: City):
    message = parse_cap(read("cap_flood.xml"), hue)
    content = message.content
    assert message.msg_type == "Alert" and content is not None
    assert content.identifier == "VN-NCHMF-2026-11-24-0001"
    assert content.sender == "Trung tâm Dự báo Khí tượng Thủy văn Quốc gia"
    assert (content.severity, content.category, content.urgency) == ("Severe", "Met", "Immediate")
    assert content.wards == ("vy_da", "an_cuu", "thuy_xuan")  # geocode, then names
    assert not content.whole_city
    assert content.sent_at == datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    assert content.expires_at == datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
    assert content.language == "vi" and content.link == "https://nchmf.gov.vn/canh-bao/0001"
    assert content.translations["en"]["headline"] == "Perfume River above alarm level 3"
    assert content.source == "cap"


def test_an_update_names_what_it_replaces_and_a_city_area_is_the_whole_city(hue: City):
    message = parse_cap(read("cap_flood_update.xml"), hue)
    assert message.msg_type == "Update"
    assert message.references == ("VN-NCHMF-2026-11-24-0001",)
    assert message.content is not None and message.content.whole_city
    assert message.content.severity == "Extreme"


def test_a_cancel_carries_no_alert(hue: City):
    message = parse_cap(read("cap_flood_cancel.xml"), hue)
    assert (message.msg_type, message.content) == ("Cancel", None)
    assert message.references == ("VN-NCHMF-2026-11-24-0002",)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("<status>Actual</status>", "<status>Exercise</status>"), "only Actual"),
        (("<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
          "<?xml version=\"1.0\"?><!DOCTYPE alert [<!ENTITY x \"y\">]>"), "DTD"),
        (("Phường An Cựu; phuong Thuy Xuan", "Hà Nội"), "no ward"),
        (("urn:oasis:names:tc:emergency:cap:1.2", "urn:other"), "not a CAP 1.2"),
        (("<headline>Lũ trên sông Hương vượt báo động 3</headline>", ""), "headline"),
    ],
)  # fmt: skip
def test_what_cannot_be_delivered_is_refused(hue: City, change: tuple[str, str], problem: str):
    data = read("cap_flood.xml").decode().replace(*change)
    if problem == "no ward":
        data = data.replace("<value>19777</value>", "<value>1</value>")
    with pytest.raises(AlertProblem, match=problem):
        parse_cap(data.encode(), hue)


def test_broken_xml_is_refused(hue: City):
    with pytest.raises(AlertProblem, match="not valid XML"):
        parse_cap(b"<alert", hue)
