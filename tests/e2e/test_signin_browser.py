"""Sign-in in Debian's Chromium through a real OpenID Connect provider's login form, per role.

The provider (oidc-provider-mock) and `pulse serve` run on loopback; `pulse serve` is configured with
the example pulse.toml of README "Serving to your team" (only its ports changed to free ones).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from etl.pipeline import run_load
from etl.settings import PROJECT_ROOT, load_settings
from tests.auth.provider import running_provider, set_user, stop_group
from tests.e2e.conftest import CASES, wait_healthy
from tests.loopback import free_port

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)

USERS = {  # subject -> (groups claim, role, pages in the navigation)
    "vic@example.com": (None, "查看者", ["总览", "趋势", "工厂", "数据"]),
    "ali@example.com": (["pulse-analysts"], "分析员", ["总览", "趋势", "工厂", "数据", "SQL 查询"]),
    "maya@example.com": (["pulse-maintainers"], "维护员", ["总览", "趋势", "工厂", "数据", "SQL 查询", "简报"]),
}


def readme_example() -> str:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Serving to your team", 1)[1]
    return re.search(r"```toml\n(.*?)```", section, flags=re.S).group(1)


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    """(app base URL, provider base URL, settings) with sign-in configured as in the README."""
    root = tmp_path_factory.mktemp("team")
    provider_port, port = free_port(), free_port()
    config = root / "pulse.toml"
    config.write_text(readme_example().replace(":9400", f":{provider_port}").replace(":8501", f":{port}"))
    settings = load_settings(toml_path=config, db=root / "wh" / "pulse.duckdb", inbox=root / "inbox",
                             quarantine=root / "quarantine")
    settings.inbox.mkdir()
    shutil.copy(CASES / "reference_subset.csv", settings.inbox / "reference_subset.csv")
    run_load(settings)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
    env |= {"PULSE_CONFIG": str(config), "PULSE_INBOX": str(settings.inbox), "PULSE_QUARANTINE": str(settings.quarantine)}
    with running_provider(root / "provider.log", port=provider_port) as provider:
        for sub, (groups, _, _) in USERS.items():
            set_user(provider, sub, {"email": sub, **({"groups": groups} if groups else {})})
        log = root / "serve.log"
        with log.open("w") as out:
            process = subprocess.Popen([str(Path(sys.executable).with_name("pulse")), "serve", "--port", str(port),
                                        "--db", str(settings.db)], stdout=out, stderr=subprocess.STDOUT, env=env,
                                       cwd=PROJECT_ROOT, start_new_session=True)
        base = f"http://localhost:{port}"  # the redirect URL's origin: the sign-in cookie belongs to it
        try:
            wait_healthy(base, process, log)
            yield base, provider, settings
        finally:
            stop_group(process)


def sign_in(page: Page, base: str, sub: str) -> None:
    page.goto(f"{base}/")
    page.get_by_role("button", name="登录").click()
    page.locator("input[name=sub]").fill(sub)  # the provider's own login form
    page.get_by_role("button", name="Authorize").click()
    expect(page.locator("[data-testid=stSidebarNav]")).to_be_visible()


def nav(page: Page) -> list[str]:
    # each link reads "<icon name>\n\n<title>"
    return [s.strip().split("\n")[-1] for s in page.locator("[data-testid=stSidebarNav] a").all_inner_texts()]


@pytest.mark.parametrize("sub", list(USERS))
def test_sign_in_per_role_then_out(team, page, sub):
    base, _, settings = team
    _, role, pages = USERS[sub]
    sign_in(page, base, sub)
    sidebar = page.locator("[data-testid=stSidebar]")
    expect(sidebar).to_contain_text(f"已登录:{sub}({role})")
    assert nav(page) == pages
    if sub == "vic@example.com":  # no groups claim: viewer, and told why
        expect(sidebar).to_contain_text("您的登录信息中没有角色 (groups),因此只能查看。")

    page.goto(f"{base}/sources")  # upload and load: maintainers only
    expect(page.get_by_role("heading", name="数据来源与加载")).to_be_visible()
    load_button = page.get_by_role("button", name="运行加载")
    if role == "维护员":
        load_button.click()
        expect(page.get_by_text("操作记录", exact=True)).to_be_visible()  # the audit trail, with this load
        expect(page.locator("[data-testid=stDataFrame]").last).to_be_visible()
    else:
        expect(page.get_by_role("heading", name="数据来源与加载")).to_be_visible()
        assert load_button.count() == 0 and page.get_by_text("操作记录", exact=True).count() == 0

    for forbidden in [p for p, shown in (("sql", "SQL 查询"), ("briefing", "简报")) if shown not in pages]:
        page.goto(f"{base}/{forbidden}?q=SELECT%2042")  # a crafted URL opens nothing
        expect(page.get_by_role("heading", name="核心指标总览")).to_be_visible()
        assert page.locator("textarea").count() == 0
        assert page.get_by_role("heading", name="PNG 简报").count() == 0

    page.goto(f"{base}/")  # (Streamlit's "page not found" dialog of a refused URL closes)
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(re.compile(r"/oauth2/end_session"))  # Streamlit ends the provider's session too
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{base}/")
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    page.goto(f"{base}/sources")
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    assert page.get_by_role("heading", name="数据来源与加载").count() == 0
