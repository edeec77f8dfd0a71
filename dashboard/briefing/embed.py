"""Place a chart-builder figure inside a box of a page figure (one Plotly figure for the whole page).

Each source figure keeps its traces, axes, shapes and annotations; its axes are renumbered and their
domains mapped into the box; `paper` coordinates become box coordinates; its legend becomes one
of the page's legends (legend, legend2, ...). Nothing of the chart code is copied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go

AXIS_KEY = re.compile(r"^([xy])axis(\d*)$")
AXIS_REF = re.compile(r"^([xy])(\d*)( domain)?$")
REMAPPED_AXIS_PROPS = ("anchor", "overlaying", "matches", "scaleanchor")
PAGE_LAYOUT_PROPS = ("bargap", "bargroupgap", "barmode")


@dataclass
class Box:
    """A rectangle in page paper coordinates (0..1, y up)."""

    x0: float
    y0: float
    x1: float
    y1: float

    def x(self, value: float) -> float:
        return self.x0 + value * (self.x1 - self.x0)

    def y(self, value: float) -> float:
        return self.y0 + value * (self.y1 - self.y0)


@dataclass
class Page:
    """Accumulates traces and layout for the whole page; `figure()` builds it once at the end."""

    width: int
    height: int
    layout: dict[str, Any] = field(default_factory=dict)
    data: list[dict[str, Any]] = field(default_factory=list)
    shapes: list[dict[str, Any]] = field(default_factory=list)
    annotations: list[dict[str, Any]] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=lambda: {"x": 0, "y": 0, "legend": 0})

    def box(self, left: float, top: float, right: float, bottom: float) -> Box:
        """Pixels from the top-left corner -> paper box."""
        return Box(left / self.width, 1 - bottom / self.height, right / self.width, 1 - top / self.height)

    def px_x(self, px: float) -> float:
        return px / self.width

    def px_y(self, px: float) -> float:
        return 1 - px / self.height

    def new_axis(self, letter: str) -> str:
        self.counters[letter] += 1
        n = self.counters[letter]
        return letter if n == 1 else f"{letter}{n}"

    def new_legend(self) -> str:
        self.counters["legend"] += 1
        n = self.counters["legend"]
        return "legend" if n == 1 else f"legend{n}"

    def figure(self, **layout: Any) -> go.Figure:
        full = {**self.layout, **layout, "shapes": self.shapes, "annotations": self.annotations}
        for unused in ("xaxis", "yaxis"):  # a page without charts must not draw a default grid
            full.setdefault(unused, {"visible": False})
        return go.Figure({"data": self.data, "layout": full}, skip_invalid=False)


def _axis_key(axis_id: str) -> str:
    letter, number = axis_id[0], axis_id[1:]
    return f"{letter}axis{number}"


def embed(page: Page, fig: go.Figure, box: Box, legend: dict[str, Any] | None = None) -> dict[str, str]:
    """Add `fig` to `page` inside `box`; returns the axis-id mapping (source id -> page id).

    legend: page-level legend settings (position in page paper coordinates) or None to hide it.
    """
    spec = fig.to_plotly_json()
    layout: dict[str, Any] = spec.get("layout", {})
    traces: list[dict[str, Any]] = [dict(t) for t in spec.get("data", [])]
    ids: list[str] = []
    for key in layout:
        if (m := AXIS_KEY.match(key)) and f"{m.group(1)}{m.group(2)}" not in ids:
            ids.append(m.group(1) + m.group(2))
    for trace in traces:
        if "domain" in trace or trace.get("type") in ("table", "pie", "indicator"):
            continue
        for letter in ("x", "y"):
            axis = trace.get(f"{letter}axis", letter)
            if axis not in ids:
                ids.append(axis)
    mapping = {axis: page.new_axis(axis[0]) for axis in sorted(ids, key=lambda a: (a[0], len(a), a))}
    for axis, new in mapping.items():
        props = dict(layout.get(_axis_key(axis), {}))
        lo, hi = props.get("domain", [0, 1])
        props["domain"] = [box.x(lo), box.x(hi)] if axis[0] == "x" else [box.y(lo), box.y(hi)]
        for prop in REMAPPED_AXIS_PROPS:
            if isinstance(props.get(prop), str) and props[prop] in mapping:
                props[prop] = mapping[props[prop]]
        if props.get("anchor") != "free" and props.get("anchor") not in mapping.values():
            other = "y" if axis[0] == "x" else "x"
            props["anchor"] = mapping.get(other, next((v for k, v in mapping.items() if k[0] == other), "free"))
        if props.get("anchor") == "free" and "position" in props:
            props["position"] = box.x(props["position"]) if axis[0] == "y" else box.y(props["position"])
        page.layout[_axis_key(new)] = props
    legend_id = page.new_legend() if legend is not None else None
    hide = layout.get("showlegend") is False or legend is None
    for trace in traces:
        if "domain" in trace or trace.get("type") in ("table", "pie", "indicator"):
            dom = trace.get("domain", {})
            xs, ys = dom.get("x", [0, 1]), dom.get("y", [0, 1])
            trace["domain"] = {"x": [box.x(xs[0]), box.x(xs[1])], "y": [box.y(ys[0]), box.y(ys[1])]}
            if trace.get("type") == "table":
                continue
        else:
            trace["xaxis"] = mapping[trace.get("xaxis", "x")]
            trace["yaxis"] = mapping[trace.get("yaxis", "y")]
        if hide:
            trace["showlegend"] = False
        elif legend_id:
            trace["legend"] = legend_id
    page.data.extend(traces)
    if legend_id and legend is not None:
        page.layout[legend_id] = {**legend}
    for key in PAGE_LAYOUT_PROPS:
        if key in layout:
            page.layout.setdefault(key, layout[key])
    for shape in layout.get("shapes", []):
        page.shapes.append(_move(dict(shape), box, mapping, ("x0", "x1"), ("y0", "y1")))
    for note in layout.get("annotations", []):
        page.annotations.append(_move(dict(note), box, mapping, ("x",), ("y",)))
    return mapping


def _ref(ref: str, mapping: dict[str, str]) -> str:
    m = AXIS_REF.match(ref)
    if not m:
        return ref
    axis = m.group(1) + m.group(2)
    return mapping.get(axis, axis) + (m.group(3) or "")


def _move(item: dict[str, Any], box: Box, mapping: dict[str, str], xs: tuple[str, ...], ys: tuple[str, ...]) -> dict[str, Any]:
    for letter, keys, to in (("x", xs, box.x), ("y", ys, box.y)):
        ref = item.get(f"{letter}ref", letter)  # Plotly's default: the first axis
        if ref == "paper":
            for key in keys:
                if isinstance(item.get(key), int | float):
                    item[key] = to(item[key])
        else:
            item[f"{letter}ref"] = _ref(ref, mapping)
    return item
