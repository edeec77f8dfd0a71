"""What `pulse serve` checks before it listens: who may reach it, and a sign-in that can work.

Without sign-in, an address other than loopback needs --allow-anonymous (and --allow-anonymous-load
for upload and load). With sign-in, the provider is asked before the app starts, so a wrong setting
stops `pulse serve` with one line naming it instead of failing at the first person's sign-in:
  - auth_metadata_url: fetched; it must be OpenID Connect metadata (issuer, endpoints);
  - auth_redirect_url: must end in /oauth2callback, and an http:// one must name the port (and, on
    loopback, a loopback host) that `pulse serve` binds; https:// is taken as a TLS proxy in front;
  - the provider's authorization endpoint is asked whether it accepts this client id and redirect
    URL (a 4xx answer means no), and its token endpoint is sent a made-up code with the client id
    and secret: `invalid_client` means the provider refuses them, `invalid_grant` means they are
    right (the code is not). Providers that answer otherwise are not judged, and serve starts.
The generated Streamlit `[auth]` secrets go to a private per-run folder (0600), never the repo.
"""

from __future__ import annotations

import base64
import json
import secrets
import tempfile
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import click

from etl.settings import Settings

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
CALLBACK = "/oauth2callback"  # the path Streamlit's st.login answers on
TIMEOUT_S = 5


class Refused(click.ClickException):
    """One line, then exit 1: what is wrong and which setting or flag fixes it."""


def is_loopback(host: str) -> bool:
    return host in LOOPBACK or host.startswith("127.")


def anonymous_role(settings: Settings, allow_anonymous: bool, allow_anonymous_load: bool) -> str:
    """The role everyone gets without sign-in; refuses an exposed address unless the flags allow it."""
    if is_loopback(settings.host):
        return "maintainer"  # one person on their own machine: the app as it always was
    if not allow_anonymous:
        raise Refused(f"pulse serve --host {settings.host} without sign-in lets anyone who reaches it use "
                      "the app; set auth_metadata_url (README \"Serving to your team\") or pass --allow-anonymous.")
    if allow_anonymous_load:
        click.echo(f"Warning: {settings.host} without sign-in: anyone who reaches it may query, upload and "
                   "load (--allow-anonymous-load).", err=True)
        return "maintainer"
    click.echo(f"Warning: {settings.host} without sign-in: anyone who reaches it may read and query; "
               "upload and load stay off (they need --allow-anonymous-load).", err=True)
    return "analyst"


def redirect_url(settings: Settings) -> str:
    return settings.auth_redirect_url or f"http://localhost:{settings.port}{CALLBACK}"


def check_signin(settings: Settings) -> dict:
    """The provider's metadata, after every check above passed; raises Refused naming the setting."""
    for name in ("auth_client_id", "auth_client_secret"):
        if not getattr(settings, name):
            raise Refused(f"{name} is not set; sign-in needs it (auth_metadata_url is set).")
    check_redirect_shape(settings)
    metadata = fetch_metadata(settings.auth_metadata_url)
    client_known = authorize_accepts(metadata, settings)
    secret_ok = token_endpoint_accepts(metadata, settings)
    if secret_ok is False and client_known is False:
        raise Refused(f"auth_client_id: the provider does not know client '{settings.auth_client_id}'.")
    if secret_ok is False:
        raise Refused("auth_client_secret: the provider refuses this client secret.")
    if client_known is False:
        raise Refused(f"auth_redirect_url: the provider refuses {redirect_url(settings)} for this client; "
                      "register it with the provider or correct the setting.")
    return metadata


def check_redirect_shape(settings: Settings) -> None:
    url = redirect_url(settings)
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path != CALLBACK:
        raise Refused(f"auth_redirect_url {url} must be http(s)://HOST:PORT{CALLBACK}.")
    if parts.scheme == "http":
        port = parts.port or 80
        if port != settings.port:
            raise Refused(f"auth_redirect_url {url} names port {port}, but pulse serve listens on {settings.port}.")
        if is_loopback(settings.host) and not is_loopback(parts.hostname):
            raise Refused(f"auth_redirect_url {url} names host {parts.hostname}, "
                          f"but pulse serve listens on {settings.host} only.")


def fetch_metadata(url: str) -> dict:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
            metadata = json.loads(response.read())
    except (OSError, ValueError) as exc:
        raise Refused(f"auth_metadata_url {url} does not answer ({_reason(exc)}).") from exc
    missing = [k for k in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
               if not isinstance(metadata, dict) or k not in metadata]
    if missing:
        raise Refused(f"auth_metadata_url {url} is not OpenID Connect metadata (no {missing[0]}).")
    return metadata


def authorize_accepts(metadata: dict, settings: Settings) -> bool | None:
    """False when the authorization endpoint refuses this client id or redirect URL (a 4xx)."""
    query = urllib.parse.urlencode({"response_type": "code", "client_id": settings.auth_client_id,
                                    "redirect_uri": redirect_url(settings), "scope": "openid",
                                    "state": "pulse-serve-check"})
    status = _status(urllib.request.Request(f"{metadata['authorization_endpoint']}?{query}"))
    return None if status is None else not 400 <= status < 500


def token_endpoint_accepts(metadata: dict, settings: Settings) -> bool | None:
    """False when the token endpoint answers invalid_client to this id and secret."""
    body = {"grant_type": "authorization_code", "code": "pulse-serve-check", "redirect_uri": redirect_url(settings)}
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    methods = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    if "client_secret_basic" in methods:
        pair = f"{urllib.parse.quote(settings.auth_client_id)}:{urllib.parse.quote(settings.auth_client_secret)}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    else:
        body |= {"client_id": settings.auth_client_id, "client_secret": settings.auth_client_secret}
    request = urllib.request.Request(metadata["token_endpoint"], urllib.parse.urlencode(body).encode(), headers)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S):
            return True
    except urllib.error.HTTPError as exc:
        try:
            error = json.loads(exc.read()).get("error")
        except (ValueError, AttributeError):
            return None
        return False if error == "invalid_client" else True if error == "invalid_grant" else None
    except OSError:
        return None


def _status(request: urllib.request.Request) -> int | None:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=TIMEOUT_S) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a redirect to the app is an answer, not a hop
        return None


def _reason(exc: Exception) -> str:
    reason = getattr(exc, "reason", None) or exc
    return str(reason).splitlines()[0] if str(reason) else type(exc).__name__


def write_secrets(settings: Settings) -> Path:
    """Streamlit's [auth] secrets in a private folder of this run (0700 folder, 0600 file)."""
    folder = Path(tempfile.mkdtemp(prefix="pulse-serve-"))
    path = folder / "secrets.toml"
    auth = {
        "redirect_uri": redirect_url(settings),
        "cookie_secret": settings.auth_cookie_secret or secrets.token_urlsafe(32),
        "client_id": settings.auth_client_id,
        "client_secret": settings.auth_client_secret,
        "server_metadata_url": settings.auth_metadata_url,
    }
    path.touch(mode=0o600)
    path.write_text("[auth]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in auth.items()), encoding="utf-8")
    tomllib.loads(path.read_text(encoding="utf-8"))  # JSON strings are TOML basic strings; make sure
    return path
