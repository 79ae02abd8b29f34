"""What a citizen hears when their message could not be processed at all.

After a few quick retries the intake gives a failing update up (it stays for the
operators with its error) and answers with this: an apology and the city's hotline,
the phone of the first unit in config.yml (the operations centre).
"""

from __future__ import annotations

from handlers.core.city import City
from handlers.core.i18n import say
from handlers.core.model import Reply

FALLBACK_HOTLINE = "1022"


def hotline(city: City) -> str:
    """The city's hotline: the first unit's public phone."""
    return next((u.contact.phone for u in city.units if u.contact.phone), FALLBACK_HOTLINE)


def gave_up_reply(city: City, language: str) -> Reply:
    """The apology for a message that could not be processed, with the hotline."""
    return Reply(say(language, "error.gave_up", hotline=hotline(city)))
