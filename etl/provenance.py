"""Who published a number, in words a person recognises: a publisher name for a URL's host, and the
masthead or source line of a bulletin. Hosts not in the table are shown as the host itself (honest:
we do not guess a name)."""

from __future__ import annotations

import re
from urllib.parse import urlparse

# host suffix -> publisher; the longest matching suffix wins (stats.gov.cn before gov.cn)
KNOWN_PUBLISHERS: dict[str, str] = {
    "stats.gov.cn": "国家统计局",
    "scio.gov.cn": "国务院新闻办公室",
    "gov.cn": "中国政府网",
    "miit.gov.cn": "工业和信息化部",
    "pbc.gov.cn": "中国人民银行",
    "chinania.org.cn": "中国有色金属工业协会",
    "cnmn.com.cn": "中国有色网",
    "chinalco.com.cn": "中国铝业集团",
    "people.cn": "人民网",
    "people.com.cn": "人民日报",
    "globaltimes.cn": "环球时报",
    "chinadaily.com.cn": "中国日报",
    "chinadailyasia.com": "中国日报亚洲版",
    "chinadailyhk.com": "中国日报香港版",
    "ecns.cn": "中国新闻网",
    "gmw.cn": "光明网",
    "sina.com.cn": "新浪财经",
    "caixin.com": "财新",
    "shine.cn": "上海日报",
    "zmdnews.cn": "驻马店日报",
    "sinotf.com": "中国贸易金融网",
    "cinic.org.cn": "中国工业新闻网",
    "marketscreener.com": "MarketScreener",
    "metalquote.de": "MetalQuote",
    "bir.org": "Bureau of International Recycling",
    "brecorder.com": "Business Recorder",
    "sputniknews.cn": "卫星通讯社",
    "sge.com.cn": "上海黄金交易所",
    "shfe.com.cn": "上海期货交易所",
}

_URL = re.compile(r"https?://[^\s\"'<>，。）)]+")
# a source line (来源：国家统计局) or a masthead credit (中国铝业报社出版 / 主办：…)
_SOURCE_LINE = re.compile(r"(?:来源|信息来源|资料来源|主办单位|主办)\s*[:：]\s*([^\s，,。|/]{2,30})")
_MASTHEAD = re.compile(r"^\s*([^\s，,。]{2,20}?)(?:出版|主办)\s*$", re.MULTILINE)


def host_of(url: str | None) -> str | None:
    if not url:
        return None
    host = urlparse(url.strip()).hostname
    return host.lower() if host else None


def publisher_of(url: str | None) -> str | None:
    """The publisher a URL belongs to: a known name, else its host (None without a URL)."""
    host = host_of(url)
    if host is None:
        return None
    hits = [s for s in KNOWN_PUBLISHERS if host == s or host.endswith("." + s)]
    if hits:
        return KNOWN_PUBLISHERS[max(hits, key=len)]
    return re.sub(r"^(?:www|m|wap)\.", "", host)  # the site, not its mobile or www mirror


def from_text(text: str, head_lines: int = 40) -> tuple[str | None, str | None]:
    """(publisher, url) a bulletin states in its head: a source line, a masthead, a first URL."""
    head = "\n".join(text.splitlines()[:head_lines])
    publisher = None
    if hit := _SOURCE_LINE.search(head):
        publisher = hit.group(1)
    elif hit := _MASTHEAD.search(head):
        publisher = hit.group(1)
    url_hit = _URL.search(head)
    url = url_hit.group(0) if url_hit else None
    return publisher or publisher_of(url), url
