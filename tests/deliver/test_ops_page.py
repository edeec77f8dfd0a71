"""The Sources page shows recent fetches, deliveries and alert firings from the journal, failures first."""

from __future__ import annotations

from etl import journal
from tests.dashboard.conftest import app_test, loaded, settings, texts  # noqa: F401 - fixtures of the page tests


def test_sources_page_lists_fetches_and_deliveries_with_their_errors(loaded):  # noqa: F811
    db = loaded.db
    journal.record(db, "fetches", source="nbs", url="https://stats.example/a.html", status="saved", http_status=200,
                   bytes=1234, sha256="ab" * 32, saved_to="inbox/nbs/a.html")
    journal.record(db, "fetches", source="pboc", url="https://pboc.example/rss.xml", status="failed",
                   error="https://pboc.example/rss.xml: not an RSS/Atom feed (not well-formed XML at line 1, column 26); "
                         "check the feed URL.")
    journal.record(db, "fetches", source="nbs", url="https://stats.example/index.html", status="unchanged",
                   http_status=304)
    journal.record(db, "deliveries", target="ops-mail", kind="smtp", item="briefing:monthly_industry",
                   status="sent", attempts=1)
    at = app_test("screens/sources.py").run()
    assert not at.exception
    assert "抓取、推送与报警" in texts(at)
    # (the warehouse tables above may warn on their own, e.g. main's rejects query; ours is the last)
    assert at.warning[-1].value == "1 条失败"
    # headed and worded in Chinese (dashboard/table_text.py)
    fetches = next(d.value for d in at.dataframe if "来源" in d.value.columns and "网址" in d.value.columns)
    assert list(fetches["来源"]) == ["pboc", "nbs", "nbs"]  # the failure first, then newest first
    assert list(fetches["状态"]) == ["失败", "未变化", "已保存"]
    assert fetches["错误或提示"][0].endswith("check the feed URL.")
    deliveries = next(d.value for d in at.dataframe if "推送目标" in d.value.columns)
    assert list(deliveries[["推送目标", "状态", "尝试次数"]].itertuples(index=False, name=None)) == [
        ("ops-mail", "已发送", "1")]
