"""Display names of series where space is short: the catalog's short_zh/short_en (etl.catalog),
falling back to the full name. The full name goes to the tooltip. And the English names of the
subjects series are about (companies as they name themselves: 中铝股份 = Chalco), from the catalog."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.i18n import series_name
from etl.catalog import load_catalog
from etl.errors import PulseError


@st.cache_data(show_spinner=False, max_entries=4)
def _short_names(path: str, mtime: float) -> dict[str, tuple[str, str]]:
    try:
        catalog = load_catalog(Path(path))
    except PulseError:  # a broken catalog stops `pulse load`, not the cards: full names then
        return {}
    return {s.id: (s.short_zh, s.short_en) for s in catalog.series.values() if s.short_zh or s.short_en}


def short_names(catalog: Path) -> dict[str, tuple[str, str]]:
    """series_id -> (short_zh, short_en), re-read when the catalog file changes."""
    try:
        mtime = catalog.stat().st_mtime
    except OSError:
        return {}
    return _short_names(str(catalog), mtime)


def short_name(series_id: str, name_zh: str | None, name_en: str | None, lang: str,
               shorts: dict[str, tuple[str, str]]) -> str:
    short_zh, short_en = shorts.get(series_id, ("", ""))
    return series_name(short_zh or None, short_en or None, lang) or series_name(name_zh, name_en, lang)


@st.cache_data(show_spinner=False, max_entries=4)
def _subjects(path: str, mtime: float) -> dict[str, tuple[str, str]]:
    try:
        return dict(load_catalog(Path(path)).subjects_en)
    except PulseError:
        return {}


def subject_name(subject: str, lang: str, catalog: Path, short: bool = True) -> str:
    """云铝股份 -> Yunnan Aluminium in English (the catalog's [subjects]); as written in Chinese or
    where the catalog has no English name."""
    if lang != "en":
        return subject
    try:
        names = _subjects(str(catalog), catalog.stat().st_mtime)
    except OSError:
        return subject
    full, brief = names.get(subject, (subject, subject))
    return brief if short else full
