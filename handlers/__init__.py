"""Channel-agnostic conversation logic: ``dispatch(ctx, message) -> list[Reply]``.

Nothing here imports a messenger SDK, a web framework or a database driver.
"""

from handlers.context import Context, Limits, Parser
from handlers.router import dispatch

__all__ = ["Context", "Limits", "Parser", "dispatch"]
