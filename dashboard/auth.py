"""Who is using the app and what they may do: sign-in (st.login), roles, the guard, the audit trail.

Three roles, each including the one before: viewer (pages, downloads), analyst (+ the SQL page and
saved queries), maintainer (+ upload, load, review of held values, briefings, the audit view).
With sign-in on, the role comes from a claim in the ID token (mapped by `auth_roles_map`) or from a
roles file of e-mail addresses. Without sign-in everyone is "local" with `anonymous_role`, which
`pulse serve` sets from the address it binds (README "Serving to your team").

The guard runs in the page script itself: navigation hides what a role may not use, and `require`
refuses it again server-side, so a crafted URL or session state does not open it.
"""

from __future__ import annotations

import logging
import sqlite3
import tomllib
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from dashboard import data
from dashboard.i18n import t
from etl import journal
from etl.settings import Settings

log = logging.getLogger("pulse.dashboard")

ROLES = ("viewer", "analyst", "maintainer")
LOCAL_USER = "local"
# the least role each restricted action needs; anything not listed is open to every viewer
NEEDS = {
    "sql": "analyst", "saved_queries": "analyst",
    "upload": "maintainer", "load": "maintainer", "review": "maintainer",
    "briefing": "maintainer", "audit": "maintainer", "operations": "maintainer",
}


@dataclass(frozen=True)
class Who:
    name: str  # e-mail (or subject) when signed in, "local" without sign-in
    role: str | None  # None: sign-in is on and nobody is signed in
    signed_in: bool = False
    notice: str | None = None  # i18n key explaining a fallback to viewer


def allows(role: str | None, action: str) -> bool:
    """Whether `role` may do `action` (a key of NEEDS, or a role name meaning 'at least this role')."""
    if role not in ROLES:
        return False
    needed = NEEDS.get(action, action if action in ROLES else "viewer")
    return ROLES.index(role) >= ROLES.index(needed)


def signin_enabled(settings: Settings) -> bool:
    return bool(settings.auth_metadata_url)


# ---- roles from the ID token or the roles file (pure: AppTest and unit tests call these) ----------
def role_from_claims(claims: Mapping, settings: Settings) -> tuple[str, str | None]:
    """(role, notice key or None). Missing or unknown values fall back to viewer, with a notice."""
    if settings.auth_roles_file:
        return _role_from_file(str(claims.get("email") or ""), Path(settings.auth_roles_file))
    raw = claims.get(settings.auth_roles_claim)
    if raw is None or raw == "" or raw == []:
        return "viewer", "role_claim_missing"
    values = raw if isinstance(raw, list | tuple) else [raw]
    mapping = settings.auth_roles_map or {r: r for r in ROLES}
    granted = [mapping[str(v)] for v in values if mapping.get(str(v)) in ROLES]
    if not granted:
        return "viewer", "role_claim_unmapped"
    return max(granted, key=ROLES.index), None


def read_roles_file(path: Path) -> dict[str, str]:
    """e-mail (lower case) -> its highest role, from `maintainer = ["a@x", ...]` lines."""
    with path.open("rb") as fh:
        table = tomllib.load(fh)
    unknown = sorted(set(table) - set(ROLES))
    if unknown:
        raise ValueError(f"{path}: unknown role '{unknown[0]}'; use viewer, analyst or maintainer.")
    roles: dict[str, str] = {}
    for role in ROLES:  # later (higher) roles overwrite lower ones
        for email in table.get(role, []):
            roles[str(email).strip().lower()] = role
    return roles


def _role_from_file(email: str, path: Path) -> tuple[str, str | None]:
    role = read_roles_file(path).get(email.strip().lower())
    return (role, None) if role else ("viewer", "role_not_in_file")


# ---- the current user ------------------------------------------------------------------------------
def current() -> Who:
    settings = data.settings()
    if not signin_enabled(settings):
        role = settings.anonymous_role if settings.anonymous_role in ROLES else "viewer"
        return Who(LOCAL_USER, role)
    if not st.user.is_logged_in:
        return Who("", None)
    claims = st.user.to_dict()
    role, notice = role_from_claims(claims, settings)
    return Who(str(claims.get("email") or claims.get("sub") or "?"), role, True, notice)


def may(action: str) -> bool:
    return allows(current().role, action)


def require(action: str) -> None:
    """Stop this page script unless the current user may do `action`: the server-side guard."""
    who = current()
    if not allows(who.role, action):
        from dashboard import ui

        st.error(t("not_allowed", ui.lang(), role=who.role or "—", action=action))
        st.stop()


def audit(action: str, detail: str = "") -> None:
    """One audit row (user, time, action, what) in the journal beside the warehouse."""
    try:
        journal.record(data.settings().db, "audit", user=current().name or "?", action=action, detail=detail)
    except (sqlite3.Error, OSError):  # the action itself goes on; the log says why no row was written
        log.exception("could not write the audit row for %s", action)


# ---- sign-in screens -------------------------------------------------------------------------------
@st.cache_data(ttl=15, show_spinner=False)
def provider_answers(metadata_url: str) -> bool:
    """Whether the provider's metadata URL answers now (checked before sending anyone there)."""
    try:
        with urllib.request.urlopen(metadata_url, timeout=3) as response:
            return response.status == 200
    except (OSError, ValueError):
        return False


def signin_page() -> None:
    """The only page before sign-in: a button to the provider, or why sign-in is unavailable."""
    from dashboard import ui

    lang = ui.lang()
    st.title(t("signin_title", lang))
    settings = data.settings()
    if not provider_answers(settings.auth_metadata_url):
        st.warning(t("signin_unavailable", lang, url=settings.auth_metadata_url))
        st.button(t("signin_retry", lang), key="signin_retry", on_click=provider_answers.clear)
        return
    st.caption(t("signin_intro", lang))
    st.button(t("signin_button", lang), key="signin", type="primary", on_click=st.login)


def sidebar(who: Who, lang: str) -> None:
    if not who.signed_in:
        if who.role is not None:
            st.sidebar.caption(t("no_signin", lang, role=t(f"role_{who.role}", lang)))
        return
    st.sidebar.caption(t("signed_in_as", lang, user=who.name, role=t(f"role_{who.role}", lang)))
    if who.notice:
        st.sidebar.info(t(who.notice, lang, claim=data.settings().auth_roles_claim))
    st.sidebar.button(t("signout", lang), key="signout", on_click=st.logout, type="tertiary")
