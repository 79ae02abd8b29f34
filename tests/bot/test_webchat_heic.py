"""An iPhone photo (HEIC) uploaded to the web chat: its GPS is offered, a JPEG is shown."""

from __future__ import annotations

import hashlib

from aiohttp import FormData
from aiohttp.test_utils import TestClient

from bot.app import Services
from tests.bot.test_webchat_http import client, new_id, payloads, say  # noqa: F401
from tests.support.images import has_gps, heic, heic_bomb


async def upload_heic(
    client: TestClient,  # noqa: F811
    data: bytes,
    name: str,
) -> list[dict[str, object]]:
    form = FormData()
    form.add_field("id", new_id())
    form.add_field("file", data, filename=name, content_type="image/heic")
    response = await client.post("/api/chat/photos", data=form)
    assert response.status == 200, await response.text()
    return list((await response.json())["replies"])


async def test_a_heic_upload_offers_its_place_and_is_shown_as_jpeg(
    client: TestClient,  # noqa: F811
    services: Services,
) -> None:
    await say(client, text="Cống trước nhà tôi bị tắc, nước ngập lên tận vỉa hè")
    photo = heic((96, 72), gps=True)
    replies = await upload_heic(client, photo, "IMG_0042.HEIC")
    assert "report:photo_place" in payloads(replies)
    sha256 = hashlib.sha256(photo).hexdigest()
    original = services.media.original_path(sha256)
    assert original is not None and original.suffix == ".heic"
    assert original.read_bytes() == photo
    public = await client.get(f"/media/{sha256}")
    assert public.status == 200 and public.content_type == "image/jpeg"
    assert not has_gps(await public.read())


async def test_a_heic_bomb_upload_gets_a_clear_answer(
    client: TestClient,  # noqa: F811
) -> None:
    await say(client, text="Cống trước nhà tôi bị tắc, nước ngập lên tận vỉa hè")
    replies = await upload_heic(client, heic_bomb(9000, 9000), "IMG_0043.HEIC")
    texts = " ".join(str(reply["text"]) for reply in replies)
    assert "kích thước quá lớn" in texts and "IMG_0043.HEIC" in texts
