"""The services look-up as a table: its ``service:`` buttons and an open look-up.

Free text outside a dialog starts a look-up through the router (``find.is_lookup``).
"""

from __future__ import annotations

from handlers.core.flow import Flow
from handlers.services import find

SERVICE = Flow(
    name=find.FLOW,
    states=tuple(find.State),
    buttons={"service": find.on_choice},
    on_message=find.proceed,
)
FLOWS = (SERVICE,)
