"""A real SMTP server (aiosmtpd) and a webhook receiver, both on loopback, for the delivery tests."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from PIL import Image

from tests.fetch.conftest import site  # noqa: F401 - the statistics site, for the schedule test
from tests.loopback import (
    Site,
    free_port,  # noqa: F401 - also imported from here by tests
    serve,
)


@dataclass
class Mailbox:
    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)  # (from, to, raw)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


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
    hooks = Site()
    hooks.add("/wecom?key=k1", handler=robot_ok)
    hooks.add("/feishu/hook/abc", handler=lambda b: (200, b'{"code": 0, "msg": "success"}'))
    hooks.add("/hook", handler=lambda b: (204, b""))
    hooks.add("/hook400", handler=lambda b: (400, b'{"error": "bad payload"}'))
    hooks.add("/wecom-refuses?key=bad", handler=lambda b: (200, b'{"errcode": 93000, "errmsg": "invalid webhook url"}'))
    with serve(hooks):
        yield hooks


def posted(receiver: Site, path: str) -> list[dict]:
    return [json.loads(r.body) for r in receiver.hits(path)]


def small_png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()
