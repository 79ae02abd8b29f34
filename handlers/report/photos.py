"""Photos a citizen sends into a report: kept, counted, their GPS offered."""

from __future__ import annotations

from handlers.core.context import Turn
from handlers.core.model import IncomingMessage, PhotoProblem, RejectedFile, Reply
from handlers.report.draft import Draft

PROBLEM_TEXT = {
    PhotoProblem.TOO_LARGE: "photo.too_large",
    PhotoProblem.TOO_MANY_PIXELS: "photo.too_many_pixels",
    PhotoProblem.UNSUPPORTED: "photo.unsupported",
    PhotoProblem.CORRUPT: "photo.corrupt",
}


async def absorb_photos(turn: Turn, draft: Draft, message: IncomingMessage) -> list[Reply]:
    """Attach the message's photos to the draft; explain any that were refused.

    Returns:
        Notes for the citizen: refused files and the photo limit.
    """
    notes = [_refusal(turn, rejected) for rejected in message.rejected_files]
    room = turn.ctx.limits.max_photos_per_report - len(draft.photo_ids)
    for photo in message.photos[: max(room, 0)]:
        photo_id = await turn.ctx.store.reports.add_photo(
            turn.user.id,
            photo.sha256,
            photo.content_type,
            photo.size,
            (photo.width, photo.height),
            turn.ctx.now,
        )
        draft.photo_ids.append(photo_id)
        draft.photo_gps = draft.photo_gps or photo.gps
    if len(message.photos) > room:
        notes.append(Reply(turn.say("photo.limit", limit=turn.ctx.limits.max_photos_per_report)))
    return notes


def _refusal(turn: Turn, rejected: RejectedFile) -> Reply:
    name = f"\u201c{rejected.filename}\u201d " if rejected.filename else ""
    return Reply(turn.say(PROBLEM_TEXT[rejected.problem], name=name))
