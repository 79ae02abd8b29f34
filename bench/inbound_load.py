"""The inbound benchmark's load: Vietnamese free-text reports posted to a webhook.

``python -m bench.inbound_load --url URL --fake URL --first-chat N`` posts ``--count``
Telegram updates, each from its own chat (chat ids from ``--first-chat``), and prints one
JSON line: how many were answered, the rate (messages over the seconds from the first
post to the last reply), and latency percentiles (from a post's start until the first
reply to its chat reached the fake Bot API; both clocks are this machine's monotonic
clock). With ``--rate`` the posts go out at that steady pace (open loop), else as fast
as ``--concurrency`` requests in flight allow.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import time
from typing import Any

import aiohttp

PROBLEMS = (
    "Đèn đường bị hỏng, tối om cả đoạn", "Cống thoát nước bị tắc, nước tràn lên mặt đường",
    "Rác thải chất đống mấy ngày chưa ai dọn, bốc mùi rất khó chịu",
    "Ổ gà to giữa đường, xe máy đi qua rất nguy hiểm",
    "Cây xanh bị gãy cành sau mưa, đổ ra lòng đường",
    "Nước sinh hoạt bị cúp từ sáng đến giờ", "Vỉa hè bị lấn chiếm làm chỗ buôn bán",
    "Có người đổ trộm xà bần ra bãi đất trống", "Đường ngập sâu sau cơn mưa chiều nay",
    "Biển báo giao thông bị đổ nghiêng", "Tiếng ồn karaoke đến khuya không ngủ được",
    "Dây điện bị võng thấp sát đầu người đi đường",
)
PLACES = (
    "trên đường Lê Lợi", "gần chợ Đông Ba", "ở kiệt 12 Phan Đình Phùng",
    "đầu cầu Trường Tiền", "trước trường tiểu học Phú Hòa", "đường Nguyễn Huệ",
    "khu vực phường Vỹ Dạ", "gần cửa Thượng Tứ", "trên đường Hùng Vương",
    "đường Trần Hưng Đạo đoạn gần cầu Gia Hội", "hẻm 45 Nguyễn Trãi", "phường Thuận Hóa",
)
ENDINGS = ("", " Mong các anh chị xử lý sớm giúp.", " Nhờ phường kiểm tra giúp dân với ạ.",
           " Tình trạng này kéo dài cả tuần rồi.")  # fmt: skip


def reports(count: int) -> list[str]:
    """``count`` realistic reports, the same list on every run."""
    every = list(itertools.product(PROBLEMS, PLACES, ENDINGS))
    random.Random(15).shuffle(every)
    combos = itertools.cycle(every)
    return [f"{problem} {place}.{ending}" for problem, place, ending in
            itertools.islice(combos, count)]  # fmt: skip


def update(update_id: int, chat: int, text: str) -> dict[str, Any]:
    """A Telegram update: a private text message from ``chat``."""
    person = {"id": chat, "is_bot": False, "first_name": "Dân", "language_code": "vi"}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text, "from": person,
        "chat": {"id": chat, "type": "private", "first_name": "Dân"},
    }}  # fmt: skip


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Post every update, wait for the replies, and measure."""
    texts = reports(args.count)
    chats = [args.first_chat + i for i in range(args.count)]
    started: dict[int, float] = {}
    statuses: dict[int, int] = {}
    headers = {"X-Telegram-Bot-Api-Secret-Token": args.secret} if args.secret else {}
    gate = asyncio.Semaphore(args.concurrency)
    connector = aiohttp.TCPConnector(limit=args.concurrency * 2)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def post(index: int) -> None:
            async with gate:
                chat = chats[index]
                started[chat] = time.monotonic()
                body = update(args.first_chat + index, chat, texts[index])
                async with session.post(args.url, json=body, headers=headers) as response:
                    statuses[response.status] = statuses.get(response.status, 0) + 1

        tasks = []
        begin = time.monotonic()
        for index in range(args.count):
            if args.rate:
                await asyncio.sleep(max(0.0, begin + index / args.rate - time.monotonic()))
            tasks.append(asyncio.create_task(post(index)))
        await asyncio.gather(*tasks)
        replies = await wait_for_replies(session, args.fake, set(chats), args.timeout)
    latencies = [replies[c] - started[c] for c in chats if c in replies]
    first, last = min(started.values()), max(replies.values(), default=time.monotonic())
    return {
        "sent": args.count, "answered": len(latencies), "statuses": statuses,
        "seconds": round(last - first, 3),
        "rate": round(len(latencies) / (last - first), 1) if latencies else 0.0,
        "offered_rate": args.rate or None,
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1) if latencies else None,
        "max_ms": round(max(latencies) * 1000, 1) if latencies else None,
    }  # fmt: skip


async def wait_for_replies(
    session: aiohttp.ClientSession, fake: str, chats: set[int], timeout: float
) -> dict[int, float]:
    """When each chat got its first reply; waits until all did, or ``timeout`` passed."""
    deadline = time.monotonic() + timeout
    while True:
        async with session.get(f"{fake}/stats") as response:
            stats = await response.json()
        found = {int(c): at for c, at in stats["first_reply"].items() if int(c) in chats}
        if len(found) == len(chats) or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.2)


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--fake", required=True)
    parser.add_argument("--secret", default="")
    parser.add_argument("--first-chat", type=int, default=10_000_000)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rate", type=float, default=0.0)
    parser.add_argument("--timeout", type=float, default=300.0)
    print(json.dumps(asyncio.run(run(parser.parse_args()))), flush=True)


if __name__ == "__main__":
    main()
