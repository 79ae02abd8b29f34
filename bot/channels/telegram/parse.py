"""Telegram updates to HueBot's terms: pure functions, no I/O (rendering: render.py).

``parse_update`` reads a python-telegram-bot ``Update`` into a ``TelegramInput``: what
the citizen did, plus what only the Telegram adapter needs (files still to download,
the button token to resolve, the chat to answer). ``incoming`` then builds the
channel-neutral ``IncomingMessage`` once files and tokens are resolved.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from telegram import Chat, Message, Update, User
from telegram.constants import ChatType

from bot.channels.commands import split_command
from handlers import (
    Channel,
    Contact,
    GeoPoint,
    IncomingMessage,
    Member,
    PhotoProblem,
    PhotoRef,
    RejectedFile,
)

UPDATE_TYPES = ("message", "edited_message", "callback_query", "my_chat_member")
OTHER_MEDIA = ("video", "animation", "video_note", "voice", "audio")  # refused as files


class Kind(StrEnum):
    """What an update is, for HueBot."""

    MESSAGE = "message"
    EDITED = "edited"
    CALLBACK = "callback"
    BLOCKED = "blocked"
    UNBLOCKED = "unblocked"
    IGNORED = "ignored"


@dataclass(frozen=True, slots=True)
class Me:
    """The bot itself: groups address it by username or by replying to it."""

    id: int
    username: str


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file to fetch with getFile; ``document`` files keep their EXIF (and so GPS)."""

    file_id: str
    size: int | None
    filename: str | None = None
    document: bool = False


@dataclass(frozen=True, slots=True)
class ButtonPress:
    """An inline button press; ``message_id`` is None when the message is gone."""

    query_id: str
    token: str
    message_id: int | None
    message_text: str | None
    label: str | None


@dataclass(frozen=True, slots=True)
class TelegramInput:
    """One update, read: who, where to answer, and what they did."""

    kind: Kind
    update_id: int
    user_key: str = ""
    chat_id: int = 0
    private: bool = True
    text: str | None = None
    command: str | None = None
    location: GeoPoint | None = None
    contact: Contact | None = None
    files: tuple[FileRef, ...] = ()
    rejected: tuple[RejectedFile, ...] = ()
    media_group_id: str | None = None
    press: ButtonPress | None = None
    locale: str | None = None
    name: str | None = None  # the person's first name; a group's title
    member: Member | None = None  # in a group: who typed or pressed (the chat is the user)


def parse_update(update: Update, me: Me) -> TelegramInput:
    """Read an update; anything HueBot does not handle comes back as ``Kind.IGNORED``."""
    if update.callback_query is not None:
        return _callback(update)
    if update.my_chat_member is not None:
        return _membership(update)
    if update.message is not None:
        return _message(update.update_id, update.message, me, Kind.MESSAGE)
    if update.edited_message is not None:
        edited = _message(update.update_id, update.edited_message, me, Kind.EDITED)
        # Live locations come as edits every few seconds: only edited words count.
        return edited if edited.text or edited.command else ignored(update.update_id)
    return ignored(update.update_id)


def ignored(update_id: int) -> TelegramInput:
    """An update HueBot leaves alone."""
    return TelegramInput(Kind.IGNORED, update_id)


def _message(update_id: int, message: Message, me: Me, kind: Kind) -> TelegramInput:
    user = message.from_user
    if user is None or user.is_bot:
        return ignored(update_id)
    command, text = split_command(message.text or message.caption, me.username)
    private = message.chat.type == ChatType.PRIVATE
    if command == "" or (not private and command is None and not _replies_to(message, me)):
        return ignored(update_id)  # a command for another bot, or group chatter
    files, rejected = _files(message)
    user_key, member, name = speaker(message.chat, user)
    return TelegramInput(
        kind=kind,
        update_id=update_id,
        user_key=user_key,
        chat_id=message.chat.id,
        private=private,
        text=text,
        command=command,
        location=_location(message),
        contact=_contact(message, user.id) if private else None,  # never a phone in a group
        files=files,
        rejected=rejected,
        media_group_id=message.media_group_id,
        locale=user.language_code,
        name=name,
        member=member,
    )


def speaker(chat: Chat, user: User) -> tuple[str, Member | None, str | None]:
    """(user key, member, name) of who wrote or pressed in ``chat``.

    In a private chat that is the person. In a group the chat itself is the user (its
    dialog, its role: a unit's inbox), and the person who acted is a member of it.
    """
    if chat.type == ChatType.PRIVATE:
        return str(user.id), None, user.first_name
    return str(chat.id), Member(str(user.id), user.full_name), chat.title


def _replies_to(message: Message, me: Me) -> bool:
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == me.id)


def _location(message: Message) -> GeoPoint | None:
    found = message.location or (message.venue.location if message.venue else None)
    return GeoPoint(found.latitude, found.longitude) if found else None


def _contact(message: Message, user_id: int) -> Contact | None:
    """Only the citizen's own number is kept: a forwarded card is someone else's."""
    card = message.contact
    if card is None or card.user_id != user_id:
        return None
    return Contact(card.phone_number, card.first_name)


def _files(message: Message) -> tuple[tuple[FileRef, ...], tuple[RejectedFile, ...]]:
    if message.photo:
        largest = max(
            message.photo, key=lambda size: (size.width * size.height, size.file_size or 0)
        )
        return (FileRef(largest.file_id, largest.file_size),), ()
    document = message.document
    if document is not None:
        if (document.mime_type or "").startswith("image/"):
            ref = FileRef(document.file_id, document.file_size, document.file_name, True)
            return (ref,), ()
        return (), (RejectedFile(PhotoProblem.UNSUPPORTED, document.file_name),)
    for name in OTHER_MEDIA:
        media = getattr(message, name)
        if media is not None:
            return (), (RejectedFile(PhotoProblem.UNSUPPORTED, getattr(media, "file_name", None)),)
    return (), ()


def _callback(update: Update) -> TelegramInput:
    query = update.callback_query
    assert query is not None
    message = query.message if isinstance(query.message, Message) else None  # else: too old
    press = ButtonPress(
        query_id=query.id,
        token=query.data or "",
        message_id=message.message_id if message else None,
        message_text=message.text if message else None,
        label=_label(message, query.data) if message else None,
    )
    presser = query.from_user
    chat = query.message.chat if query.message is not None else None
    user_key, member, name = speaker(chat or _private(presser), presser)
    return TelegramInput(
        kind=Kind.CALLBACK,
        update_id=update.update_id,
        user_key=user_key,
        chat_id=chat.id if chat is not None else presser.id,
        private=member is None,
        press=press,
        locale=presser.language_code,
        name=name,
        member=member,
    )


def _private(user: User) -> Chat:
    """A button too old to name its chat: the press is answered in the person's own chat."""
    return Chat(user.id, ChatType.PRIVATE)


def _label(message: Message, data: str | None) -> str | None:
    markup = message.reply_markup
    rows = markup.inline_keyboard if markup else ()
    return next((b.text for row in rows for b in row if b.callback_data == data), None)


def _membership(update: Update) -> TelegramInput:
    """The bot blocked or unblocked in a private chat, removed from or added to a group."""
    change = update.my_chat_member
    assert change is not None
    status = change.new_chat_member.status
    if change.chat.type == ChatType.PRIVATE:
        kind = {"kicked": Kind.BLOCKED, "member": Kind.UNBLOCKED}.get(status, Kind.IGNORED)
    elif change.chat.type == ChatType.CHANNEL:
        kind = Kind.IGNORED
    else:
        kind = Kind.BLOCKED if status in ("left", "kicked") else Kind.UNBLOCKED
    return TelegramInput(kind, update.update_id, str(change.chat.id), change.chat.id)


def merge_album(items: list[TelegramInput]) -> TelegramInput:
    """The items of one media group as one message: all files, the first caption."""
    first = items[0]
    text = next((item.text for item in items if item.text), None)
    command = next((item.command for item in items if item.command), None)
    return replace(
        first,
        text=text,
        command=command,
        files=tuple(ref for item in items for ref in item.files),
        rejected=tuple(bad for item in items for bad in item.rejected),
    )


def incoming(
    read: TelegramInput,
    update_key: str,
    received_at: datetime,
    files: tuple[PhotoRef | RejectedFile, ...] = (),
    choice: str | None = None,
) -> IncomingMessage:
    """The channel-neutral message, once files are fetched and the button is resolved."""
    return IncomingMessage(
        channel=Channel.TELEGRAM,
        user_key=read.user_key,
        update_id=update_key,
        received_at=received_at,
        text=read.text,
        command=read.command,
        choice=choice,
        location=read.location,
        photos=tuple(f for f in files if isinstance(f, PhotoRef)),
        rejected_files=read.rejected + tuple(f for f in files if isinstance(f, RejectedFile)),
        contact=read.contact,
        locale=read.locale,
        display_name=read.name,
        member=read.member,
        edited=read.kind is Kind.EDITED,
    )
