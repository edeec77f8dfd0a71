"""A statistics site on loopback: index pages, Chinese release pages (GBK, UTF-8), files, JSON, feeds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CASES
from tests.loopback import Site, serve

FETCH_CASES = CASES / "fetch"


def case(name: str) -> bytes:
    return (FETCH_CASES / name).read_bytes()


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    s.add("/nbs/index.html", case("release_index_utf8.html"), etag='"index-v1"')
    s.add("/nbs/202511/t20251114_1961234.html", case("release_gbk.html"), ctype="text/html")  # charset in <meta>
    s.add("/nbs/202510/t20251020_1960001.html", case("release_utf8.html"), last_modified="Mon, 20 Oct 2025 08:00:00 GMT")
    s.add("/nbs/files/P020251020_report.pdf", case("release_scanned_no_text.pdf"), ctype="application/pdf")
    s.add("/nbs/files/long.xlsx", (CASES / "tables" / "long.xlsx").read_bytes(),
          ctype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    s.add("/api/easyquery.htm?m=QueryData&dbcode=hgyd", case("nbs_easyquery_monthly.json"),
          ctype="application/json;charset=UTF-8", etag='W/"q1"')
    s.add("/pboc/rss.xml", case("pboc_feed_rss.xml"), ctype="application/rss+xml")
    s.add("/pboc/2025/1013.html", case("release_utf8.html"))
    with serve(s):
        yield s


def write_sources(path: Path, site: Site, body: str) -> Path:
    path.write_text(body.replace("{base}", site.base), encoding="utf-8")
    return path


DEFAULTS = """
[defaults]
timeout = 5
retries = 2
backoff = 0.05
host_delay = 0
"""
PAGE_LIST = """
[[source]]
name = "nbs"
kind = "page_list"
url = "{base}/nbs/index.html"
publisher = "国家统计局"
link_pattern = '/nbs/(\\d{6}/t\\d+_\\d+\\.html|files/.+\\.(pdf|xlsx))$'
"""
QUERY = """
[[source]]
name = "nbs_query"
kind = "json_table"
url = "{base}/api/easyquery.htm?m=QueryData&dbcode=hgyd"
publisher = "国家统计局"
[source.mapping.series]
"A020901" = "nf10_output"
"A020902" = { series = "nf10_output_ytd", unit = "万吨", ytd = true }
"""
NBS_SOURCES = DEFAULTS + PAGE_LIST + QUERY
