"""CAP 1.2 (Common Alerting Protocol) messages, as national warning centres publish them.

``parse_cap`` reads one ``<alert>`` into an ``AlertContent``: the Vietnamese ``<info>``
(or the first) gives the main texts, an English one the translation. The area is mapped
to wards: a ``<geocode>`` value equal to a ward's statistics code, or ward names in
``<areaDesc>`` (with or without diacritics); an area naming only the city means the
whole city. Polygons and circles are not used: HueBot has no ward boundaries.

Untrusted input: a file over ``MAX_CAP_BYTES`` is refused before it is parsed, and the
XML is read with ``defusedxml``, which refuses any DTD, entity or external reference
whatever the file's encoding (a UTF-16 file hides ``<!DOCTYPE`` from a byte search). The
identifier must fit the store; the texts are fitted to one message when the alert is
issued (``handlers/alerts/fit.py``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

import defusedxml
import defusedxml.ElementTree as SafeET

from handlers.alerts.issue import DEFAULT_EXPIRY, AlertProblem
from handlers.core.city import City
from nlu import find_wards, fold
from storage.alerts import AlertContent

NS = "{urn:oasis:names:tc:emergency:cap:1.2}"
MAX_CAP_BYTES: Final = 1024 * 1024  # real CAP messages are a few kilobytes
MAX_IDENTIFIER: Final = 200  # alert.identifier
SEVERITY = {"Extreme": "Extreme", "Severe": "Severe", "Moderate": "Moderate",
            "Minor": "Minor", "Unknown": "Moderate"}  # fmt: skip
CATEGORY = {"Met": "Met", "Geo": "Geo", "Health": "Health", "Safety": "Safety",
            "Infra": "Infra", "Transport": "Infra", "Security": "Safety", "Rescue": "Safety",
            "Fire": "Safety", "CBRNE": "Safety", "Env": "Other", "Other": "Other"}  # fmt: skip
CITY_WORDS = ("thanh pho hue", "tp hue", "tinh thua thien hue", "thua thien hue", "hue city",
              "toan thanh pho")  # fmt: skip


@dataclass(frozen=True, slots=True)
class CapMessage:
    """What a CAP file asks: a new alert, an update (``references``) or a cancellation."""

    msg_type: str
    identifier: str
    references: tuple[str, ...]
    content: AlertContent | None


def parse_cap(data: bytes, city: City) -> CapMessage:
    """Read a CAP 1.2 ``<alert>``.

    Raises:
        AlertProblem: Not a CAP 1.2 alert HueBot can deliver (the message says why).
    """
    if len(data) > MAX_CAP_BYTES:
        raise AlertProblem(f"the CAP file is over {MAX_CAP_BYTES // 1024} KB")
    try:
        root: ET.Element = SafeET.fromstring(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException:
        raise AlertProblem("CAP files with a DTD or entities are not accepted") from None
    except ET.ParseError as exc:
        raise AlertProblem(f"not valid XML: {exc}") from None
    if root.tag != f"{NS}alert":
        raise AlertProblem(
            "not a CAP 1.2 <alert> (namespace urn:oasis:names:tc:emergency:cap:1.2)"
        )
    status = _text(root, "status")
    if status != "Actual":
        raise AlertProblem(f"status {status!r}: only Actual alerts go to the public")
    msg_type = _text(root, "msgType") or "Alert"
    references = tuple(ref.split(",")[1] for ref in (_text(root, "references") or "").split()
                       if ref.count(",") >= 1)  # fmt: skip
    identifier = _required(root, "identifier")
    if len(identifier) > MAX_IDENTIFIER:
        raise AlertProblem(f"the identifier is over {MAX_IDENTIFIER} characters")
    if msg_type == "Cancel":
        return CapMessage(msg_type, identifier, references, None)
    content = _content(root, city, identifier, msg_type)
    return CapMessage(msg_type, identifier, references, content)


def _content(root: ET.Element, city: City, identifier: str, msg_type: str) -> AlertContent:
    infos = root.findall(f"{NS}info")
    if not infos:
        raise AlertProblem("the alert has no <info>")
    main = next((i for i in infos if _language(i) == "vi"), infos[0])
    sent = _time(_required(root, "sent"), city.zone)
    whole_city, wards, area_desc = _area(main, city)
    expires = _text(main, "expires")
    return AlertContent(
        identifier=identifier, sender=_text(main, "senderName") or _required(root, "sender"),
        headline=_required(main, "headline")[:300], description=_text(main, "description") or "",
        severity=SEVERITY.get(_text(main, "severity") or "", "Moderate"),
        category=CATEGORY.get(_text(main, "category") or "", "Other"),
        urgency=_text(main, "urgency") or "Unknown",
        certainty=_text(main, "certainty") or "Unknown",
        whole_city=whole_city, wards=wards, sent_at=sent,
        expires_at=_time(expires, city.zone) if expires else sent + DEFAULT_EXPIRY,
        instruction=_text(main, "instruction"), language=_language(main),
        translations=_translations(infos, main), area_desc=area_desc, link=_text(main, "web"),
        msg_type=msg_type, source="cap",
    )  # fmt: skip


def _area(info: ET.Element, city: City) -> tuple[bool, tuple[str, ...], str | None]:
    codes = {str(ward.code): ward.codename for ward in city.wards}
    descriptions: list[str] = []
    wards: list[str] = []
    for area in info.findall(f"{NS}area"):
        description = _text(area, "areaDesc") or ""
        descriptions.append(description)
        for geocode in area.findall(f"{NS}geocode"):
            value = (_text(geocode, "value") or "").strip()
            wards += [codes[value]] if value in codes else []
        wards += find_wards(description)
    area_desc = "; ".join(d for d in descriptions if d) or None
    if wards:
        return False, tuple(dict.fromkeys(wards)), area_desc
    if any(word in fold(area_desc or "") for word in CITY_WORDS):
        return True, (), area_desc
    raise AlertProblem(f"no ward of the city recognised in the area {area_desc!r}")


def _translations(infos: list[ET.Element], main: ET.Element) -> dict[str, dict[str, str | None]]:
    found: dict[str, dict[str, str | None]] = {}
    for info in infos:
        language = _language(info)
        if info is main or language == _language(main) or language in found:
            continue
        found[language] = {
            "headline": _text(info, "headline"), "description": _text(info, "description"),
            "instruction": _text(info, "instruction"),
        }  # fmt: skip
    return found


def _language(info: ET.Element) -> str:
    return (_text(info, "language") or "en-US").split("-")[0].lower()


def _text(element: ET.Element, tag: str) -> str | None:
    found = element.find(f"{NS}{tag}")
    text = (found.text or "").strip() if found is not None else ""
    return text or None


def _required(element: ET.Element, tag: str) -> str:
    value = _text(element, tag)
    if value is None:
        raise AlertProblem(f"<{tag}> is missing")
    return value


def _time(value: str, zone: ZoneInfo) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise AlertProblem(f"not a CAP time: {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def with_reference(content: AlertContent, references_id: int | None) -> AlertContent:
    """The content updating alert ``references_id``."""
    return replace(content, references_id=references_id)
