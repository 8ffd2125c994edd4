"""Build the afpak country outlines (GeoJSON) from the world-atlas npm package (Natural Earth 1:50m).

    .venv/bin/python scripts/build_outlines.py [--out src/borderwatch/theatres/afpak/outlines.geojson]
        [--tolerance 0.01] [--topology path/to/countries-50m.json]

Without --topology the script runs `npm pack world-atlas@VERSION` into a temporary directory and reads
`countries-50m.json` from the tarball. The TopoJSON is decoded here in plain Python (quantized,
delta-encoded arcs), each shared arc is simplified once (Douglas–Peucker) so that neighbours keep an
identical border, and coordinates are rounded to 3 decimals. The output is deterministic.
See docs/charts.md.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "src/borderwatch/theatres/afpak/outlines.geojson"

PACKAGE = "world-atlas"
VERSION = "2.0.2"
TOPOLOGY_MEMBER = "package/countries-50m.json"
OBJECT_NAME = "countries"

# ISO 3166 numeric -> (alpha-2, focus). world-atlas ids are the numeric codes as zero-padded strings.
COUNTRIES: dict[str, tuple[str, bool]] = {
    "004": ("AF", True),
    "586": ("PK", True),
    "364": ("IR", False),
    "356": ("IN", False),
    "156": ("CN", False),
    "762": ("TJ", False),
    "860": ("UZ", False),
    "795": ("TM", False),
}

# Degrees. 0.01° is about 1 km on the ground, a third of a pixel on a 720-px map of the theatre (~20° wide,
# ~0.03° per pixel). Measured on world-atlas 2.0.2: 7135 positions / 113 KB unsimplified, 4969 / 79 KB at
# 0.01, 3540 / 57 KB at 0.02 (where the Durand Line's small bends start to straighten visibly when zoomed).
DEFAULT_TOLERANCE = 0.01
DECIMALS = 3
# A closed ring needs 4 positions (first == last); fewer after simplification means a speck of an island.
MIN_RING_POSITIONS = 4

Position = tuple[float, float]
Ring = list[Position]


# --- TopoJSON decoding ------------------------------------------------------------------------------

def decode_arcs(topology: dict) -> list[list[Position]]:
    """Absolute lon/lat positions of every arc. Quantized topologies store each arc as a first absolute
    integer position followed by integer deltas; `transform` maps integers back to degrees."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        positions = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            positions.append((x * sx + tx, y * sy + ty))
        arcs.append(positions)
    return arcs


def stitch_ring(arc_indexes: Sequence[int], arcs: Sequence[Sequence[Position]]) -> Ring:
    """One ring from its arc references. A negative index ~i is arc i reversed; consecutive arcs share
    their joining position, so it is kept once."""
    ring: Ring = []
    for index in arc_indexes:
        arc = list(arcs[index]) if index >= 0 else list(reversed(arcs[~index]))
        ring.extend(arc[1:] if ring else arc)
    return ring


def geometry_rings(geometry: dict) -> list[list[Sequence[int]]]:
    """The arc references of a Polygon or MultiPolygon as a list of polygons (each a list of rings)."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry["arcs"]]
    if kind == "MultiPolygon":
        return list(geometry["arcs"])
    return []  # null geometries and points carry no outline


def decode_topology(topology: dict, object_name: str = OBJECT_NAME) -> list[dict]:
    """GeoJSON Features (MultiPolygon geometry, absolute lon/lat) of one object of a TopoJSON topology.

    Each feature keeps the geometry's `id` and `properties`; arcs are not simplified here."""
    if topology.get("type") != "Topology":
        raise ValueError("not a TopoJSON topology (type must be 'Topology')")
    arcs = decode_arcs(topology)
    collection = topology["objects"][object_name]
    geometries = collection["geometries"] if collection.get("type") == "GeometryCollection" else [collection]
    features = []
    for geometry in geometries:
        polygons = [[stitch_ring(ring, arcs) for ring in polygon] for polygon in geometry_rings(geometry)]
        features.append({
            "type": "Feature",
            "id": geometry.get("id"),
            "properties": dict(geometry.get("properties") or {}),
            "geometry": {"type": "MultiPolygon", "coordinates": polygons},
        })
    return features


# --- Simplification ---------------------------------------------------------------------------------

def _distance_to_segment(p: Position, a: Position, b: Position) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 == 0.0:  # a closed arc (an island) has a == b: measure from the point
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def douglas_peucker(line: Sequence[Position], tolerance: float) -> list[Position]:
    """Douglas–Peucker with an explicit stack (arcs of 10k positions would overflow recursion).
    The end positions are always kept, so arcs shared by two countries stay joined."""
    if len(line) < 3:
        return list(line)
    keep = [False] * len(line)
    keep[0] = keep[-1] = True
    stack = [(0, len(line) - 1)]
    while stack:
        first, last = stack.pop()
        worst, worst_index = -1.0, -1
        for i in range(first + 1, last):
            d = _distance_to_segment(line[i], line[first], line[last])
            if d > worst:
                worst, worst_index = d, i
        if worst > tolerance:
            keep[worst_index] = True
            stack.append((first, worst_index))
            stack.append((worst_index, last))
    return [p for p, kept in zip(line, keep, strict=True) if kept]


def simplify_arcs(arcs: Sequence[Sequence[Position]], tolerance: float) -> list[list[Position]]:
    return [douglas_peucker(arc, tolerance) for arc in arcs]


# --- Output -----------------------------------------------------------------------------------------

def _rounded_ring(ring: Iterable[Position]) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in ring:
        point = [round(x, DECIMALS), round(y, DECIMALS)]
        if not out or out[-1] != point:  # rounding can merge neighbours
            out.append(point)
    return out


def _ring_area(ring: Sequence[Sequence[float]]) -> float:
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))


def clean_polygons(polygons: Sequence[Sequence[Ring]]) -> list[list[list[list[float]]]]:
    """Round, drop holes that collapsed to a speck, drop polygons whose outer ring collapsed."""
    kept = []
    for polygon in polygons:
        rings = [_rounded_ring(ring) for ring in polygon]
        if not _is_area(rings[0]):
            continue
        kept.append([rings[0], *(hole for hole in rings[1:] if _is_area(hole))])
    return kept


def _is_area(ring: Sequence[Sequence[float]]) -> bool:
    return len(ring) >= MIN_RING_POSITIONS and _ring_area(ring) != 0.0


def build_collection(topology: dict, tolerance: float) -> dict:
    """The afpak outlines FeatureCollection, simplified arc by arc."""
    simplified = dict(topology)
    simplified["arcs"] = simplify_arcs(decode_arcs(topology), tolerance)
    simplified.pop("transform", None)  # arcs are absolute now
    features = []
    for feature in decode_topology(simplified):
        code = COUNTRIES.get(str(feature["id"]))
        if code is None:
            continue
        iso2, focus = code
        polygons = clean_polygons(feature["geometry"]["coordinates"])
        features.append({
            "type": "Feature",
            "properties": {"iso2": iso2, "name": feature["properties"].get("name", iso2), "focus": focus},
            "geometry": {"type": "MultiPolygon", "coordinates": polygons},
        })
    features.sort(key=lambda f: (not f["properties"]["focus"], f["properties"]["iso2"]))
    missing = {iso2 for iso2, _ in COUNTRIES.values()} - {f["properties"]["iso2"] for f in features}
    if missing:
        raise ValueError(f"countries missing from the topology: {sorted(missing)}")
    return {
        "type": "FeatureCollection",
        "properties": {
            "source": f"Natural Earth 1:50m admin-0 countries via the npm package {PACKAGE}@{VERSION}",
            "source_licence": "Natural Earth: public domain; world-atlas: ISC (c) 2013-2019 Michael Bostock",
            "simplification": f"Douglas-Peucker per shared arc, tolerance {tolerance} degrees",
            "coordinate_decimals": DECIMALS,
            "built_by": "scripts/build_outlines.py",
        },
        "features": features,
    }


def fetch_topology(workdir: Path) -> dict:
    """`npm pack` the pinned world-atlas into workdir and read countries-50m.json from the tarball."""
    result = subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"], cwd=workdir,
                            capture_output=True, text=True, check=True)
    tarball = workdir / result.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball, "r:gz") as archive:
        member = archive.extractfile(TOPOLOGY_MEMBER)
        if member is None:
            raise FileNotFoundError(f"{TOPOLOGY_MEMBER} not in {tarball.name}")
        return json.load(member)


def write_collection(collection: dict, out: Path) -> int:
    # One feature per line keeps diffs readable without the bulk of full indentation.
    lines = [json.dumps(collection["properties"], ensure_ascii=False, separators=(",", ":"))]
    features = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"]]
    text = ('{"type":"FeatureCollection","properties":' + lines[0] + ',"features":[\n'
            + ",\n".join(features) + "\n]}\n")
    out.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE, help="degrees")
    parser.add_argument("--topology", type=Path, default=None, help="a local countries-50m.json")
    args = parser.parse_args(argv)
    if args.topology is not None:
        topology = json.loads(args.topology.read_text(encoding="utf-8"))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            topology = fetch_topology(Path(tmp))
    collection = build_collection(topology, args.tolerance)
    size = write_collection(collection, args.out)
    positions = sum(len(r) for f in collection["features"] for p in f["geometry"]["coordinates"] for r in p)
    print(f"wrote {len(collection['features'])} countries, {positions} positions, {size / 1024:.0f} KB "
          f"to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
