"""SVG charts: valid XML with title and desc, one mark per datum, escaped untrusted text, a clear chart for
empty input; the shipped outlines; the TopoJSON decoding of scripts/build_outlines.py."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from repo_scripts import loaded

from borderwatch import charts
from borderwatch.charts import MapPoint, RangeRow
from borderwatch.errors import TheatreError

REPO = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & "Kurram" \x00\x0b'


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert len(root.get("viewBox").split()) == 4
    assert root.find(f"{SVG}title").text.strip()
    assert root.find(f"{SVG}desc").text.strip()
    return root


def marks(root: ET.Element, css_class: str) -> list[ET.Element]:
    return [e for e in root.iter() if css_class in (e.get("class") or "").split()]


def all_text(root: ET.Element) -> str:
    return " ".join(t for e in root.iter() for t in (e.text, e.get("aria-label")) if t)


# A small hand-drawn theatre: two focus squares and a grey neighbour, in degrees.
OUTLINES = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "properties": {"iso2": "AF", "name": "Afghanistan", "focus": True},
         "geometry": {"type": "Polygon",
                      "coordinates": [[[61, 30], [70, 30], [70, 38], [61, 38], [61, 30]]]}},
        {"type": "Feature", "properties": {"iso2": "PK", "name": "Pakistan", "focus": True},
         "geometry": {"type": "MultiPolygon",
                      "coordinates": [[[[70, 24], [77, 24], [77, 36], [70, 36], [70, 24]]]]}},
        {"type": "Feature", "properties": {"iso2": "IR", "name": "Iran", "focus": False},
         "geometry": {"type": "Polygon",
                      "coordinates": [[[44, 25], [61, 25], [61, 39], [44, 39], [44, 25]]]}},
    ],
}
MIRANSHAH = (70.07, 33.0)
QUETTA = (66.99, 30.18)


# --- timeline ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("periods", "series", "bars"), [
    (["2024-01", "2024-02", "2024-03"], {"TTP": [3, 0, 5], "PAK-MIL": [1, 2, 0]}, 4),
    (["Q1 2025"], {"Afghan Taliban": [7]}, 1),
    ([f"2024-W{w:02d}" for w in range(1, 53)], {"TTP": [1] * 52, "BLA": [0] * 51 + [4]}, 53),
    # nine actors: the two lightest fold into one "Other" segment per period
    (["Jan", "Feb"], {f"actor {i}": [9 - i, 9 - i] for i in range(9)}, 16),
])
def test_timeline_draws_one_segment_per_nonzero_count(periods, series, bars):
    root = parse(charts.timeline(periods, series, title="Events per period"))
    assert len(marks(root, "bar")) == bars


def test_timeline_folds_the_lightest_series_into_other():
    series = {f"actor {i}": [9 - i] for i in range(9)}
    text = all_text(parse(charts.timeline(["March 2024"], series, title="Events")))
    assert "Other (3)" in text  # actors 7 and 8: 2 + 1
    assert "actor 0 (9)" in text and "actor 7 (2)" not in text


def test_timeline_bars_stack_to_the_period_total_and_the_axis_covers_the_peak():
    root = parse(charts.timeline(["a", "b"], {"TTP": [4, 1], "ISKP": [3, 0]}, title="Events"))
    heights = {}
    for bar in marks(root, "bar"):
        x = round(float(bar.get("x")))
        heights[x] = heights.get(x, 0.0) + float(bar.get("height"))
    tall, short = sorted(heights.values(), reverse=True)
    assert tall / short == pytest.approx(7, rel=0.02)
    ticks = [float(t.text) for t in root.iter(f"{SVG}text") if (t.text or "").isdigit()]
    assert max(ticks) >= 7


def test_thinned_x_labels_do_not_overlap():
    periods = [f"2023-{m:02d}-{d:02d}" for m in range(1, 13) for d in range(1, 29)]
    root = parse(charts.timeline(periods, {"TTP": [1] * len(periods)}, title="Daily"))
    axis = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "x-axis")
    xs = [float(t.get("x")) for t in axis]
    assert 3 <= len(xs) < 20
    assert min(b - a for a, b in zip(xs, xs[1:], strict=False)) > len("2023-01-01") * 11 * 0.5


@pytest.mark.parametrize("series", [{"TTP": [1, 2]}, {"TTP": [1, -2, 3]}])
def test_timeline_rejects_counts_that_do_not_fit_the_periods(series):
    with pytest.raises(ValueError):
        charts.timeline(["a", "b", "c"], series, title="Events")


# --- event map --------------------------------------------------------------------------------------

def test_map_aggregates_events_at_the_same_rounded_place():
    points = [
        MapPoint(*MIRANSHAH, "Battles", 3, "Clash in Miranshah"),
        MapPoint(70.071, 33.001, "Battles", 2, "Militants attack check post near Miranshah"),
        MapPoint(*MIRANSHAH, "Battles", 0, "Exchange of fire, Miranshah"),
        MapPoint(*MIRANSHAH, "Explosions/Remote violence", 5, "Drone strike, Miranshah"),
        MapPoint(*QUETTA, "Explosions/Remote violence", 26, "Quetta railway station bombing"),
    ]
    root = parse(charts.event_map(OUTLINES, points, title="Events"))
    circles = marks(root, "point")
    assert len(circles) == 3
    tips = [c.find(f"{SVG}title").text for c in circles]
    assert any(t.startswith("3 events (Battles; total size 5)") for t in tips)
    radius = {t.split(" (")[0]: float(c.get("r")) for t, c in zip(tips, circles, strict=True)}
    assert radius["Quetta railway station bombing"] == pytest.approx(charts.POINT_MAX_RADIUS)
    assert radius["Drone strike, Miranshah"] < radius["Quetta railway station bombing"]


@pytest.mark.parametrize(("lon", "lat"), [MIRANSHAH, QUETTA, (61.2, 30.1), (76.9, 35.9)])
def test_map_places_focus_points_inside_the_picture(lon, lat):
    root = parse(charts.event_map(OUTLINES, [MapPoint(lon, lat, "Battles", 1, "x")], title="Events"))
    _, _, width, height = map(float, root.get("viewBox").split())
    (circle,) = marks(root, "point")
    assert 0 < float(circle.get("cx")) < width and 0 < float(circle.get("cy")) < height


def test_map_projection_keeps_north_up_and_east_right():
    points = [MapPoint(*MIRANSHAH, "a", 1, "Miranshah"), MapPoint(*QUETTA, "b", 1, "Quetta")]
    root = parse(charts.event_map(OUTLINES, points, title="Events"))
    by_label = {c.find(f"{SVG}title").text.split(" (")[0]: c for c in marks(root, "point")}
    assert float(by_label["Miranshah"].get("cx")) > float(by_label["Quetta"].get("cx"))
    assert float(by_label["Miranshah"].get("cy")) < float(by_label["Quetta"].get("cy"))


def test_map_fills_focus_countries_apart_from_neighbours_and_skips_ungeocoded_events():
    points = [MapPoint(float("nan"), 33.0, "Battles", 1, "no place"),
              MapPoint(*QUETTA, "Battles", 1, "Quetta")]
    root = parse(charts.event_map(OUTLINES, points, title="Events"))
    assert len(marks(root, "focus")) == 2
    assert len(marks(root, "country")) == 3
    assert len({c.get("fill") for c in marks(root, "country")}) == 2
    assert len(marks(root, "point")) == 1


def test_map_of_ten_thousand_events_draws_every_place():
    kinds = ("Battles", "Strategic developments")
    points = [MapPoint(61 + (i % 160) * 0.1, 24 + (i // 160) * 0.2, kinds[i % 2], i % 50, f"event {i}")
              for i in range(10_000)]
    svg = charts.event_map(charts.load_outlines(), points, title="All events")
    assert len(marks(parse(svg), "point")) == 10_000


# --- range bars -------------------------------------------------------------------------------------

ROWS = [
    RangeRow("Mir Ali suicide bombing, 2024-03-16", 7, 7, 7),
    RangeRow("Paktika air strikes, 2024-12-24", 15, 46, 51, contested=True),
    RangeRow("Kurram convoy ambush, 2024-11-21", 38, 42, 52),
    RangeRow("Angoor Adda border clash", None, None, None),
]


def test_range_bars_draw_one_bar_and_one_best_mark_per_known_row():
    root = parse(charts.range_bars(ROWS, title="Fatalities: low, best, high"))
    assert len(marks(root, "range")) == 3
    assert len(marks(root, "best")) == 3
    assert len(marks(root, "row")) == 4


def test_range_bars_mark_contested_rows_in_the_bar_the_text_and_the_legend():
    root = parse(charts.range_bars(ROWS, title="Fatalities"))
    (contested,) = marks(root, "contested")
    bar = marks(contested, "range")[0]
    assert bar.get("stroke-dasharray")
    assert "46 (15–51) contested" in all_text(contested)
    assert "Contested: claimants disagree" in all_text(root)
    plain = marks(root, "range")[2]
    assert plain.get("fill") != bar.get("fill") and not plain.get("stroke-dasharray")


def test_range_bars_span_low_to_high_on_one_scale():
    root = parse(charts.range_bars(ROWS[1:3], title="Fatalities"))
    paktika, kurram = marks(root, "range")
    ratio = float(paktika.get("width")) / float(kurram.get("width"))
    assert ratio == pytest.approx((51 - 15) / (52 - 38), rel=0.02)


# --- matrix -----------------------------------------------------------------------------------------

NAMES = ["TTP", "PAK-MIL", "AFG-TALIBAN"]
VALUES = [[0.42, 0.10, 0.05], [0.31, 0.20, 0.00], [0.01, 0.55, float("nan")]]


def test_matrix_draws_n_by_n_cells_with_intervals_and_says_which_axis_is_which():
    low = [[v * 0.7 for v in row] for row in VALUES]
    high = [[v * 1.3 for v in row] for row in VALUES]
    low[0][0], high[0][0] = 0.30, 0.55
    root = parse(charts.matrix(NAMES, VALUES, low, high, title="Who excites whom"))
    assert len(marks(root, "cell")) == 9
    text = all_text(root)
    assert "0.42 (0.30–0.55)" in text
    assert "Target (row)" in text and "Source (column)" in text
    assert "—" in text  # the NaN cell


def test_matrix_darker_cells_are_stronger_and_tooltips_name_source_and_target():
    root = parse(charts.matrix(NAMES, VALUES, title="Excitation", fmt="{:.1f}"))
    cells = marks(root, "cell")
    lightness = [sum(int(c.get("fill")[i:i + 2], 16) for i in (1, 3, 5)) for c in cells]
    assert lightness[7] < lightness[0] < lightness[2]  # 0.55 darker than 0.42 darker than 0.05
    assert cells[1].find(f"{SVG}title").text == "PAK-MIL → TTP: 0.1"


@pytest.mark.parametrize(("names", "values", "low", "high"), [
    (["a", "b"], [[1, 2]], None, None),
    (["a"], [[1]], [[0]], None),
    (["a", "b"], [[1, 2], [3, 4]], [[0, 0], [0]], [[2, 2], [2, 2]]),
])
def test_matrix_rejects_shapes_that_do_not_match_the_names(names, values, low, high):
    with pytest.raises(ValueError):
        charts.matrix(names, values, low, high, title="Excitation")


# --- fan chart --------------------------------------------------------------------------------------

BANDS = {0.05: [2, 1, 0], 0.25: [5, 4, 4], 0.5: [8, 8, 8], 0.75: [11, 12, 13], 0.95: [15, 18, 21]}


@pytest.mark.parametrize(("bands", "expected_bands", "median"), [
    (BANDS, 2, True),
    ({q: v for q, v in BANDS.items() if q != 0.5}, 2, False),
    ({0.1: [1, 1, 1], 0.9: [9, 9, 9]}, 1, False),
    ({0.5: [8, 8, 8]}, 0, True),
])
def test_fan_chart_draws_a_band_per_quantile_pair_and_the_median(bands, expected_bands, median):
    periods = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    root = parse(charts.fan_chart(periods, bands, observed=[9, 6, 12], title="Events per month: forecast"))
    assert len(marks(root, "band")) == expected_bands
    assert len(marks(root, "median")) == (1 if median else 0)
    assert len(marks(root, "observed")) == 1
    assert "forecast from 2025-04" in root.find(f"{SVG}desc").text


def test_fan_chart_outer_band_is_lighter_than_the_inner():
    periods = ["w1", "w2", "w3"]
    outer, inner = marks(parse(charts.fan_chart(periods, BANDS, title="Forecast")), "band")
    assert float(outer.get("fill-opacity")) < float(inner.get("fill-opacity"))
    assert "5–95% interval" in all_text(outer) and "25–75% interval" in all_text(inner)


@pytest.mark.parametrize(("periods", "bands", "observed"), [
    (["a", "b"], BANDS, None),                        # 3 forecast values, 2 periods
    (["a", "b", "c"], {0.1: [1, 2, 3], 0.9: [4, 5]}, None),
    (["a", "b", "c"], {1.5: [1, 2, 3]}, None),
    (["a", "b", "c", "d"], BANDS, [1, 2]),
])
def test_fan_chart_rejects_inconsistent_lengths_and_quantiles(periods, bands, observed):
    with pytest.raises(ValueError):
        charts.fan_chart(periods, bands, observed=observed, title="Forecast")


# --- sparkline --------------------------------------------------------------------------------------

@pytest.mark.parametrize("values", [[3, 1, 4, 1, 5, 9, 2, 6], [7], [2, 2, 2], [1, float("nan"), 3]])
def test_sparkline_draws_one_line_ending_in_a_dot(values):
    root = parse(charts.sparkline(values))
    (line,) = marks(root, "spark")
    assert line.get("d").startswith("M")
    assert len(list(root.iter(f"{SVG}circle"))) == 1


# --- every chart: empty input, hostile text ---------------------------------------------------------

EMPTY_CHARTS = {
    "timeline": lambda: charts.timeline([], {}, title="Events"),
    "timeline all zero": lambda: charts.timeline(["Jan"], {"TTP": [0]}, title="Events"),
    "map": lambda: charts.event_map({}, [], title="Events"),
    "map without events": lambda: charts.event_map(OUTLINES, [], title="Events"),
    "range": lambda: charts.range_bars([], title="Fatalities"),
    "matrix": lambda: charts.matrix([], [], title="Excitation"),
    "fan": lambda: charts.fan_chart([], {}, title="Forecast"),
    "sparkline": lambda: charts.sparkline([]),
}


@pytest.mark.parametrize("name", EMPTY_CHARTS)
def test_empty_input_gives_a_chart_that_says_no_data(name):
    root = parse(EMPTY_CHARTS[name]())
    (note,) = marks(root, "no-data")
    assert "no" in note.text.lower()


HOSTILE_CHARTS = {
    "timeline": lambda: charts.timeline([HOSTILE], {HOSTILE: [1]}, title=HOSTILE),
    "map": lambda: charts.event_map(OUTLINES, [MapPoint(*QUETTA, HOSTILE, 1, HOSTILE)], title=HOSTILE),
    "range": lambda: charts.range_bars([RangeRow(HOSTILE, 1, 2, 3, True)], title=HOSTILE),
    "matrix": lambda: charts.matrix([HOSTILE, "TTP"], [[1, 0], [0, 1]], title=HOSTILE),
    "fan": lambda: charts.fan_chart([HOSTILE, "b"], {0.5: [2]}, observed=[1], title=HOSTILE),
    "sparkline": lambda: charts.sparkline([1, 2], title=HOSTILE),
    "empty": lambda: charts.range_bars([], title=HOSTILE),
}


@pytest.mark.parametrize("name", HOSTILE_CHARTS)
def test_untrusted_text_is_escaped(name):
    svg = HOSTILE_CHARTS[name]()
    assert "<script" not in svg.lower()
    root = parse(svg)
    assert "<script>" in root.find(f"{SVG}title").text  # shown as text, intact
    assert not list(root.iter(f"{SVG}script"))


def test_same_input_gives_the_same_svg_and_different_charts_get_different_ids():
    first = charts.timeline(["Jan"], {"TTP": [1]}, title="Events")
    assert first == charts.timeline(["Jan"], {"TTP": [1]}, title="Events")
    other = charts.timeline(["Jan"], {"TTP": [2]}, title="Events")
    assert ET.fromstring(first).get("aria-labelledby") != ET.fromstring(other).get("aria-labelledby")


@pytest.mark.parametrize(("top", "bottom", "expected"), [
    (7, 0, [0, 2, 4, 6, 8]),
    (100, 0, [0, 20, 40, 60, 80, 100]),
    (0.42, 0, [0, 0.1, 0.2, 0.3, 0.4, 0.5]),
    (0, 0, [0, 1]),
    (34, -13, [-20, -10, 0, 10, 20, 30, 40]),
])
def test_nice_ticks(top, bottom, expected):
    assert charts.nice_ticks(top, bottom) == pytest.approx(expected)


# --- shipped outlines -------------------------------------------------------------------------------

def test_shipped_outlines_have_the_focus_countries_and_their_neighbours():
    outlines = charts.load_outlines()
    by_iso = {f["properties"]["iso2"]: f for f in outlines["features"]}
    assert set(by_iso) == {"AF", "PK", "IR", "IN", "CN", "TJ", "UZ", "TM"}
    assert {iso for iso, f in by_iso.items() if f["properties"]["focus"]} == {"AF", "PK"}
    assert "world-atlas@2.0.2" in outlines["properties"]["source"]
    for iso, (lon0, lat0, lon1, lat1) in {"AF": (60, 29, 75.5, 39), "PK": (60.5, 23.5, 77.9, 37.5)}.items():
        polygons = by_iso[iso]["geometry"]["coordinates"]
        positions = [p for polygon in polygons for ring in polygon for p in ring]
        assert len(positions) > 200
        assert all(lon0 <= x <= lon1 and lat0 <= y <= lat1 for x, y in positions), iso
    assert (REPO / "src/borderwatch/theatres/afpak/outlines.geojson").stat().st_size < 300 * 1024


def test_load_outlines_gives_each_caller_its_own_copy_and_rejects_odd_names():
    charts.load_outlines()["features"].clear()
    assert charts.load_outlines()["features"]
    with pytest.raises(TheatreError):
        charts.load_outlines("../afpak")
    with pytest.raises(TheatreError):
        charts.load_outlines("atlantis")


# --- scripts/build_outlines.py ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def build_outlines():
    with loaded("scripts/build_outlines.py") as module:
        yield module


def _two_squares() -> dict:
    """Two unit squares side by side in a 0.5° x 0.25° quantized grid; they share one arc (the middle edge),
    which the right square uses reversed (~0)."""
    return {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
        "arcs": [
            [[2, 0], [0, 2]],                     # (2,0) -> (2,2): the shared edge
            [[2, 2], [-2, 0], [0, -2], [2, 0]],    # (2,2) -> (0,2) -> (0,0) -> (2,0)
            [[2, 0], [2, 0], [0, 2], [-2, 0]],     # (2,0) -> (4,0) -> (4,2) -> (2,2)
        ],
        "objects": {"countries": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "id": "004", "properties": {"name": "West"}, "arcs": [[0, 1]]},
            {"type": "MultiPolygon", "id": "586", "properties": {"name": "East"}, "arcs": [[[-1, 2]]]},
            {"type": None, "id": "999"},
        ]}},
    }


def test_decode_topology_undoes_quantization_deltas_and_reversed_arcs(build_outlines):
    west, east, empty = build_outlines.decode_topology(_two_squares(), "countries")
    assert west["id"] == "004" and west["properties"] == {"name": "West"}
    assert west["geometry"]["coordinates"] == [[[(11, 20), (11, 20.5), (10, 20.5), (10, 20), (11, 20)]]]
    assert east["geometry"]["coordinates"] == [[[(11, 20.5), (11, 20), (12, 20), (12, 20.5), (11, 20.5)]]]
    assert empty["geometry"]["coordinates"] == []


def test_decode_topology_reads_unquantized_arcs(build_outlines):
    topology = {"type": "Topology", "arcs": [[[60.5, 29.5], [61.5, 29.5], [61.5, 30.5], [60.5, 29.5]]],
                "objects": {"land": {"type": "Polygon", "arcs": [[0]], "id": "x"}}}
    (feature,) = build_outlines.decode_topology(topology, "land")
    assert feature["geometry"]["coordinates"][0][0][2] == (61.5, 30.5)


@pytest.mark.parametrize(("line", "tolerance", "kept"), [
    ([(0, 0), (1, 0.001), (2, -0.001), (3, 0)], 0.01, [(0, 0), (3, 0)]),
    ([(0, 0), (1, 0.5), (2, 0)], 0.01, [(0, 0), (1, 0.5), (2, 0)]),
    ([(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)], 0.1, [(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]),  # a ring
    ([(5, 5), (6, 6)], 1.0, [(5, 5), (6, 6)]),
])
def test_douglas_peucker_keeps_the_ends_and_the_bends_above_tolerance(build_outlines, line, tolerance, kept):
    assert build_outlines.douglas_peucker(line, tolerance) == kept


def test_simplifying_shared_arcs_keeps_neighbours_on_one_border(build_outlines):
    # A shared border from (0,0) to (0,4): one real bend (0.3° at the middle) with small wiggles on it.
    bend = [(0.3 * (1 - abs(i - 20) / 20) + 0.02 * math.sin(i), 0.1 * i) for i in range(1, 40)]
    border = [(0.0, 0.0), *bend, (0.0, 4.0)]
    topology = {"type": "Topology", "arcs": [
        border,
        [(0.0, 4.0), (-1.0, 4.0), (-1.0, 0.0), (0.0, 0.0)],
        [(0.0, 0.0), (1.0, 0.0), (1.0, 4.0), (0.0, 4.0)],
    ], "objects": {"c": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "arcs": [[0, 1]]}, {"type": "Polygon", "arcs": [[~0, 2]]}]}}}
    topology["arcs"] = build_outlines.simplify_arcs(topology["arcs"], 0.05)
    shared = topology["arcs"][0]
    assert shared == [(0.0, 0.0), bend[19], (0.0, 4.0)]
    west, east = build_outlines.decode_topology(topology, "c")
    assert west["geometry"]["coordinates"][0][0][:3] == shared
    assert east["geometry"]["coordinates"][0][0][:3] == shared[::-1]


def test_clean_polygons_rounds_and_drops_specks(build_outlines):
    island = [(70.00001, 30.0), (70.0002, 30.0), (70.0001, 30.0003), (70.00001, 30.0)]
    mainland = [(60.12345, 29.0), (61.0, 29.0), (61.0, 30.0), (60.12345, 29.0)]
    cleaned = build_outlines.clean_polygons([[island], [mainland]])
    assert cleaned == [[[[60.123, 29.0], [61.0, 29.0], [61.0, 30.0], [60.123, 29.0]]]]
