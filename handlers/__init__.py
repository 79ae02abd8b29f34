"""Channel-agnostic conversation logic: ``dispatch(ctx, message) -> list[Reply]``.

Nothing here imports a messenger SDK, a web framework or a database driver. The
flows live in subpackages: ``core`` (the contract, the router, texts, help),
``report`` (citizens' reports), ``handling`` (officials and the citizen's side of
handling), ``alerts`` (broadcasts and subscriptions) and ``services`` (finding a
public service). The names below are the contract the shell imports.
"""

from handlers.core.city import City, Names
from handlers.core.context import Context, Limits, Parser, Places, Turn
from handlers.core.i18n import TEXTS, Catalogue, format_time, say
from handlers.core.model import (
    Channel,
    Choice,
    Contact,
    GeoPoint,
    IncomingMessage,
    Member,
    PhotoProblem,
    PhotoRef,
    RejectedFile,
    Reply,
    Venue,
    reply_from_dict,
    reply_to_dict,
)
from handlers.core.router import dispatch

__all__ = [
    "TEXTS",
    "Catalogue",
    "Channel",
    "Choice",
    "City",
    "Contact",
    "Context",
    "GeoPoint",
    "IncomingMessage",
    "Limits",
    "Member",
    "Names",
    "Parser",
    "PhotoProblem",
    "PhotoRef",
    "Places",
    "RejectedFile",
    "Reply",
    "Turn",
    "Venue",
    "dispatch",
    "format_time",
    "reply_from_dict",
    "reply_to_dict",
    "say",
]
