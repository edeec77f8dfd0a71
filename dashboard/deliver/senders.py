"""One sender per target kind: SMTP, group-chat robots (WeCom, DingTalk, Feishu), a generic webhook,
a folder. Each raises SendError (one sentence: what happened, what to check) on failure."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import smtplib
import ssl
import time
import urllib.parse
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from string import Template

import httpx

from dashboard.deliver.message import Message
from dashboard.deliver.targets import Target


class SendError(Exception):
    pass


class SendRefused(SendError):
    """A refusal that retrying cannot change (wrong password)."""


def send(target: Target, message: Message) -> None:
    SENDERS[target.kind](target, message)


def send_smtp(target: Target, message: Message) -> None:
    host, port = target.get("host"), int(target.get("port", 465 if target.get("ssl") else 587))
    mail = _mail(target, message)
    timeout = float(target.get("timeout", 30))
    context = ssl.create_default_context(cafile=target.get("cafile"))  # cafile: a company CA, if any
    try:
        if target.get("ssl"):
            server = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            server = smtplib.SMTP(host, port, timeout=timeout)
        with server:
            if target.get("starttls") and not target.get("ssl"):
                server.starttls(context=context)
            if target.get("username"):
                server.login(target.get("username"), target.secret("password_env") or "")
            server.send_message(mail)
    except smtplib.SMTPAuthenticationError as exc:
        raise SendRefused(f"SMTP {host}:{port} refused the login ({exc.smtp_code}); check username and "
                        "password_env.") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise SendError(f"SMTP {host}:{port}: {type(exc).__name__}: {exc}; check host, port, starttls/ssl "
                        "and that the server is reachable.") from None


def _mail(target: Target, message: Message) -> EmailMessage:
    to = target.get("to")
    mail = EmailMessage()
    mail["Subject"], mail["From"] = message.subject, target.get("from")
    mail["To"] = ", ".join(to) if isinstance(to, list) else str(to)
    mail.set_content(message.text)
    if message.png is None:
        return mail
    cid = make_msgid(domain="pulse.local")
    mail.add_alternative(f"<html><body>{message.html}<p><img src=\"cid:{cid[1:-1]}\" alt=\"{message.png_name}\" "
                         f"style=\"max-width:100%\"></p></body></html>", subtype="html")
    mail.get_payload()[1].add_related(message.png, "image", "png", cid=cid, filename=message.png_name,
                                      disposition="inline")
    mail.add_attachment(message.png, maintype="image", subtype="png", filename=message.png_name)
    return mail


def _post(target: Target, payload: dict | str, url: str | None = None, headers: dict | None = None) -> httpx.Response:
    url = url or target.get("url")
    body = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    try:
        r = httpx.post(url, content=body.encode("utf-8"), timeout=float(target.get("timeout", 20)),
                       headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})})
    except httpx.HTTPError as exc:
        raise SendError(f"cannot reach {_safe(url)} ({type(exc).__name__}); check the url.") from None
    if r.status_code >= 300:
        raise SendError(f"{_safe(url)} answered {r.status_code} {r.reason_phrase} ({r.text[:120].strip()!r}); "
                        "check the url and the payload template.")
    return r


def _safe(url: str) -> str:
    """Robot URLs carry their key in the query: never print it."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _robot_ok(r: httpx.Response, code_key: str, url: str) -> None:
    """The robots answer 200 with an error code in the JSON (errcode / code) when they refuse."""
    try:
        answer = r.json()
    except ValueError:
        return
    code = answer.get(code_key, answer.get("StatusCode", 0)) if isinstance(answer, dict) else 0
    if code not in (0, None):
        text = answer.get("errmsg") or answer.get("msg") or ""
        raise SendError(f"{_safe(url)} refused the message ({code_key} {code}: {text}); check the robot's key "
                        "and security settings.")


def send_wecom(target: Target, message: Message) -> None:
    url = target.get("url")
    _robot_ok(_post(target, {"msgtype": "markdown", "markdown": {"content": message.markdown}}), "errcode", url)
    if message.png is not None:
        image = {"base64": base64.b64encode(message.png).decode("ascii"), "md5": hashlib.md5(message.png).hexdigest()}
        _robot_ok(_post(target, {"msgtype": "image", "image": image}), "errcode", url)


def _published_image(target: Target, message: Message) -> str:
    """DingTalk and Feishu robots show images by URL: drop the PNG where a web server serves it."""
    if message.png is None or not target.get("image_dir") or not target.get("image_base_url"):
        return ""
    folder = Path(target.get("image_dir"))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / message.png_name).write_bytes(message.png)
    return f"{target.get('image_base_url').rstrip('/')}/{urllib.parse.quote(message.png_name)}"


def send_dingtalk(target: Target, message: Message) -> None:
    url, text = target.get("url"), message.markdown
    if image := _published_image(target, message):
        text += f"\n\n![{message.png_name}]({image})"
    if secret := target.secret("secret_env"):  # the robot's "加签" security setting
        stamp = str(int(time.time() * 1000))
        digest = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
        url += f"{'&' if '?' in url else '?'}timestamp={stamp}&sign={urllib.parse.quote(base64.b64encode(digest))}"
    payload = {"msgtype": "markdown", "markdown": {"title": message.subject, "text": text}}
    _robot_ok(_post(target, payload, url=url), "errcode", url)


def send_feishu(target: Target, message: Message) -> None:
    content = message.markdown
    if image := _published_image(target, message):
        content += f"\n[{message.png_name}]({image})"
    payload: dict = {"msg_type": "interactive", "card": {
        "header": {"title": {"tag": "plain_text", "content": message.subject}},
        "elements": [{"tag": "markdown", "content": content}]}}
    if secret := target.secret("secret_env"):
        stamp = str(int(time.time()))
        sign = hmac.new(f"{stamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
        payload = {"timestamp": stamp, "sign": base64.b64encode(sign).decode(), **payload}
    _robot_ok(_post(target, payload), "code", target.get("url"))


def send_webhook(target: Target, message: Message) -> None:
    """A generic webhook: the target's template, with $subject, $markdown, $text, $item, $png_name and
    $png_base64 replaced by JSON-escaped values; the result must be JSON."""
    fields = {"subject": message.subject, "markdown": message.markdown, "text": message.text,
              "item": message.item, "png_name": message.png_name,
              "png_base64": base64.b64encode(message.png).decode("ascii") if message.png else ""}
    escaped = {k: json.dumps(v, ensure_ascii=False)[1:-1] for k, v in fields.items()}
    try:
        body = Template(target.get("template")).substitute(escaped)
        json.loads(body)
    except (KeyError, ValueError) as exc:
        raise SendError(f"the template is not valid ({type(exc).__name__}: {exc}); it must be JSON using "
                        f"only ${', $'.join(fields)}.") from None
    _post(target, body, headers=target.get("headers") or {})


def send_folder(target: Target, message: Message) -> None:
    folder = Path(target.get("path")).expanduser()
    stem = re.sub(r"[^\w.\-]+", "_", message.item).strip("_")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if message.png is not None:
            (folder / f"{stem}.png").write_bytes(message.png)
        (folder / f"{stem}.md").write_text(message.markdown + "\n", encoding="utf-8")
    except OSError as exc:
        raise SendError(f"cannot write into {folder} ({exc.strerror}); check the path and its permissions.") from None


SENDERS = {"smtp": send_smtp, "wecom": send_wecom, "dingtalk": send_dingtalk, "feishu": send_feishu,
           "webhook": send_webhook, "folder": send_folder}
