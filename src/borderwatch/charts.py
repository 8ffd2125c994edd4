"""SVG charts for the report: pure functions from data to a complete, self-contained `<svg>` string.

No JavaScript, no external fonts, images or stylesheets: the SVG can be inlined in an HTML report, saved as a
file or opened offline. Every chart carries `role="img"`, a `<title>` and a `<desc>` that says in words what
the chart shows, and every piece of text passed in is escaped, because labels come from news articles and
are untrusted. Colours are the Okabe–Ito palette (distinguishable with the common colour-vision
deficiencies); where colour carries meaning a second cue (dash, word, shape) carries it too.
See docs/charts.md for how to read each chart.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources

from borderwatch.errors import TheatreError

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
# Okabe & Ito (2008), ordered so the first colours are the most distinct from each other on white;
# yellow comes last because thin yellow marks vanish on a white page.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#F0E442")
OTHER_COLOUR = "#999999"
OTHER_LABEL = "Other"
INK = "#222222"
MUTED = "#666666"
GRID = "#e3e3e3"
CONTESTED = "#D55E00"
UNCONTESTED = "#0072B2"

WIDTH = 720
TITLE_BAND = 30
FONT_SIZE = 12
SMALL = 11
# Average advance of a sans-serif glyph as a share of the font size; used to fit labels without a font
# engine. 0.6 over-estimates typical mixed-case text slightly, so labels err on the side of not touching.
GLYPH_WIDTH = 0.6
MAX_LABEL_CHARS = 32
RANGE_LABEL_CHARS = 36  # an event label ("Paktika air strikes, 2024-12-24") fits whole
HALO = ' stroke="#ffffff" stroke-width="3" paint-order="stroke"'  # legible text over lines and fills

# Map: circles by sqrt(size) so area follows the value; the minimum keeps a zero-fatality event visible.
POINT_MIN_RADIUS = 2.5
POINT_MAX_RADIUS = 18.0
# Points at the same coordinates rounded to this many decimals (0.01° ≈ 1 km, under a pixel of the map) are
# drawn as one circle: geocoded news events sit on gazetteer points, so 10k events collapse to a few hundred.
POINT_DECIMALS = 2
TOOLTIP_LABELS = 5
MAP_PADDING = 0.04  # share of the focus bounds added on each side
MAP_MAX_HEIGHT = 620

# XML 1.0 forbids most control characters even when escaped; article text sometimes carries them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_THEATRE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


# --- Records ----------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class MapPoint:
    """One event on the map: where, what kind (colour), how big (e.g. best fatalities; 0 when unknown)."""

    lon: float
    lat: float
    category: str
    size: float
    label: str


@dataclass(frozen=True, slots=True)
class RangeRow:
    """One bar of `range_bars`: a low–high interval with its best value (UCDP style); None when unknown."""

    label: str
    low: float | None
    best: float | None
    high: float | None
    contested: bool = False


# --- Text and numbers -------------------------------------------------------------------------------

def _esc(text: object) -> str:
    """Escaped text, safe in element content and in double-quoted attributes."""
    return html.escape(_XML_ILLEGAL.sub("", str(text)), quote=True)


def _truncate(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    return len(text) * size * GLYPH_WIDTH


def _num(value: float) -> str:
    """A number for people: integers without decimals, others with at most two."""
    if float(value).is_integer():
        return str(int(value))
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _xy(value: float) -> str:
    """A coordinate for SVG: one decimal is a tenth of a pixel, finer only bloats the file."""
    return f"{value:.1f}"


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def nice_ticks(top: float, bottom: float = 0.0, target: int = 5) -> list[float]:
    """About `target` ticks covering bottom..top at a step of 1, 2 or 5 times a power of ten; the first
    tick is a multiple of the step at or below `bottom` (0 for counts)."""
    if not (_finite(top) and _finite(bottom)) or top <= bottom:
        return [bottom, bottom + 1.0] if _finite(bottom) else [0.0, 1.0]
    raw = (top - bottom) / target
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(bottom / step + 1e-9)
    last = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(first, last + 1)]


def _label_step(labels: Sequence[str], slot: float, size: float = SMALL) -> int:
    """Show every n-th x label so that labels never overlap."""
    widest = max((_text_width(_truncate(label, 16), size) for label in labels), default=0.0)
    return max(1, math.ceil((widest + 8) / max(slot, 1e-9)))


# --- SVG scaffolding --------------------------------------------------------------------------------

def _chart_id(kind: str, *parts: object) -> str:
    """A deterministic id (same data, same id) so charts stay pure yet several can share one page."""
    digest = hashlib.blake2s(repr((kind, parts)).encode("utf-8"), digest_size=5).hexdigest()
    return f"bw-{kind}-{digest}"


def _open(chart_id: str, width: float, height: float, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_xy(width)} {_xy(height)}" '
        f'width="{_xy(width)}" height="{_xy(height)}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="{_esc(FONT)}" '
        f'font-size="{FONT_SIZE}" fill="{INK}">',
        f'<title id="{chart_id}-title">{_esc(title)}</title>',
        f'<desc id="{chart_id}-desc">{_esc(desc)}</desc>',
        f'<rect class="background" x="0" y="0" width="{_xy(width)}" height="{_xy(height)}" fill="#ffffff"/>',
    ]


def _heading(title: str, width: float) -> str:
    return _text(12, 20, _truncate(title, int((width - 24) / (14 * GLYPH_WIDTH))), size=14, weight="600")


def _text(x: float, y: float, content: str, *, anchor: str = "start", size: float = FONT_SIZE,
          weight: str | None = None, fill: str = INK, extra: str = "") -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return (f'<text x="{_xy(x)}" y="{_xy(y)}" text-anchor="{anchor}" font-size="{size}"{bold} '
            f'fill="{fill}"{extra}>{_esc(content)}</text>')


def _no_data(kind: str, title: str, reason: str = "No data to show", width: float = WIDTH,
             height: float = 120) -> str:
    """The chart a caller gets for empty input: a titled box that says so, never an exception."""
    chart_id = _chart_id(kind, title, "empty")
    parts = _open(chart_id, width, height, title, f"{reason}.")
    parts.append(_heading(title, width))
    parts.append(f'<rect x="12" y="{TITLE_BAND + 4}" width="{_xy(width - 24)}" '
                 f'height="{_xy(height - TITLE_BAND - 16)}" fill="#f6f6f6" stroke="{GRID}"/>')
    parts.append(_text(width / 2, (TITLE_BAND + height) / 2 + 4, reason, anchor="middle", fill=MUTED,
                       extra=' class="no-data"'))
    parts.append("</svg>")
    return "\n".join(parts)


def _swatch(kind: str, x: float, y: float, colour: str) -> str:
    """A legend key 12 px wide centred on y."""
    if kind == "circle":
        return f'<circle cx="{_xy(x + 6)}" cy="{_xy(y)}" r="5" fill="{colour}" fill-opacity="0.8"/>'
    if kind == "line":
        return f'<path d="M{_xy(x)} {_xy(y)}h12" stroke="{colour}" stroke-width="2.5" fill="none"/>'
    if kind == "dashed":
        return (f'<rect x="{_xy(x)}" y="{_xy(y - 5)}" width="12" height="10" fill="{colour}" '
                f'fill-opacity="0.55" stroke="{colour}" stroke-width="1.5" stroke-dasharray="3 2"/>')
    if kind.startswith("band"):
        opacity = kind.removeprefix("band") or "0.3"
        return (f'<rect x="{_xy(x)}" y="{_xy(y - 5)}" width="12" height="10" fill="{colour}" '
                f'fill-opacity="{opacity}"/>')
    return f'<rect x="{_xy(x)}" y="{_xy(y - 5)}" width="12" height="10" fill="{colour}"/>'


LegendItem = tuple[str, str, str]  # label, colour, swatch kind


def _legend(items: Sequence[LegendItem], x: float, y: float, width: float) -> tuple[list[str], float]:
    """Legend entries (label, colour, swatch kind) flowed left to right, wrapping; returns parts, height."""
    parts = ['<g class="legend">']
    cx, cy, row = x, y + 8, 18
    for label, colour, kind in items:
        shown = _truncate(label, 44)
        item_width = 18 + _text_width(shown, SMALL) + 14
        if cx > x and cx + item_width > x + width:
            cx, cy = x, cy + row
        parts.append(_swatch(kind, cx, cy, colour))
        parts.append(_text(cx + 17, cy + 4, shown, size=SMALL))
        cx += item_width
    parts.append("</g>")
    return parts, (cy - y) + row if items else 0.0


def _legend_height(items: Sequence[LegendItem], width: float) -> float:
    return _legend(items, 0, 0, width)[1]


def _y_axis(ticks: Sequence[float], left: float, right: float, y_of, label_x: float) -> list[str]:
    parts = ['<g class="y-axis">']
    for tick in ticks:
        y = y_of(tick)
        parts.append(f'<path d="M{_xy(left)} {_xy(y)}H{_xy(right)}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(_text(label_x, y + 4, _num(tick), anchor="end", size=SMALL, fill=MUTED))
    parts.append("</g>")
    return parts


def _x_labels(labels: Sequence[str], x_of, y: float) -> list[str]:
    step = _label_step(labels, abs(x_of(1) - x_of(0)) if len(labels) > 1 else WIDTH)
    parts = ['<g class="x-axis">']
    for i in range(0, len(labels), step):
        label = _truncate(labels[i], 16)
        half = _text_width(label, SMALL) / 2 + 2
        x = min(max(x_of(i), half), WIDTH - half)  # the end labels stay inside the picture
        parts.append(_text(x, y, label, anchor="middle", size=SMALL, fill=MUTED))
    parts.append("</g>")
    return parts


def _colours_for(names_by_weight: Mapping[str, float]) -> dict[str, str]:
    """A palette colour for the heaviest names; the rest share OTHER_COLOUR (folded into "Other")."""
    ranked = sorted(names_by_weight, key=lambda n: (-names_by_weight[n], n))[: len(PALETTE)]
    return {name: PALETTE[i] for i, name in enumerate(ranked)}


# --- Timeline ---------------------------------------------------------------------------------------

def timeline(periods: Sequence[str], series: Mapping[str, Sequence[int]], *, title: str) -> str:
    """Stacked bars of events per period, one colour per series (actor); the heaviest seven series get
    their own colour and the rest are stacked together as "Other"."""
    for name, counts in series.items():
        if len(counts) != len(periods):
            raise ValueError(f"series {name!r} has {len(counts)} values for {len(periods)} periods")
        if any(c < 0 for c in counts):
            raise ValueError(f"series {name!r} has a negative count")
    totals = [sum(counts[i] for counts in series.values()) for i in range(len(periods))]
    if not periods or not series or not any(totals):
        return _no_data("timeline", title, "No events in the periods shown")
    stacks = _fold_series(series)
    colours = {name: (PALETTE[i] if name != OTHER_LABEL else OTHER_COLOUR) for i, name in enumerate(stacks)}
    legend_items = [(f"{name} ({sum(stacks[name])})", colours[name], "rect") for name in stacks]

    left, right, plot_h = 52.0, WIDTH - 16.0, 240.0
    legend_h = _legend_height(legend_items, right - left)
    top = TITLE_BAND + legend_h + 8
    height = top + plot_h + 34
    ticks = nice_ticks(max(totals))
    slot = (right - left) / len(periods)
    bar_w = slot * 0.8 if slot >= 4 else slot

    def x_of(i: float) -> float:
        return left + (i + 0.5) * slot

    def y_of(v: float) -> float:
        return top + plot_h - v / ticks[-1] * plot_h

    peak = max(totals)
    desc = (f"Stacked bar chart of events per period, {len(periods)} periods from {periods[0]} to "
            f"{periods[-1]}, {sum(totals)} events in all, peak {peak} in {periods[totals.index(peak)]}. "
            "Series: "
            + ", ".join(f"{name} {sum(counts)}" for name, counts in stacks.items()) + ".")
    chart_id = _chart_id("timeline", title, tuple(periods), tuple((k, tuple(v)) for k, v in series.items()))
    parts = _open(chart_id, WIDTH, height, title, desc)
    parts.append(_heading(title, WIDTH))
    parts += _legend(legend_items, left, TITLE_BAND, right - left)[0]
    parts += _y_axis(ticks, left, right, y_of, left - 6)
    parts.append('<g class="bars">')
    for i, period in enumerate(periods):
        base = 0
        for name, counts in stacks.items():
            count = counts[i]
            if count <= 0:
                continue
            y0, y1 = y_of(base + count), y_of(base)
            parts.append(f'<rect class="bar" x="{_xy(x_of(i) - bar_w / 2)}" y="{_xy(y0)}" '
                         f'width="{_xy(bar_w)}" height="{_xy(y1 - y0)}" fill="{colours[name]}"><title>'
                         f'{_esc(period)}: {_esc(name)} {count} (total {totals[i]})</title></rect>')
            base += count
    parts.append("</g>")
    parts.append(f'<path d="M{_xy(left)} {_xy(top + plot_h)}H{_xy(right)}" stroke="{MUTED}"/>')
    parts += _x_labels(periods, x_of, top + plot_h + 16)
    parts.append("</svg>")
    return "\n".join(parts)


def _fold_series(series: Mapping[str, Sequence[int]]) -> dict[str, list[int]]:
    """The caller's series in the caller's order, the lightest folded into "Other" beyond the palette."""
    totals = {name: sum(counts) for name, counts in series.items() if sum(counts) > 0}
    coloured = _colours_for(totals)
    stacks = {name: list(series[name]) for name in series if name in coloured}
    rest = [series[name] for name in totals if name not in coloured]
    if rest:  # a caller's own "Other" series, if coloured, absorbs the folded ones
        folded = [sum(values) for values in zip(*rest, strict=True)]
        stacks[OTHER_LABEL] = [a + b for a, b in zip(stacks.get(OTHER_LABEL, [0] * len(folded)), folded,
                                                      strict=True)]
    return stacks


# --- Event map --------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Place:
    """The events drawn as one circle: same rounded coordinates and category."""

    lon: float
    lat: float
    category: str
    size: float = 0.0
    count: int = 0
    labels: list[str] = field(default_factory=list)  # the first TOOLTIP_LABELS, for the tooltip


@dataclass(frozen=True, slots=True)
class _Projection:
    """Equirectangular with the x axis shrunk by cos(mid-latitude), so shapes near 33°N are not stretched."""

    lon0: float
    lat1: float
    k: float
    scale: float
    left: float
    top: float
    width: float
    height: float

    def x(self, lon: float) -> float:
        return self.left + (lon - self.lon0) * self.k * self.scale

    def y(self, lat: float) -> float:
        return self.top + (self.lat1 - lat) * self.scale


def event_map(outlines: dict, points: Sequence[MapPoint], *, title: str) -> str:
    """Country outlines (focus countries light, neighbours grey) and the events as circles coloured by
    category, area by size; events at the same place are drawn as one circle with a combined tooltip."""
    features = [f for f in outlines.get("features", ()) if (f.get("geometry") or {}).get("coordinates")]
    places = _aggregate_points(points)
    bounds = _focus_bounds(features) or _point_bounds(places)
    if bounds is None:
        return _no_data("map", title, "No map outlines and no events to show")
    projection, map_h = _fit(bounds, left=12.0, top=TITLE_BAND + 4, width=WIDTH - 24.0)
    weights: dict[str, float] = {}
    for place in places:
        weights[place.category] = weights.get(place.category, 0) + place.count
    colours = _colours_for(weights)
    max_size = max((p.size for p in places), default=0.0)
    legend_items = [(f"{c} ({int(weights[c])})", colours[c], "circle") for c in colours]
    if len(colours) < len(weights):
        other = sum(w for c, w in weights.items() if c not in colours)
        legend_items.append((f"{OTHER_LABEL} ({int(other)})", OTHER_COLOUR, "circle"))
    key_h = 2 * POINT_MAX_RADIUS + 8 if max_size > 0 else 18.0
    legend_h = _legend_height(legend_items, WIDTH - 24) + key_h
    height = TITLE_BAND + 4 + map_h + 8 + legend_h

    events = sum(p.count for p in places)
    desc = (f"Map of {events} events at {len(places)} places"
            + (f" in {len(weights)} categories ({', '.join(f'{c}: {int(w)}' for c, w in weights.items())})"
               if weights else "")
            + (f"; circle area shows size, largest {_num(max_size)}." if max_size > 0 else ".")
            + " Countries: " + ", ".join(str(_props(f).get("name", "?")) for f in features) + ".")
    chart_id = _chart_id("map", title, len(points), tuple(points[:50]), len(features))
    parts = _open(chart_id, WIDTH, height, title, desc)
    parts.append(_heading(title, WIDTH))
    parts.append(f'<clipPath id="{chart_id}-clip"><rect x="{_xy(projection.left)}" y="{_xy(projection.top)}" '
                 f'width="{_xy(projection.width)}" height="{_xy(map_h)}"/></clipPath>')
    parts.append(f'<rect class="sea" x="{_xy(projection.left)}" y="{_xy(projection.top)}" '
                 f'width="{_xy(projection.width)}" height="{_xy(map_h)}" fill="#f4f8fb" stroke="{GRID}"/>')
    parts.append(f'<g clip-path="url(#{chart_id}-clip)">')
    parts += _country_paths(features, projection)
    parts += _circles(places, colours, max_size, projection)
    parts.append("</g>")
    if not places:
        parts.append(_text(WIDTH / 2, projection.top + 24, "No data: no events to show", anchor="middle",
                           fill=MUTED, extra=HALO + ' class="no-data"'))
    legend_top = projection.top + map_h + 8
    parts += _legend(legend_items, 12, legend_top, WIDTH - 24)[0]
    parts += _size_key(max_size, 12, legend_top + legend_h - key_h / 2)
    parts.append("</svg>")
    return "\n".join(parts)


def _aggregate_points(points: Sequence[MapPoint]) -> list[_Place]:
    groups: dict[tuple[float, float, str], _Place] = {}
    for point in points:
        if not (_finite(point.lon) and _finite(point.lat)) or abs(point.lat) > 90 or abs(point.lon) > 180:
            continue  # an ungeocoded event has no place on a map
        key = (round(point.lon, POINT_DECIMALS), round(point.lat, POINT_DECIMALS), str(point.category))
        place = groups.get(key)
        if place is None:
            place = groups[key] = _Place(key[0], key[1], key[2])
        place.count += 1
        place.size += point.size if _finite(point.size) and point.size > 0 else 0.0
        if len(place.labels) < TOOLTIP_LABELS:
            place.labels.append(str(point.label))
    return list(groups.values())


def _rings(feature: dict) -> list[list[list[list[float]]]]:
    geometry = feature["geometry"]
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"]]
    if geometry.get("type") == "MultiPolygon":
        return geometry["coordinates"]
    return []


def _bounds_of(polygons) -> tuple[float, float, float, float] | None:
    xs = [p[0] for polygon in polygons for p in polygon[0]]
    ys = [p[1] for polygon in polygons for p in polygon[0]]
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def _focus_bounds(features: Sequence[dict]) -> tuple[float, float, float, float] | None:
    focus = [f for f in features if _props(f).get("focus")] or list(features)
    return _bounds_of([polygon for f in focus for polygon in _rings(f)])


def _point_bounds(places: Sequence[_Place]) -> tuple[float, float, float, float] | None:
    if not places:
        return None
    lon0, lon1 = min(p.lon for p in places), max(p.lon for p in places)
    lat0, lat1 = min(p.lat for p in places), max(p.lat for p in places)
    return lon0 - 0.5, lat0 - 0.5, lon1 + 0.5, lat1 + 0.5  # one place alone still gets an area around it


def _fit(bounds: tuple[float, float, float, float], *, left: float, top: float,
         width: float) -> tuple[_Projection, float]:
    lon0, lat0, lon1, lat1 = bounds
    pad_x, pad_y = (lon1 - lon0) * MAP_PADDING, (lat1 - lat0) * MAP_PADDING
    lon0, lon1, lat0, lat1 = lon0 - pad_x, lon1 + pad_x, lat0 - pad_y, lat1 + pad_y
    k = max(0.2, math.cos(math.radians((lat0 + lat1) / 2)))
    scale = width / max((lon1 - lon0) * k, 1e-9)
    if (lat1 - lat0) * scale > MAP_MAX_HEIGHT:
        scale = MAP_MAX_HEIGHT / (lat1 - lat0)
        extra = (width / (k * scale) - (lon1 - lon0)) / 2
        lon0 -= extra  # keep the map centred when the height limits the scale
    height = (lat1 - lat0) * scale
    return _Projection(lon0, lat1, k, scale, left, top, width, height), height


def _country_paths(features: Sequence[dict], projection: _Projection) -> list[str]:
    parts = ['<g class="countries" stroke-linejoin="round">']
    labels = []
    view = (projection.lon0, projection.lat1 - projection.height / projection.scale,
            projection.lon0 + projection.width / (projection.k * projection.scale), projection.lat1)
    for feature in sorted(features, key=lambda f: bool(_props(f).get("focus"))):
        props = _props(feature)
        focus = bool(props.get("focus"))
        polygons = [p for p in _rings(feature) if _overlaps(_bounds_of([p]), view)]
        if not polygons:
            continue
        d = "".join(_ring_d(ring, projection) for polygon in polygons for ring in polygon)
        fill, stroke, width = ("#fdfdf8", "#555555", 1.2) if focus else ("#dcdcdc", "#a0a0a0", 0.7)
        kind = "country focus" if focus else "country"
        parts.append(f'<path class="{kind}" d="{d}" fill="{fill}" stroke="{stroke}" stroke-width="{width}" '
                     f'fill-rule="evenodd"><title>{_esc(props.get("name", ""))}</title></path>')
        if focus:
            labels.append(_country_label(props.get("name", ""), polygons, projection))
    parts.append("</g>")
    return parts + labels


def _ring_d(ring, projection: _Projection) -> str:
    return "M" + "L".join(f"{_xy(projection.x(x))} {_xy(projection.y(y))}" for x, y, *_ in ring) + "Z"


def _props(feature: dict) -> dict:
    return feature.get("properties") or {}


def _overlaps(a, b) -> bool:
    return a is not None and a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _country_label(name: str, polygons, projection: _Projection) -> str:
    """The name at the area centroid of the country's largest outer ring, with a white halo."""
    ring = max((polygon[0] for polygon in polygons), key=lambda r: abs(_signed_area(r)))
    area = _signed_area(ring) or 1e-12
    edges = list(zip(ring, ring[1:], strict=False))
    cx = sum((x0 + x1) * (x0 * y1 - x1 * y0) for (x0, y0, *_), (x1, y1, *_) in edges) / (6 * area)
    cy = sum((y0 + y1) * (x0 * y1 - x1 * y0) for (x0, y0, *_), (x1, y1, *_) in edges) / (6 * area)
    halo = ' letter-spacing="2" class="country-label"' + HALO
    return _text(projection.x(cx), projection.y(cy), str(name).upper(), anchor="middle", size=13,
                 weight="600", fill="#8a8a8a", extra=halo)


def _signed_area(ring) -> float:
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in zip(ring, ring[1:], strict=False))


def _radius(size: float, max_size: float) -> float:
    if max_size <= 0:
        return POINT_MIN_RADIUS
    return max(POINT_MIN_RADIUS, POINT_MAX_RADIUS * math.sqrt(size / max_size))


def _circles(places: Sequence[_Place], colours: Mapping[str, str], max_size: float,
             projection: _Projection) -> list[str]:
    parts = ['<g class="points" stroke="#ffffff" stroke-width="0.7">']
    # Big circles first so that small ones drawn later stay visible and hoverable on top.
    for place in sorted(places, key=lambda p: (-p.size, p.lon, p.lat, p.category)):
        x, y, r = projection.x(place.lon), projection.y(place.lat), _radius(place.size, max_size)
        parts.append(f'<circle class="point" cx="{_xy(x)}" cy="{_xy(y)}" r="{_xy(r)}" '
                     f'fill="{colours.get(place.category, OTHER_COLOUR)}" fill-opacity="0.75">'
                     f'<title>{_esc(_tooltip(place))}</title></circle>')
    parts.append("</g>")
    return parts


def _tooltip(place: _Place) -> str:
    if place.count == 1:
        return f"{place.labels[0]} ({place.category}; size {_num(place.size)})"
    more = place.count - len(place.labels)
    listed = "; ".join(place.labels) + (f"; and {more} more" if more > 0 else "")
    return f"{place.count} events ({place.category}; total size {_num(place.size)}): {listed}"


def _size_key(max_size: float, x: float, y: float) -> list[str]:
    """Reference circles for the size scale: the largest value and a quarter of it."""
    if max_size <= 0:
        return [_text(x, y + 4, "All events drawn at the same size (no sizes given)", size=SMALL, fill=MUTED)]
    parts = ['<g class="size-key">', _text(x, y + 4, "Circle area ∝ size:", size=SMALL, fill=MUTED)]
    cx = x + 120
    for value in (max_size / 4, max_size):
        r = _radius(value, max_size)
        parts.append(f'<circle cx="{_xy(cx + r)}" cy="{_xy(y)}" r="{_xy(r)}" fill="none" stroke="{MUTED}"/>')
        parts.append(_text(cx + 2 * r + 4, y + 4, _num(round(value, 1)), size=SMALL, fill=MUTED))
        cx += 2 * r + 40
    parts.append("</g>")
    return parts


# --- Range bars -------------------------------------------------------------------------------------

def range_bars(rows: Sequence[RangeRow], *, title: str) -> str:
    """Horizontal low–high bars with the best value marked; contested rows are vermillion, dashed and say
    "contested", so the distinction survives greyscale printing."""
    if not rows:
        return _no_data("range", title, "No rows to show")
    spans = [_row_span(row) for row in rows]
    top_value = max((hi for _, _, hi in spans if hi is not None), default=0.0)
    ticks = nice_ticks(top_value)
    label_w = min(250.0, max(_text_width(_truncate(r.label, RANGE_LABEL_CHARS)) for r in rows) + 16)
    left, right = 12 + label_w, WIDTH - 150.0
    row_h = 24.0
    legend_items = [("Low–high range", UNCONTESTED, "band0.45"), ("Best estimate", INK, "line"),
                    ("Contested: claimants disagree", CONTESTED, "dashed")]
    top = TITLE_BAND + _legend_height(legend_items, WIDTH - 24) + 8
    height = top + row_h * len(rows) + 30

    def x_of(v: float) -> float:
        return left + v / ticks[-1] * (right - left)

    contested = sum(1 for r in rows if r.contested)
    desc = (f"Horizontal range bars for {len(rows)} rows, {contested} contested, values up to "
            f"{_num(top_value)}. "
            + "; ".join(f"{r.label}: {_range_text(r)}" for r in rows[:20])
            + ("; …" if len(rows) > 20 else "") + ".")
    chart_id = _chart_id("range", title, tuple(rows))
    parts = _open(chart_id, WIDTH, height, title, desc)
    parts.append(_heading(title, WIDTH))
    parts += _legend(legend_items, 12, TITLE_BAND, WIDTH - 24)[0]
    axis_y = top + row_h * len(rows)
    parts.append('<g class="x-axis">')
    for tick in ticks:
        parts.append(f'<path d="M{_xy(x_of(tick))} {_xy(top)}V{_xy(axis_y)}" stroke="{GRID}"/>')
        parts.append(_text(x_of(tick), axis_y + 14, _num(tick), anchor="middle", size=SMALL, fill=MUTED))
    parts.append("</g>")
    for i, (row, (low, best, high)) in enumerate(zip(rows, spans, strict=True)):
        parts += _range_row(row, low, best, high, top + i * row_h + row_h / 2, x_of)
    parts.append("</svg>")
    return "\n".join(parts)


def _row_span(row: RangeRow) -> tuple[float | None, float | None, float | None]:
    """(low, best, high) with unknown ends taken from the known values and the order repaired."""
    known = [v for v in (row.low, row.best, row.high) if _finite(v)]
    if not known:
        return None, None, None
    best = row.best if _finite(row.best) else None
    return min(known), best, max(known)


def _range_text(row: RangeRow) -> str:
    low, best, high = _row_span(row)
    if low is None:
        text = "unknown"
    elif low == high:
        text = _num(low)
    else:
        text = f"{_num(best) if best is not None else '?'} ({_num(low)}–{_num(high)})"
    return text + (" contested" if row.contested else "")


def _range_row(row: RangeRow, low, best, high, y: float, x_of) -> list[str]:
    parts = [f'<g class="row{" contested" if row.contested else ""}">',
             _text(x_of(0) - 8, y + 4, _truncate(row.label, RANGE_LABEL_CHARS), anchor="end"),
             _text(WIDTH - 142, y + 4, _range_text(row), size=SMALL,
                   fill=CONTESTED if row.contested else MUTED)]
    if low is not None:
        x0, x1 = x_of(low), max(x_of(high), x_of(low) + 2)  # a point range stays visible
        colour = CONTESTED if row.contested else UNCONTESTED
        dash = ' stroke-dasharray="4 2"' if row.contested else ""
        parts.append(f'<rect class="range" x="{_xy(x0)}" y="{_xy(y - 6)}" width="{_xy(x1 - x0)}" height="12" '
                     f'fill="{colour}" fill-opacity="0.45" stroke="{colour}" stroke-width="1.2"{dash}>'
                     f'<title>{_esc(row.label)}: {_esc(_range_text(row))}</title></rect>')
    if best is not None:
        parts.append(f'<path class="best" d="M{_xy(x_of(best))} {_xy(y - 9)}v18" stroke="{INK}" '
                     f'stroke-width="2.5"/>')
    parts.append("</g>")
    return parts


# --- Matrix -----------------------------------------------------------------------------------------

Grid = Sequence[Sequence[float]]


def matrix(names: Sequence[str], values: Grid, low: Grid | None = None, high: Grid | None = None, *,
           title: str, fmt: str = "{:.2f}") -> str:
    """A heat map of an excitation matrix: row = target, column = source; cells read "0.42 (0.30–0.55)"
    when the interval is given. Darker blue is stronger excitation."""
    if (low is None) != (high is None):
        raise ValueError("give both low and high for intervals, or neither")
    n = len(names)
    for grid, what in ((values, "values"), (low, "low"), (high, "high")):
        if grid is not None and (len(grid) != n or any(len(r) != n for r in grid)):
            raise ValueError(f"{what} must be {n}×{n} to match names")
    if n == 0:
        return _no_data("matrix", title, "No actors to show")
    texts = [[_cell_text(values, low, high, i, j, fmt) for j in range(n)] for i in range(n)]
    finite = [v for row in values for v in row if _finite(v)]
    vmin, vmax = min([0.0, *finite]), max([0.0, *finite])
    cell_w = max(56.0, max(_text_width(t, SMALL) for row in texts for t in row) + 14)
    cell_h = 30.0
    label_w = max(_text_width(_truncate(name, 24)) for name in names) + 12
    col_label_w = max(_text_width(_truncate(name, 24), SMALL) for name in names)
    # Column labels are turned 40°: they rise sin 40° ≈ 0.64 and run cos 40° ≈ 0.77 of their length.
    left = 12 + max(label_w, _text_width("Target (row) ↓", SMALL) + 8)
    top = TITLE_BAND + 26 + col_label_w * 0.64
    width = max(WIDTH * 0.6, left + cell_w * (n - 0.5) + col_label_w * 0.77 + 16)
    height = top + cell_h * n + 52

    desc = (f"Heat map of a {n}×{n} excitation matrix: row is the target, column the source; each cell is "
            f"how strongly events of the source raise the rate of the target's events. Values from "
            f"{_fmt(fmt, vmin)} to {_fmt(fmt, vmax)}. Actors: {', '.join(map(str, names))}.")
    chart_id = _chart_id("matrix", title, tuple(names), repr(values), repr(low), repr(high), fmt)
    parts = _open(chart_id, width, height, title, desc)
    parts.append(_heading(title, width))
    parts.append(_text(left, TITLE_BAND + 12, "Source (column) → whose events excite", size=SMALL,
                       fill=MUTED))
    parts.append(_text(left - 6, top - 8, "Target (row) ↓", anchor="end", size=SMALL, fill=MUTED))
    for j, name in enumerate(names):
        x, y = left + (j + 0.5) * cell_w, top - 6
        parts.append(_text(x, y, _truncate(name, 24), size=SMALL,
                           extra=f' transform="rotate(-40 {_xy(x)} {_xy(y)})" class="col-label"'))
    for i, name in enumerate(names):
        parts.append(_text(left - 6, top + (i + 0.5) * cell_h + 4, _truncate(name, 24), anchor="end",
                           extra=' class="row-label"'))
        for j in range(n):
            parts += _cell(values[i][j], texts[i][j], names[j], name, left + j * cell_w, top + i * cell_h,
                           cell_w, cell_h, vmin, vmax)
    parts += _colour_key(chart_id, left, top + cell_h * n + 14, min(240.0, cell_w * n), fmt, vmin, vmax)
    parts.append("</svg>")
    return "\n".join(parts)


def _fmt(fmt: str, value: float | None) -> str:
    """`fmt` applied to a value; "—" for a missing or non-finite one."""
    return fmt.format(value) if _finite(value) else "—"


def _cell_text(values, low, high, i: int, j: int, fmt: str) -> str:
    text = _fmt(fmt, values[i][j])
    if low is not None and high is not None and _finite(low[i][j]) and _finite(high[i][j]):
        text += f" ({_fmt(fmt, low[i][j])}–{_fmt(fmt, high[i][j])})"
    return text


# Sequential blues from near-white to dark: monotone in lightness, so order reads without hue.
_RAMP = ((247, 251, 255), (198, 219, 239), (107, 174, 214), (33, 113, 181), (8, 48, 107))


def _ramp(t: float) -> str:
    t = min(1.0, max(0.0, t)) * (len(_RAMP) - 1)
    i = min(int(t), len(_RAMP) - 2)
    f = t - i
    r, g, b = (round(a + (c - a) * f) for a, c in zip(_RAMP[i], _RAMP[i + 1], strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def _cell(value, text, source, target, x, y, w, h, vmin, vmax) -> list[str]:
    if _finite(value):
        t = (value - vmin) / (vmax - vmin) if vmax > vmin else 0.0
        fill, ink = _ramp(t), ("#ffffff" if t > 0.55 else INK)
    else:
        fill, ink = "#eeeeee", MUTED
    return [f'<rect class="cell" x="{_xy(x)}" y="{_xy(y)}" width="{_xy(w)}" height="{_xy(h)}" fill="{fill}" '
            f'stroke="#ffffff"><title>{_esc(source)} → {_esc(target)}: {_esc(text)}</title></rect>',
            _text(x + w / 2, y + h / 2 + 4, text, anchor="middle", size=SMALL, fill=ink)]


def _colour_key(chart_id: str, x: float, y: float, width: float, fmt: str, vmin: float,
                vmax: float) -> list[str]:
    stops = "".join(f'<stop offset="{i / (len(_RAMP) - 1):.2f}" stop-color="{_ramp(i / (len(_RAMP) - 1))}"/>'
                    for i in range(len(_RAMP)))
    return [f'<linearGradient id="{chart_id}-ramp">{stops}</linearGradient>',
            f'<rect class="colour-key" x="{_xy(x)}" y="{_xy(y)}" width="{_xy(width)}" height="10" '
            f'fill="url(#{chart_id}-ramp)" stroke="{GRID}"/>',
            _text(x, y + 24, _fmt(fmt, vmin), size=SMALL, fill=MUTED),
            _text(x + width, y + 24, _fmt(fmt, vmax), anchor="end", size=SMALL, fill=MUTED)]


# --- Fan chart --------------------------------------------------------------------------------------

def fan_chart(periods: Sequence[str], bands: Mapping[float, Sequence[float]], *,
              observed: Sequence[float] | None = None, title: str) -> str:
    """A forecast as nested quantile bands (outer pairs lighter) around the median, after observed history.

    `periods` labels the whole x axis: the first len(observed) are history, the rest the forecast horizon,
    which is the length of every band. Quantiles are paired outside in (0.05 with 0.95, 0.25 with 0.75);
    0.5, when given, is the median line."""
    observed = list(observed or [])
    horizon = {len(v) for v in bands.values()}
    if len(horizon) > 1:
        raise ValueError("every quantile band needs one value per forecast period")
    steps = horizon.pop() if horizon else 0
    if len(periods) != len(observed) + steps:
        raise ValueError(f"{len(periods)} periods for {len(observed)} observed + {steps} forecast values")
    if any(not 0 < q < 1 for q in bands):
        raise ValueError("quantiles must lie strictly between 0 and 1")
    if not periods:
        return _no_data("fan", title, "No history and no forecast to show")
    quantiles = sorted(bands)
    pairs = [(quantiles[i], quantiles[-1 - i]) for i in range(len(quantiles) // 2)]
    median = bands.get(0.5) if 0.5 in bands else (bands[quantiles[len(quantiles) // 2]]
                                                  if len(quantiles) % 2 else None)
    values = [v for v in (*observed, *(x for b in bands.values() for x in b)) if _finite(v)]
    if not values:
        return _no_data("fan", title, "No finite values to show")
    ticks = nice_ticks(max(values), min(0.0, min(values)))

    legend_items = ([("Observed", INK, "line")] if observed else []) + (
        [("Median forecast", UNCONTESTED, "line")] if median is not None else []) + [
        (f"{_num(lo * 100)}–{_num(hi * 100)}% interval", UNCONTESTED, f"band{_band_opacity(k, len(pairs))}")
        for k, (lo, hi) in enumerate(pairs)]
    left, right, plot_h = 52.0, WIDTH - 16.0, 230.0
    top = TITLE_BAND + _legend_height(legend_items, right - left) + 8
    height = top + plot_h + 34
    step = (right - left) / max(len(periods) - 1, 1)

    def x_of(i: float) -> float:
        return left + i * step if len(periods) > 1 else (left + right) / 2

    def y_of(v: float) -> float:
        return top + plot_h - (v - ticks[0]) / (ticks[-1] - ticks[0]) * plot_h

    start = len(observed)
    desc = _fan_desc(periods, observed, pairs, bands, median, start)
    chart_id = _chart_id("fan", title, tuple(periods), tuple(observed),
                         tuple((q, tuple(v)) for q, v in bands.items()))
    parts = _open(chart_id, WIDTH, height, title, desc)
    parts.append(_heading(title, WIDTH))
    parts += _legend(legend_items, left, TITLE_BAND, right - left)[0]
    parts += _y_axis(ticks, left, right, y_of, left - 6)
    # The fan opens from the last observed value so history and forecast read as one line.
    anchor = [(start - 1, observed[-1])] if observed and _finite(observed[-1]) else []
    parts.append('<g class="bands">')
    for k, (lo, hi) in enumerate(pairs):
        upper = anchor + [(start + i, v) for i, v in enumerate(bands[hi])]
        lower = anchor + [(start + i, v) for i, v in enumerate(bands[lo])]
        points = [(i, v) for i, v in upper if _finite(v)] + [(i, v) for i, v in reversed(lower) if _finite(v)]
        parts.append(f'<path class="band" d="{_line_d(points, x_of, y_of)}Z" fill="{UNCONTESTED}" '
                     f'fill-opacity="{_band_opacity(k, len(pairs))}">'
                     f'<title>{_num(lo * 100)}–{_num(hi * 100)}% interval</title></path>')
    parts.append("</g>")
    if steps and observed:
        x = (x_of(start - 1) + x_of(start)) / 2
        parts.append(f'<path class="forecast-start" d="M{_xy(x)} {_xy(top)}V{_xy(top + plot_h)}" '
                     f'stroke="{MUTED}" stroke-dasharray="3 3"/>')
        parts.append(_text(x + 4, top + 12, "forecast →", size=SMALL, fill=MUTED))
    if median is not None:
        line = anchor + [(start + i, v) for i, v in enumerate(median) if _finite(v)]
        parts.append(f'<path class="median" d="{_line_d(line, x_of, y_of)}" fill="none" '
                     f'stroke="{UNCONTESTED}" stroke-width="2"/>')
    if observed:
        line = [(i, v) for i, v in enumerate(observed) if _finite(v)]
        parts.append(f'<path class="observed" d="{_line_d(line, x_of, y_of)}" fill="none" stroke="{INK}" '
                     f'stroke-width="1.8"/>')
    parts.append(f'<path d="M{_xy(left)} {_xy(top + plot_h)}H{_xy(right)}" stroke="{MUTED}"/>')
    parts += _x_labels(periods, x_of, top + plot_h + 16)
    parts.append("</svg>")
    return "\n".join(parts)


def _band_opacity(k: int, count: int) -> str:
    """Outer bands light, inner darker: 0.15 for the outermost up to 0.4 for the innermost."""
    return f"{0.15 + 0.25 * (k / (count - 1) if count > 1 else 1.0):.2f}"


def _line_d(points: Sequence[tuple[float, float]], x_of, y_of) -> str:
    return "M" + "L".join(f"{_xy(x_of(i))} {_xy(y_of(v))}" for i, v in points) if points else ""


def _fan_desc(periods, observed, pairs, bands, median, start: int) -> str:
    text = f"Fan chart over {len(periods)} periods from {periods[0]} to {periods[-1]}"
    if observed:
        last = _num(observed[-1]) if _finite(observed[-1]) else "?"
        text += f"; {len(observed)} observed periods, last value {last}"
    if start < len(periods):
        text += f"; forecast from {periods[start]}"
        if median is not None and _finite(median[-1]):
            text += f", median reaching {_num(median[-1])} by {periods[-1]}"
        for lo, hi in pairs[:1]:
            if _finite(bands[lo][-1]) and _finite(bands[hi][-1]):
                text += (f", {_num(lo * 100)}–{_num(hi * 100)}% interval {_num(bands[lo][-1])} to "
                         f"{_num(bands[hi][-1])}")
    return text + "."


# --- Sparkline --------------------------------------------------------------------------------------

def sparkline(values: Sequence[float], *, title: str = "Trend", width: float = 100,
              height: float = 22) -> str:
    """A word-sized line for a table cell: the series scaled to its own range, the last value dotted."""
    points = [(i, v) for i, v in enumerate(values) if _finite(v)]
    chart_id = _chart_id("spark", title, tuple(values))
    if not points:
        parts = _open(chart_id, width, height, title, "No data.")
        parts.append(_text(width / 2, height / 2 + 4, "no data", anchor="middle", size=10, fill=MUTED,
                           extra=' class="no-data"'))
        return "\n".join([*parts, "</svg>"])
    lo, hi = min(v for _, v in points), max(v for _, v in points)
    pad = 2.5

    def x_of(i: float) -> float:
        return pad + i / max(len(values) - 1, 1) * (width - 2 * pad)

    def y_of(v: float) -> float:
        return height / 2 if hi == lo else pad + (hi - v) / (hi - lo) * (height - 2 * pad)

    desc = (f"{len(points)} values from {_num(points[0][1])} to {_num(points[-1][1])}, lowest {_num(lo)}, "
            f"highest {_num(hi)}.")
    parts = _open(chart_id, width, height, title, desc)
    last_i, last_v = points[-1]
    line = points if len(points) > 1 else [(0, last_v), (len(values) - 1 or 1, last_v)]
    parts.append(f'<path class="spark" d="{_line_d(line, x_of, y_of)}" fill="none" stroke="{UNCONTESTED}" '
                 f'stroke-width="1.4" stroke-linejoin="round"/>')
    parts.append(f'<circle cx="{_xy(x_of(last_i))}" cy="{_xy(y_of(last_v))}" r="2" fill="{CONTESTED}"/>')
    parts.append("</svg>")
    return "\n".join(parts)


# --- Shipped outlines -------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def _outlines_text(theatre: str) -> str:
    try:
        path = resources.files("borderwatch.theatres") / theatre / "outlines.geojson"
        return path.read_text(encoding="utf-8")
    except (OSError, ModuleNotFoundError) as e:
        raise TheatreError(f"theatre pack {theatre!r} ships no outlines.geojson: build it with "
                           f"scripts/build_outlines.py ({e})") from e


def load_outlines(theatre: str = "afpak") -> dict:
    """The theatre's shipped country outlines (GeoJSON FeatureCollection, focus countries flagged).

    The file is read once and cached; each call parses a fresh dict, so a caller that edits the result
    cannot change what the next caller gets."""
    if not _THEATRE_NAME.match(theatre):
        raise TheatreError(f"not a theatre name: {theatre!r} (lower-case letters, digits and _)")
    try:
        return json.loads(_outlines_text(theatre))
    except json.JSONDecodeError as e:
        raise TheatreError(f"outlines of theatre {theatre!r} are not valid JSON: {e}") from e
