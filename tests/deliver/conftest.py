"""A real SMTP server (aiosmtpd) and a webhook receiver, both on loopback, for the delivery tests."""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from PIL import Image

from tests.loopback import Site, serve


@dataclass
class Mailbox:
    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)  # (from, to, raw)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Controller, Mailbox]]:
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, box
    finally:
        controller.stop()


def robot_ok(body: bytes) -> tuple[int, bytes]:
    return 200, b'{"errcode": 0, "errmsg": "ok"}'


@pytest.fixture
def receiver() -> Iterator[Site]:
    site = Site()
    site.add("/wecom?key=k1", handler=robot_ok)
    site.add("/feishu/hook/abc", handler=lambda b: (200, b'{"code": 0, "msg": "success"}'))
    site.add("/hook", handler=lambda b: (204, b""))
    site.add("/hook400", handler=lambda b: (400, b'{"error": "bad payload"}'))
    site.add("/wecom-refuses?key=bad", handler=lambda b: (200, b'{"errcode": 93000, "errmsg": "invalid webhook url"}'))
    with serve(site):
        yield site


def posted(site: Site, path: str) -> list[dict]:
    return [json.loads(r.body) for r in site.hits(path)]


def small_png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()
