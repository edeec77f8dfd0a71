"""`pulse fetch` against plain httpx GETs of the same pages, and the alert check against a no-op load.

A loopback site lists 50 release pages (20 KB each) on one index page. The baseline fetches the
51 URLs with a bare httpx.Client; `pulse fetch` does the same plus link parsing, type checks,
hashing, atomic saves and one journal row per URL. A second fetch (index answers 304) should cost
about one request. The alert check (five rules, one of each kind, with journal writes) is compared
with a `pulse load` that finds nothing new, since it runs after every load.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

import httpx

from bench import best_of
from etl.alerts import evaluate
from etl.alerts.rules import Rule
from etl.fetch.config import Source
from etl.fetch.http import Client, Options
from etl.fetch.run import run_fetch
from etl.pipeline import run_load
from etl.settings import PROJECT_ROOT, load_settings
from tests.loopback import Site, serve

PAGES, PAGE_BYTES = 50, 20_000
RULES = [
    Rule("level", "level", ("nf10_output",), above=1.0),
    Rule("yoy", "yoy", ("nf10_output", "nf10_output_ytd"), below=100.0),
    Rule("change", "change", ("copper_spot_price_avg",), pct=0.0),
    Rule("stale", "stale", ("nf10_output", "industrial_va_growth"), grace_days=0),
    Rule("spc", "spc", ()),
]


def _site() -> Site:
    site = Site()
    items = "".join(f'<li><a href="/r/t2025_{i}.html">第{i}号公告</a><span>2025-10-{i % 28 + 1:02d}</span></li>'
                    for i in range(PAGES))
    site.add("/index.html", f"<html><body><ul>{items}</ul></body></html>", etag='"v1"')
    body = "<html><body>" + "十种有色金属产量。" * (PAGE_BYTES // 27) + "</body></html>"
    for i in range(PAGES):
        site.add(f"/r/t2025_{i}.html", body)
    return site


def _fetch_bench(work: Path) -> tuple[float, float, float]:
    with serve(_site()) as site:
        source = Source("bench", "page_list", site.url("/index.html"), Options(host_delay=0),
                        link_pattern=__import__("re").compile(r"t2025_\d+\.html$"), max_links=PAGES)
        urls = [site.url("/index.html")] + [site.url(f"/r/t2025_{i}.html") for i in range(PAGES)]

        def baseline() -> None:
            with httpx.Client() as client:
                for url in urls:
                    client.get(url).raise_for_status()

        def settings(run: str):
            return load_settings(db=work / run / "wh" / "pulse.duckdb", inbox=work / run / "inbox",
                                 quarantine=work / run / "q")

        runs = iter(range(100))

        def first() -> None:
            with Client() as client:
                run_fetch(settings(f"first{next(runs)}"), [source], client)

        base = best_of(3, baseline)
        full = best_of(3, first)
        with Client() as client:
            run_fetch(settings("again"), [source], client)
        again = best_of(3, lambda: run_fetch(settings("again"), [source]))
    return base, full, again


def _alert_bench(work: Path) -> tuple[float, float]:
    inbox = work / "ref" / "inbox"
    shutil.copytree(PROJECT_ROOT / "data" / "inbox" / "reference", inbox / "reference")
    s = load_settings(db=work / "ref" / "wh" / "pulse.duckdb", inbox=inbox, quarantine=work / "ref" / "q")
    run_load(s)
    noop = best_of(3, lambda: run_load(s))

    def check() -> None:
        (s.db.with_name("journal.sqlite")).unlink(missing_ok=True)
        evaluate(s.db, RULES, today=date(2026, 1, 1))

    return noop, best_of(3, check)


def main() -> str:
    work = Path(tempfile.mkdtemp(prefix="pulse-bench-fetch-"))
    try:
        base, full, again = _fetch_bench(work)
        noop, alerts = _alert_bench(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return (
        "## Fetch and alerts (`bench/bench_fetch.py`)\n\n"
        f"Loopback site: one index listing {PAGES} release pages of {PAGE_BYTES // 1000} KB; best of 3.\n\n"
        "| what | seconds | ratio |\n| --- | --- | --- |\n"
        f"| bare httpx GET of the {PAGES + 1} URLs (baseline) | {base:.3f} | 1.0 |\n"
        f"| `pulse fetch`, first run ({PAGES} pages saved, {PAGES + 1} journal rows) | {full:.3f} | {full / base:.2f}× |\n"
        f"| `pulse fetch`, second run (index 304, nothing downloaded) | {again:.3f} | {again / base:.2f}× |\n"
        f"| `pulse load` with nothing new, reference warehouse (baseline) | {noop:.3f} | 1.0 |\n"
        f"| alert check after a load: 5 rules, one per kind, journal writes | {alerts:.3f} | {alerts / noop:.2f}× |\n"
    )


if __name__ == "__main__":
    print(main())
