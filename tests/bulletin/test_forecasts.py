"""Values in the future tense are forecasts: marked in the indicator, never mapped to actuals."""

from __future__ import annotations

from datetime import date

from etl.bulletin import extract_document
from etl.catalog import load_catalog
from etl.settings import Settings
from tests.conftest import CASES


def test_future_tense_marks_forecasts_and_ended_periods_stay_actuals():
    text = (CASES / "bulletin" / "forecast_future_tense.txt").read_text(encoding="utf-8")
    catalog = load_catalog(Settings().catalog)
    doc = extract_document("forecast_future_tense.txt", text, None, catalog)
    found = {r.signed_value: r for r in doc.records}
    assert doc.published == date(2025, 11, 20)
    assert "预计" not in found["1085.3"].indicator and "预计" not in found["3700"].indicator
    assert "预计" in found["1460"].indicator and "预计" in found["3000"].indicator
    # actuals map to their series; the forecast of the same series does not
    by_value = {r["value"]: r["series_id"] for r in (_to_dict(doc, r, catalog) for r in doc.records)}
    assert by_value["1085.3"] == "refined_copper_output_ytd"
    assert by_value["3700"] == "primary_aluminium_output_ytd"
    assert by_value["1460"] is None


def _to_dict(doc, record, catalog):
    from etl.bulletin import to_dict

    return to_dict(doc, record, catalog)
