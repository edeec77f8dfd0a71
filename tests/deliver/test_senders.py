"""Each target kind against a real receiver on loopback: the exact payloads, and one line per failure."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import ssl
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from PIL import Image

from dashboard.deliver import Message, deliver, parse_targets
from etl import journal
from tests.deliver.conftest import Mailbox, posted, small_png
from tests.loopback import free_port

PNG = small_png()
MESSAGE = Message(item="alert:copper_drop:nf10_output:2025-09-30", subject="铜产量下降 (2025-09-30)",
                  markdown="### 铜产量下降\n> 十种有色金属产量 680.5 万吨, 环比 -5.2%", png=PNG,
                  png_name="nf10_output-2025-09-30.png")


def _targets(*entries: dict):
    return list(parse_targets([{"attempts": 2, "retry_delay": 0, **e} for e in entries]).values())


def test_chat_robots_and_a_generic_webhook_get_exactly_their_json(receiver, settings, tmp_path):
    targets = _targets(
        {"name": "wecom", "kind": "wecom", "url": receiver.url("/wecom?key=k1")},
        {"name": "feishu", "kind": "feishu", "url": receiver.url("/feishu/hook/abc"),
         "image_dir": str(tmp_path / "www"), "image_base_url": "https://pulse.example/img"},
        {"name": "hook", "kind": "webhook", "url": receiver.url("/hook"), "headers": {"X-Token": "t"},
         "template": '{"title": "$subject", "body": "$markdown", "png": "$png_base64", "id": "$item"}'},
    )
    results = deliver(settings.db, MESSAGE, targets)
    assert [r.line() for r in results] == ["wecom: sent", "feishu: sent", "hook: sent"]
    assert posted(receiver, "/wecom?key=k1") == [
        {"msgtype": "markdown", "markdown": {"content": MESSAGE.markdown}},
        {"msgtype": "image", "image": {"base64": base64.b64encode(PNG).decode(), "md5": hashlib.md5(PNG).hexdigest()}},
    ]
    assert posted(receiver, "/feishu/hook/abc") == [{"msg_type": "interactive", "card": {
        "header": {"title": {"tag": "plain_text", "content": MESSAGE.subject}},
        "elements": [{"tag": "markdown", "content": MESSAGE.markdown +
                      "\n[nf10_output-2025-09-30.png](https://pulse.example/img/nf10_output-2025-09-30.png)"}]}}]
    assert (tmp_path / "www" / "nf10_output-2025-09-30.png").read_bytes() == PNG
    assert posted(receiver, "/hook") == [{"title": MESSAGE.subject, "body": MESSAGE.markdown,
                                          "png": base64.b64encode(PNG).decode(), "id": MESSAGE.item}]
    assert receiver.hits("/hook")[0].headers["x-token"] == "t"


def test_dingtalk_signs_when_a_secret_is_set(receiver, settings, monkeypatch):
    receiver.add("/robot/send", handler=lambda b: (200, b'{"errcode":0,"errmsg":"ok"}'))
    monkeypatch.setenv("DING_SECRET", "SEC123")
    [target] = _targets({"name": "ding", "kind": "dingtalk", "url": receiver.url("/robot/send?access_token=x"),
                         "secret_env": "DING_SECRET"})
    assert [r.line() for r in deliver(settings.db, MESSAGE, [target])] == ["ding: sent"]
    [hit] = [r for r in receiver.requests if r.path.startswith("/robot/send")]
    query = dict(p.split("=", 1) for p in hit.path.split("?", 1)[1].split("&"))
    assert sorted(query) == ["access_token", "sign", "timestamp"]
    import hmac
    from urllib.parse import unquote
    expected = hmac.new(b"SEC123", f"{query['timestamp']}\nSEC123".encode(), hashlib.sha256).digest()
    assert base64.b64decode(unquote(query["sign"])) == expected
    assert json.loads(hit.body) == {"msgtype": "markdown", "markdown": {"title": MESSAGE.subject,
                                                                      "text": MESSAGE.markdown}}


def test_failures_are_one_line_each_retried_and_the_others_still_delivered(receiver, smtp, settings, tmp_path):
    controller, box = smtp
    dead_port = controller.port + 1 if controller.port < 65000 else controller.port - 1
    targets = _targets(
        {"name": "dead-mail", "kind": "smtp", "host": "127.0.0.1", "port": dead_port, "from": "pulse@plant.local",
         "to": ["ops@plant.local"], "timeout": 5},
        {"name": "hook400", "kind": "webhook", "url": receiver.url("/hook400"), "template": '{"t": "$subject"}'},
        {"name": "refused", "kind": "wecom", "url": receiver.url("/wecom-refuses?key=bad")},
        {"name": "mail", "kind": "smtp", "host": "127.0.0.1", "port": controller.port, "from": "pulse@plant.local",
         "to": ["ops@plant.local"]},
        {"name": "drop", "kind": "folder", "path": str(tmp_path / "drop")},
    )
    results = deliver(settings.db, MESSAGE, targets)
    assert [(r.target, r.status, r.attempts) for r in results] == [
        ("dead-mail", "failed", 2), ("hook400", "failed", 2), ("refused", "failed", 2), ("mail", "sent", 1),
        ("drop", "sent", 1)]
    assert results[0].error == (f"target 'dead-mail' (smtp): SMTP 127.0.0.1:{dead_port}: ConnectionRefusedError: "
                                "[Errno 111] Connection refused; check host, port, starttls/ssl and that the server "
                                "is reachable.")
    assert results[1].error == (f"target 'hook400' (webhook): {receiver.base}/hook400 answered 400 Bad Request "
                                "('{\"error\": \"bad payload\"}'); check the url and the payload template.")
    assert results[2].error == (f"target 'refused' (wecom): {receiver.base}/wecom-refuses refused the message "
                                "(errcode 93000: invalid webhook url); check the robot's key and security settings.")
    rows = journal.recent(settings.db, "deliveries")
    assert [(r["target"], r["status"], r["attempts"], r["error"]) for r in reversed(rows)] == [
        (r.target, r.status, r.attempts, r.error) for r in results]
    assert len(box.messages) == 1
    assert sorted(p.name for p in (tmp_path / "drop").iterdir()) == [
        "alert_copper_drop_nf10_output_2025-09-30.md", "alert_copper_drop_nf10_output_2025-09-30.png"]


def test_the_mail_has_the_png_inline_and_attached(smtp, settings):
    controller, box = smtp
    [target] = _targets({"name": "mail", "kind": "smtp", "host": "127.0.0.1", "port": controller.port,
                         "from": "pulse@plant.local", "to": ["ops@plant.local", "lead@plant.local"]})
    assert [r.line() for r in deliver(settings.db, MESSAGE, [target])] == ["mail: sent"]
    [(sender, rcpt, raw)] = box.messages
    assert (sender, rcpt) == ("pulse@plant.local", ["ops@plant.local", "lead@plant.local"])
    mail = message_from_bytes(raw, policy=policy.default)
    assert mail["Subject"] == MESSAGE.subject
    parts = [(p.get_content_type(), p.get_content_disposition(), p.get_filename()) for p in mail.walk()]
    assert parts == [("multipart/mixed", None, None), ("multipart/alternative", None, None),
                     ("text/plain", None, None), ("multipart/related", None, None), ("text/html", None, None),
                     ("image/png", "inline", "nf10_output-2025-09-30.png"),
                     ("image/png", "attachment", "nf10_output-2025-09-30.png")]
    html = next(p for p in mail.walk() if p.get_content_type() == "text/html").get_content()
    inline = next(p for p in mail.walk() if p.get_content_disposition() == "inline")
    assert f'src="cid:{inline["Content-ID"][1:-1]}"' in html
    for png in (p for p in mail.walk() if p.get_content_type() == "image/png"):
        assert png.get_content() == PNG
        assert Image.open(io.BytesIO(png.get_content())).size == (40, 20)


CERT = Path(__file__).resolve().parents[1] / "cases" / "deliver"


@pytest.fixture
def tls_smtp():
    """A loopback SMTP server that insists on STARTTLS before AUTH and knows one user."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(CERT / "loopback_test_only.crt", CERT / "loopback_test_only.key")
    box = Mailbox()

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"pulse", b"s3cret")
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself

    controller = Controller(box, hostname="127.0.0.1", port=free_port(), tls_context=context, require_starttls=True,
                            auth_require_tls=True, authenticator=authenticator)
    controller.start()
    try:
        yield controller, box
    finally:
        controller.stop()


@pytest.mark.parametrize(("password", "line"), [
    ("s3cret", "tls-mail: sent"),
    ("wrong", "tls-mail: failed: target 'tls-mail' (smtp): SMTP 127.0.0.1:{port} refused the login (535); check "
              "username and password_env."),
])
def test_starttls_and_login(password, line, tls_smtp, settings, monkeypatch):
    controller, box = tls_smtp
    monkeypatch.setenv("PULSE_TEST_SMTP_PASSWORD", password)
    [target] = _targets({"name": "tls-mail", "kind": "smtp", "host": "127.0.0.1", "port": controller.port,
                         "starttls": True, "cafile": str(CERT / "loopback_test_only.crt"), "username": "pulse",
                         "password_env": "PULSE_TEST_SMTP_PASSWORD", "from": "pulse@plant.local",
                         "to": ["ops@plant.local"]})
    assert [r.line() for r in deliver(settings.db, MESSAGE, [target])] == [line.format(port=controller.port)]
    assert len(box.messages) == (1 if password == "s3cret" else 0)
    [row] = journal.recent(settings.db, "deliveries")
    assert row["attempts"] == 1  # a refused login is not retried
