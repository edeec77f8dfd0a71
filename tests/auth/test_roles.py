"""Roles from the ID token or a roles file; navigation and the in-page guard per role (AppTest, at.user)."""

from __future__ import annotations

import pytest

from dashboard.auth import allows, read_roles_file, role_from_claims
from dashboard.i18n import t
from etl import journal
from etl.settings import PROJECT_ROOT, load_settings
from tests.dashboard.conftest import app_test, texts
from tests.loopback import free_port

SCREENS = PROJECT_ROOT / "dashboard" / "screens"
GROUPS = {"auth_roles_claim": "groups", "auth_roles_map": {"pulse-analysts": "analyst", "pulse-admins": "maintainer"}}


@pytest.mark.parametrize(("claims", "role", "notice"), [
    ({"groups": ["staff", "pulse-analysts"]}, "analyst", None),
    ({"groups": ["pulse-analysts", "pulse-admins"]}, "maintainer", None),  # the highest role wins
    ({"groups": "pulse-admins"}, "maintainer", None),  # a single value, not a list
    ({"email": "a@example.com"}, "viewer", "role_claim_missing"),
    ({"groups": []}, "viewer", "role_claim_missing"),
    ({"groups": ["staff"]}, "viewer", "role_claim_unmapped"),
])
def test_role_from_claim(claims, role, notice):
    assert role_from_claims(claims, load_settings(**GROUPS)) == (role, notice)


def test_claim_holding_role_names_without_a_map():
    assert role_from_claims({"roles": ["analyst"]}, load_settings()) == ("analyst", None)
    assert role_from_claims({"roles": ["admin"]}, load_settings()) == ("viewer", "role_claim_unmapped")


def test_roles_file(tmp_path):
    path = tmp_path / "roles.toml"
    path.write_text('maintainer = ["Li.Wei@example.com"]\nanalyst = ["ana@example.com", "li.wei@example.com"]\n')
    settings = load_settings(auth_roles_file=str(path))
    assert role_from_claims({"email": "li.wei@EXAMPLE.com"}, settings) == ("maintainer", None)
    assert role_from_claims({"email": "ana@example.com"}, settings) == ("analyst", None)
    assert role_from_claims({"email": "x@example.com"}, settings) == ("viewer", "role_not_in_file")
    path.write_text('admins = ["a@example.com"]\n')
    with pytest.raises(ValueError, match=r"roles.toml: unknown role 'admins'; use viewer, analyst or maintainer\."):
        read_roles_file(path)


@pytest.mark.parametrize(("role", "may", "may_not"), [
    ("viewer", [], ["sql", "saved_queries", "upload", "load", "review", "briefing", "audit", "operations"]),
    ("analyst", ["sql", "saved_queries"], ["upload", "load", "review", "briefing", "audit", "operations"]),
    ("maintainer", ["sql", "upload", "load", "review", "briefing", "audit", "operations"], []),
    (None, [], ["viewer", "sql"]),
])
def test_what_each_role_may_do(role, may, may_not):
    assert [a for a in may + may_not if allows(role, a)] == may


def signed_in(email: str, *groups: str, page: str | None = None):
    at = app_test(lang="en")
    at.user = {"is_logged_in": True, "email": email, "sub": email, **({"groups": list(groups)} if groups else {})}
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


NAV = {"viewer": ([], ["sql", "briefing"]), "analyst": (["sql"], ["briefing"]),
       "maintainer": (["sql", "briefing"], [])}


@pytest.mark.parametrize(("groups", "role"), [((), "viewer"), (("pulse-analysts",), "analyst"),
                                              (("pulse-admins",), "maintainer")])
def test_navigation_per_role(loaded, signin_on, groups, role):
    at = signed_in("u@example.com", *groups)
    shown, hidden = NAV[role]
    for name in shown:
        at.switch_page(f"screens/{name}.py")  # registered: no error
    for name in hidden:
        with pytest.raises(ValueError, match=rf"Could not find a navigation page for '[^']*/screens/{name}\.py'"):
            at.switch_page(f"screens/{name}.py")
    assert f"Signed in as u@example.com ({role})" in texts(at)


def test_no_role_claim_is_viewer_with_notice(loaded, signin_on):
    at = signed_in("nobody@example.com")
    assert [i.value for i in at.sidebar.info] == [
        "Your sign-in carries no role (groups), so you are a viewer. Ask your administrator for more."]


@pytest.mark.parametrize(("screen", "action"), [("sql.py", "sql"), ("briefing.py", "briefing")])
def test_page_script_refuses_a_viewer_itself(loaded, signin_on, screen, action):
    """The guard is in the page: run on its own (as a crafted URL or state would reach it), it stops."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(SCREENS / screen), default_timeout=60)
    at.user = {"is_logged_in": True, "email": "v@example.com", "groups": ["staff"]}
    at.session_state["lang"] = "en"
    at.session_state["sql_text"] = "SELECT 42"  # crafted state opens nothing either
    at.query_params["q"] = "SELECT 42"
    at.run()
    assert [e.value for e in at.error] == [f"Your role (viewer) may not use this ({action})."]
    assert not at.text_area and not at.button
    assert journal.recent(loaded.db, "audit") == []  # and nothing ran


OPS_TITLE = t("ops_title", "en")


def test_sources_actions_for_maintainers_only(loaded, signin_on):
    viewer = signed_in("v@example.com", "staff", page="screens/sources.py")
    assert "src_load" not in [b.key for b in viewer.button] and "Audit trail" not in texts(viewer)
    assert OPS_TITLE not in texts(viewer)  # fetches, deliveries and alert firings: maintainers only
    keeper = signed_in("m@example.com", "pulse-admins", page="screens/sources.py")
    keeper.button(key="src_load").click().run()
    assert not keeper.exception
    row = journal.recent(loaded.db, "audit")[0]
    assert (row["user"], row["action"], row["detail"]) == ("m@example.com", "load", str(loaded.inbox))
    assert "Audit trail" in texts(keeper) and OPS_TITLE in texts(keeper)
    shown = keeper.dataframe[-1].value
    assert (shown["User"][0], shown["Action"][0]) == ("m@example.com", "load")  # headed in English


def test_sql_run_is_audited_with_the_user(loaded, signin_on):
    at = signed_in("ana@example.com", "pulse-analysts", page="screens/sql.py")
    at.text_area(key="sql_text").set_value("SELECT 41 + 1 AS answer").run()
    at.button(key="run").click().run()
    row = journal.recent(loaded.db, "audit")[0]
    assert (row["user"], row["action"], row["detail"]) == ("ana@example.com", "sql", "SELECT 41 + 1 AS answer")


def test_without_signin_the_user_is_local(loaded):
    at = app_test(page="screens/sources.py", lang="en")
    at.run()
    at.button(key="src_load").click().run()
    assert journal.recent(loaded.db, "audit")[0]["user"] == "local"
    assert "Runs without sign-in: everyone is maintainer." in texts(at)


def test_provider_down_is_a_page_not_a_traceback(loaded, monkeypatch):
    url = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    monkeypatch.setenv("PULSE_AUTH_METADATA_URL", url)
    at = app_test(lang="en")
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert [w.value for w in at.warning] == [
        f"Sign-in is unavailable: the identity provider ({url}) does not answer. Try again later or tell your "
        "administrator."]
    assert [b.key for b in at.button] == ["signin_retry"]


def test_signed_out_sees_only_the_signin_page(loaded, signin_on):
    at = app_test(lang="en")
    at.user = {"is_logged_in": False}
    at.run()
    assert [b.key for b in at.button] == ["signin"] and [t.value for t in at.title] == ["Sign in to Pulse"]
    with pytest.raises(ValueError, match=r"Could not find a navigation page for '[^']*/screens/overview\.py'"):
        at.switch_page("screens/overview.py")


def test_a_click_from_a_session_whose_role_was_taken_away_runs_nothing(loaded, signin_on):
    """The Run button's callback runs before the page's guard; it checks the role itself."""
    at = signed_in("ana@example.com", "pulse-analysts", page="screens/sql.py")
    at.text_area(key="sql_text").set_value("SELECT 42").run()
    at.user = {"is_logged_in": True, "email": "ana@example.com", "sub": "ana@example.com", "groups": ["staff"]}
    at.button(key="run").click().run()
    assert journal.recent(loaded.db, "audit") == []
    assert "result" not in at.session_state
