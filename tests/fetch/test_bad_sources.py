"""Each bad source gives one line naming it and what to check; the other sources still arrive."""

from __future__ import annotations

import pytest

from etl import journal
from etl.fetch.config import ConfigError, load_sources
from etl.fetch.run import run_fetch
from tests.fetch.conftest import case, write_sources

HEAD = """
[defaults]
timeout = 1
retries = 1
backoff = 0.01
host_delay = 0
"""


def _fetch(tmp_path, settings, site, body: str):
    sources, errors = load_sources(write_sources(tmp_path / "sources.toml", site, HEAD + body))
    assert errors == []
    return {o.source: o for o in run_fetch(settings, sources)}


BAD = {
    "html_not_pdf": (
        '[[source]]\nname = "report"\nkind = "file"\nexpect = "pdf"\nurl = "{base}/files/report.pdf"\n',
        lambda s: s.add("/files/report.pdf", "<!DOCTYPE html><html><body>请登录</body></html>"),
        "source 'report': {base}/files/report.pdf: answered an HTML page where a PDF file was expected "
        "(often an error or login page); check the link in the browser.",
    ),
    "redirect_loop": (
        '[[source]]\nname = "loop"\nkind = "file"\nurl = "{base}/a"\n',
        lambda s: (s.add("/a", location="/b", status=302), s.add("/b", location="/a", status=301)),
        "source 'loop': {base}/a: redirect loop ({base}/a -> {base}/b -> {base}/a); check the URL in "
        "sources.toml (the site may need a login or cookies).",
    ),
    "oversize_streamed": (
        '[[source]]\nname = "big"\nkind = "file"\nmax_bytes = 10000\nurl = "{base}/big.csv"\n',
        lambda s: s.add("/big.csv", ctype="text/csv", stream=1_000_000),
        "source 'big': {base}/big.csv: the answer passed the size limit (10,000 bytes) and was stopped; "
        "check the link or raise max_bytes for this source.",
    ),
    "oversize_declared": (
        '[[source]]\nname = "big"\nkind = "file"\nmax_bytes = 10000\nurl = "{base}/big.csv"\n',
        lambda s: s.add("/big.csv", b"1," * 6000, ctype="text/csv"),
        "source 'big': {base}/big.csv: 12,000 bytes is over the size limit (10,000); check the link or "
        "raise max_bytes for this source.",
    ),
    "feed_not_xml": (
        '[[source]]\nname = "pboc"\nkind = "feed"\nurl = "{base}/rss.xml"\n',
        lambda s: s.add("/rss.xml", case("not_xml_feed.xml"), ctype="application/rss+xml"),
        "source 'pboc': {base}/rss.xml: not an RSS/Atom feed (not well-formed XML at line 1, "
        "column 26); check the feed URL.",
    ),
    "feed_is_some_other_xml": (
        '[[source]]\nname = "pboc"\nkind = "feed"\nurl = "{base}/rss.xml"\n',
        lambda s: s.add("/rss.xml", '<?xml version="1.0"?><error><code>403</code></error>', ctype="text/xml"),
        "source 'pboc': {base}/rss.xml: XML but not an RSS/Atom feed (root <error>); check the feed URL.",
    ),
    "server_error": (
        '[[source]]\nname = "down"\nkind = "file"\nurl = "{base}/data.csv"\n',
        lambda s: s.add("/data.csv", "a,b\n", ctype="text/csv", fail_times=99),
        "source 'down': {base}/data.csv: the server answered 500 after 2 attempt(s); check that the site is "
        "up and the URL still exists.",
    ),
    "slow_answer": (
        '[[source]]\nname = "slow"\nkind = "file"\nretries = 0\nurl = "{base}/slow.csv"\n',
        lambda s: s.add("/slow.csv", "a,b\n", ctype="text/csv", delay=3),
        "source 'slow': {base}/slow.csv: no answer within 1 s (timeout) after 1 attempt(s); check that the "
        "site is up and the URL still exists.",
    ),
    "not_found": (
        '[[source]]\nname = "gone"\nkind = "file"\nurl = "{base}/gone.csv"\n',
        lambda s: None,
        "source 'gone': {base}/gone.csv: the server answered 404 Not Found; check the URL in sources.toml.",
    ),
}


@pytest.mark.parametrize("quirk", BAD)
def test_a_bad_source_is_one_line_and_the_good_one_still_arrives(quirk, site, settings, tmp_path):
    body, prepare, expected = BAD[quirk]
    prepare(site)
    good = '[[source]]\nname = "pboc_ok"\nkind = "feed"\nurl = "{base}/pboc/rss.xml"\n'
    outcomes = _fetch(tmp_path, settings, site, body + good)
    [bad] = [o for name, o in outcomes.items() if name != "pboc_ok"]
    assert bad.errors == [expected.replace("{base}", site.base)]
    assert bad.saved == []
    assert [p.name for p in outcomes["pboc_ok"].saved] == ["1013.html"]
    [failed] = journal.recent(settings.db, "fetches", 10, "status = 'failed'")
    assert failed["source"] == bad.source and failed["error"] == expected.replace("{base}", site.base).split(": ", 1)[1]


def test_retries_ride_out_a_flaky_server_and_redirects_are_followed(site, settings, tmp_path):
    site.add("/flaky.csv", "series_id,period_start\n", ctype="text/csv", fail_times=2)
    site.add("/moved.csv", location="/flaky.csv", status=301)
    body = '[[source]]\nname = "flaky"\nkind = "file"\nretries = 2\nurl = "{base}/moved.csv"\n'
    outcome = _fetch(tmp_path, settings, site, body)["flaky"]
    assert outcome.errors == []
    assert [p.read_text() for p in outcome.saved] == ["series_id,period_start\n"]
    assert [r.path for r in site.requests] == ["/moved.csv", "/flaky.csv"] * 3


def test_a_file_is_saved_again_only_when_it_changes(site, settings, tmp_path):
    route = site.add("/monthly.csv", "v1\n", ctype="text/csv")  # a server without validators
    body = '[[source]]\nname = "monthly"\nkind = "file"\nurl = "{base}/monthly.csv"\n'
    first = _fetch(tmp_path, settings, site, body)["monthly"]
    same = _fetch(tmp_path, settings, site, body)["monthly"]
    route.body = b"v2\n"
    changed = _fetch(tmp_path, settings, site, body)["monthly"]
    assert (len(first.saved), same.saved, same.unchanged, len(changed.saved)) == (1, [], 1, 1)
    assert sorted(p.read_text() for p in (settings.inbox / "monthly").iterdir()) == ["v1\n", "v2\n"]


def test_a_page_list_with_last_modified_asks_conditionally(site, settings, tmp_path):
    site.routes["/nbs/index.html"].etag = None
    site.routes["/nbs/index.html"].last_modified = "Fri, 14 Nov 2025 02:00:00 GMT"
    body = '[[source]]\nname = "nbs"\nkind = "page_list"\nlink_pattern = "t\\\\d+_\\\\d+\\\\.html$"\nurl = "{base}/nbs/index.html"\n'
    assert len(_fetch(tmp_path, settings, site, body)["nbs"].saved) == 2
    again = _fetch(tmp_path, settings, site, body)["nbs"]
    assert (again.saved, again.errors) == ([], [])
    assert site.hits("/nbs/index.html")[-1].headers["if-modified-since"] == "Fri, 14 Nov 2025 02:00:00 GMT"


@pytest.mark.parametrize(("body", "message"), [
    ('[[source]]\nname = "x"\nkind = "ftp"\nurl = "{base}/"\n', "source 'x': kind 'ftp' is not one of page_list, feed, json_table, file."),
    ('[[source]]\nname = "x"\nkind = "file"\nurl = "{base}/"\nlink_pattern = "a"\n',
     "source 'x': unknown key(s) link_pattern for kind file; allowed: backoff, enabled, expect, file_name, "
     "host_delay, kind, max_bytes, max_redirects, name, publisher, retries, timeout, url."),
    ('[[source]]\nname = "x"\nkind = "json_table"\nurl = "{base}/"\n',
     "source 'x': a json_table needs [source.mapping.series] mapping indicator codes to catalog series ids."),
])
def test_a_misconfigured_source_is_skipped_with_one_line(body, message, site, tmp_path):
    good = '[[source]]\nname = "ok"\nkind = "file"\nurl = "{base}/ok.csv"\n'
    sources, errors = load_sources(write_sources(tmp_path / "s.toml", site, body + good))
    assert ([s.name for s in sources], errors) == (["ok"], [message])


def test_a_sources_file_with_an_unknown_table_is_refused(tmp_path):
    (tmp_path / "s.toml").write_text("[[sources]]\nname = 'x'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"s\.toml: unknown table\(s\) sources; use \[defaults\] and \[\[source\]\]\.$"):
        load_sources(tmp_path / "s.toml")


def test_too_many_redirects_is_one_line(site, settings, tmp_path):
    for i in range(1, 6):
        site.add(f"/r{i}", location=f"/r{i + 1}", status=302)
    body = '[[source]]\nname = "hops"\nkind = "file"\nmax_redirects = 3\nurl = "{base}/r1"\n'
    assert _fetch(tmp_path, settings, site, body)["hops"].errors == [
        f"source 'hops': {site.base}/r1: more than 3 redirects (last {site.base}/r5); check the URL or raise "
        "max_redirects."]


def test_a_gbk_index_page_gives_chinese_titles_and_dates(site, settings, tmp_path):
    from etl.fetch.http import Client, Options
    from etl.fetch.links import page_links

    site.add("/gbk/index.html", case("release_index_gbk.html"), ctype="text/html")  # charset only in <meta>
    with Client() as client:
        response = client.get(site.url("/gbk/index.html"), Options(host_delay=0), "html")
    import re
    links = page_links(response, re.compile(r"t\d+_\d+\.html$"))
    assert [(link.url, link.title, str(link.published)) for link in links] == [
        (site.url("/gbk/202511/t20251114_1961234.html"), "2025年10月份规模以上工业增加值增长4.9%", "2025-11-14"),
        (site.url("/gbk/202510/t20251020_1960001.html"), "2025年9月份有色金属行业运行情况", "2025-10-20"),
    ]


def test_requests_to_one_host_wait_host_delay(site):
    from etl.fetch.http import Client, Options

    now, slept = [100.0], []

    def sleep(seconds: float) -> None:  # a clock the test controls: no real waiting
        slept.append(round(seconds, 3))
        now[0] += seconds

    site.add("/a.csv", "a\n", ctype="text/csv")
    with Client(sleep=sleep, clock=lambda: now[0]) as client:
        for _ in range(3):
            client.get(site.url("/a.csv"), Options(host_delay=2.5))
            now[0] += 1.0  # one second passes between the requests
    assert slept == [1.5, 1.5]


def test_when_the_index_changes_only_the_new_link_is_fetched(site, settings, tmp_path):
    body = '[[source]]\nname = "nbs"\nkind = "page_list"\nlink_pattern = "t\\\\d+_\\\\d+\\\\.html$"\nurl = "{base}/nbs/index.html"\n'
    assert [p.name for p in _fetch(tmp_path, settings, site, body)["nbs"].saved] == [
        "t20251114_1961234.html", "t20251020_1960001.html"]
    index = site.routes["/nbs/index.html"]
    index.body = index.body.replace(b'<ul class="list-content">', '<ul class="list-content"><li><a href="./202512/'
                                    't20251215_1962000.html">2025年11月份能源生产情况</a><span>2025-12-15</span></li>'
                                    .encode())
    index.etag = '"index-v2"'
    site.add("/nbs/202512/t20251215_1962000.html", "<html><body><p>2025年11月份能源生产情况</p></body></html>")
    before = len(site.requests)
    again = _fetch(tmp_path, settings, site, body)["nbs"]
    assert [p.name for p in again.saved] == ["t20251215_1962000.html"]
    assert [r.path for r in site.requests[before:]] == ["/nbs/index.html", "/nbs/202512/t20251215_1962000.html"]
    [row] = journal.recent(settings.db, "fetches", 1, "status = 'saved'")
    assert (row["title"], row["published"], row["page_url"]) == (
        "2025年11月份能源生产情况", "2025-12-15", site.url("/nbs/index.html"))
