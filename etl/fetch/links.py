"""Finding what to download: links on an index page (lxml.html) and entries of an RSS/Atom feed (lxml.etree)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from email.utils import parsedate_to_datetime
from urllib.parse import urldefrag, urljoin

from lxml import etree, html

from etl.fetch.http import FetchError, Response

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
DATE = re.compile(r"(20\d{2}|19\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


@dataclass(frozen=True)
class Link:
    url: str
    title: str
    published: date | None


def decode_html(response: Response) -> str:
    """The page's text: the HTTP charset, else the <meta> charset, else UTF-8, else GB18030 (GBK)."""
    declared = response.charset
    if declared is None and (m := META_CHARSET.search(response.content[:4096])):
        declared = m.group(1).decode("ascii").lower()
    if declared in ("gbk", "gb2312", "gb_2312-80"):
        declared = "gb18030"  # a superset: pages labelled GB2312 routinely use GBK characters
    for encoding in (declared, "utf-8", "gb18030"):
        if not encoding:
            continue
        try:
            return response.content.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise FetchError(f"{response.url}: the page is neither UTF-8 nor GBK; check it in a browser.")


def page_links(response: Response, pattern: re.Pattern[str]) -> list[Link]:
    """Links whose absolute URL matches `pattern`, in page order, each once; the title is the link
    text (or its title attribute) and the date the first one written in the link's list item/row."""
    text = decode_html(response)
    if not text.strip():
        return []
    tree = html.fromstring(text)
    links, seen = [], set()
    for a in tree.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = urldefrag(urljoin(response.url, href)).url
        if url in seen or not pattern.search(url):
            continue
        seen.add(url)
        title = " ".join((a.get("title") or a.text_content()).split())
        links.append(Link(url, title, _date_near(a)))
    return links


def _date_near(a: html.HtmlElement) -> date | None:
    for node in (a, a.getparent()):
        if node is None:
            continue
        if found := find_date(node.text_content()):
            return found
    return None


def find_date(text: str) -> date | None:
    match = DATE.search(text or "")
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def feed_links(response: Response) -> list[Link]:
    """Entries of an RSS 2.0 / RSS 1.0 / Atom feed, newest as the feed lists them."""
    try:
        root = etree.fromstring(response.content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        raise FetchError(f"{response.url}: not an RSS/Atom feed (not well-formed XML at line {line}, "
                         f"column {column}); check the feed URL.") from None
    items = [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname in ("item", "entry")]
    if not items and etree.QName(root).localname not in ("rss", "feed", "RDF"):
        raise FetchError(f"{response.url}: XML but not an RSS/Atom feed (root <{etree.QName(root).localname}>); "
                         "check the feed URL.")
    links = []
    for item in items:
        url = _entry_link(item)
        if url:
            links.append(Link(urljoin(response.url, url), _child_text(item, "title"),
                              _feed_date(_child_text(item, "pubDate", "published", "updated", "date"))))
    return links


def _child_text(item: etree._Element, *names: str) -> str:
    for child in item:
        if isinstance(child.tag, str) and etree.QName(child).localname in names:
            return " ".join("".join(child.itertext()).split())
    return ""


def _entry_link(item: etree._Element) -> str:
    for child in item:
        if not isinstance(child.tag, str) or etree.QName(child).localname != "link":
            continue
        if child.get("href") and child.get("rel", "alternate") in ("alternate", "enclosure"):
            return child.get("href")
        if (child.text or "").strip():
            return child.text.strip()
    return ""


def _feed_date(text: str) -> date | None:
    if not text:
        return None
    try:
        return parsedate_to_datetime(text).date()  # RSS: RFC 822
    except (TypeError, ValueError, IndexError):
        return find_date(text)  # Atom / dc:date: ISO 8601
