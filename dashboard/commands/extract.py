"""`pulse extract FILE...`: print every statistic found in bulletin files (no warehouse needed)."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from dashboard.commands._common import settings_for
from etl.bulletin import extract_document, to_dict
from etl.bulletin.documents import read_document
from etl.bulletin.eval import evaluate, read_gold, report_lines
from etl.bulletin.explain import explain
from etl.catalog import load_catalog
from etl.sources.base import SourceError

FIELDS = ("doc", "quote", "subject", "indicator", "series_id", "period_label", "period_start", "period_end",
          "value", "unit", "value_canonical", "unit_canonical", "change_pct", "change_kind", "index_base")


def extract_files(paths: list[Path], published, catalog,
                  explained: list[str] | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """Records of every readable file, and one error line per file that cannot be read.

    With `explained`, one line per number in each text is appended to it: the rule that kept or dropped it.
    """
    records: list[dict[str, Any]] = []
    errors: list[str] = []
    for path in paths:
        try:
            text = read_document(path)
        except SourceError as exc:
            errors.append(str(exc))
            continue
        except OSError as exc:
            errors.append(f"{path.name} cannot be read ({exc.strerror}); check the path and its permissions.")
            continue
        doc = extract_document(path.name, text, published, catalog)
        records += [to_dict(doc, r, catalog) for r in doc.records]
        if explained is not None:
            explained += [f"{path.name}:{e.line}\t{e.number}\t{e.verdict}\t{e.rule}\t«{e.context}»"
                          for e in explain(doc.extraction, doc.records)]
    return records, errors


def _print(records: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "jsonl":
        for r in records:
            click.echo(json.dumps({k: r[k] for k in FIELDS}, ensure_ascii=False))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=FIELDS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    else:
        table = Table("doc", "line", "indicator", "period", "value", "unit", "change", "series")
        for r in records:
            period = r["period_label"] or ""
            if r["period_end"]:
                period += f" ({r['period_start'] or '…'}..{r['period_end']})"
            change = f"{r['change_pct']:+g}% {r['change_kind']}" if r["change_pct"] is not None else ""
            table.add_row(r["doc"], str(r["line"]), r["indicator"][:30], period, r["value"], r["unit"],
                          change, r["series_id"] or "")
        Console(width=200).print(table)


@click.command(name="extract")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--published", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Publication date (YYYY-MM-DD) for 今年/去年 when the text has no masthead date.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "table"]), default="jsonl", show_default=True)
@click.option("--eval", "gold", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="A gold CSV (doc,value,unit,period_end,…): print recall, precision, misses and false hits.")
@click.option("--explain", "explain_", is_flag=True, default=False,
              help="For every number in the text: which rule kept it (and how it was read) or which rule dropped it.")
def command(files: tuple[Path, ...], published, fmt: str, gold: Path | None, explain_: bool) -> None:
    """Print every statistic in bulletin files (.txt .md .html .pdf; UTF-8 or GBK).

    Exit codes: 0 every file read; 1 some file could not be read (the others are still printed).
    """
    settings = settings_for()
    catalog = load_catalog(settings.catalog)
    explained: list[str] | None = [] if explain_ else None
    records, errors = extract_files(list(files), published.date() if published else None, catalog, explained)
    for line in errors:
        click.echo(f"Error: {line}", err=True)
    if explained is not None:
        for line in explained:
            click.echo(line)
    elif gold is not None:
        for line in report_lines(evaluate(records, read_gold(gold))):
            click.echo(line)
    else:
        _print(records, fmt)
    sys.exit(1 if errors else 0)
