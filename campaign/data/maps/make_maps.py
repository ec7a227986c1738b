"""Write the results pages' maps (world.json, us-states.json) from the pinned TopoJSON packages
`world-atlas` 2.0.2 (Natural Earth 4.1.0, public domain) and `us-atlas` 3.0.1 (Census Bureau
cartographic boundaries 2017, public domain), both ISC-licensed packages in package.json (see
NOTICE.md). Run it by hand after `npm ci` when those packages change; the app reads only the
JSON it writes, so serving the site needs neither node nor these packages:

    .venv/bin/python campaign/data/maps/make_maps.py

Everything costly is done here, once: decoding the topology, projecting (Equal Earth for the
world; the US file comes projected with d3.geoAlbersUsa, Alaska and Hawaii inset), simplifying
each shared border once (Douglas-Peucker, so neighbours still meet), rounding to whole units of
the viewBox and writing each place as one SVG path. A place too small to see at this scale
(Singapore, Hong Kong, the District of Columbia) gets a dot at its position instead.
"""
import json
import math
import sys
from pathlib import Path

from babel.core import get_global

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
MODULES = ROOT / "node_modules"
WORLD_SOURCE = MODULES / "world-atlas" / "countries-50m.json"
US_SOURCE = MODULES / "us-atlas" / "states-albers-10m.json"
US_STATES = ROOT / "campaign" / "data" / "us_states.csv"

# Natural Earth features without an ISO 3166 number: the country ISO 3166 (and so the form's
# country list) counts them in, or their own CLDR code. Siachen Glacier and the Indian Ocean
# Territories are too small to matter and are left out.
WORLD_UNNUMBERED = {"Somaliland": "SO", "N. Cyprus": "CY", "Kosovo": "XK"}
# Antarctica: nobody signs from there, and it would take a fifth of the map's height.
WORLD_LEFT_OUT = {"AQ"}
WORLD_LATITUDES = (-57.0, 84.0)  # crop: southern tip of South America to the north of Greenland

WORLD_WIDTH = 1000  # viewBox units; paths are rounded to whole units
WORLD_TOLERANCE = 0.6  # Douglas-Peucker tolerance, in viewBox units
US_SCALE = 1.0  # us-atlas is already in a 975x610 viewport
US_TOLERANCE = 0.7
SMALLEST_RING = 2.0  # area in square units below which an island is dropped
DOT_BELOW = 4.0  # a place whose largest ring is smaller than this (square units) gets a dot instead


# --- TopoJSON -------------------------------------------------------------------------------

def decode_arcs(topology):
    """Absolute coordinates of every arc (TopoJSON quantized, delta-encoded arcs)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            if transform:
                x, y = x + dx, y + dy
                sx, sy = transform["scale"]
                tx, ty = transform["translate"]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((dx, dy))
        arcs.append(points)
    return arcs


def polygons(geometry):
    if geometry.get("type") == "Polygon":
        return [geometry["arcs"]]
    if geometry.get("type") == "MultiPolygon":
        return geometry["arcs"]
    return []


# --- projection and simplification ------------------------------------------------------------

A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def equal_earth(lon, lat):
    """Equal Earth projection (Šavrič, Patterson, Jenny 2018) of degrees, unit sphere."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


def douglas_peucker(points, tolerance):
    """The points of a line kept within `tolerance` of it; both ends always kept."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        worst, index = 0.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            if length == 0:
                distance = math.hypot(px - x1, py - y1)
            else:
                distance = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / length
            if distance > worst:
                worst, index = distance, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep) if kept]


def ring_points(ring, arcs):
    """The points of a ring made of arcs (~i: arc i reversed), without repeats."""
    points = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        for point in arc:
            if not points or points[-1] != point:
                points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    return points


def rounded(points):
    """Points rounded to whole units, without repeats."""
    kept = []
    for x, y in points:
        point = (round(x), round(y))
        if not kept or kept[-1] != point:
            kept.append(point)
    if len(kept) > 1 and kept[0] == kept[-1]:
        kept.pop()
    return kept


def unwrap(points):
    """Longitudes made continuous (179, -179 becomes 179, 181)."""
    if not points:
        return points
    result = [points[0]]
    for lon, lat in points[1:]:
        previous = result[-1][0]
        lon += 360 * round((previous - lon) / 360)
        result.append((lon, lat))
    return result


def wrap(points):
    return [((lon + 180) % 360 - 180 if not -180 <= lon <= 180 else lon, lat) for lon, lat in points]


def centred(ring):
    """A ring continuous across the 180th meridian, moved by 360 degrees so that most of it is on
    the map (the rest is cut off at the map's edge)."""
    ring = unwrap(ring)
    middle = sum(lon for lon, _ in ring) / len(ring)
    shift = -360 if middle > 180 else 360 if middle < -180 else 0
    return [(lon + shift, lat) for lon, lat in ring]


def area(points):
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1]))) / 2


def centroid(points):
    return (round(sum(x for x, _ in points) / len(points)), round(sum(y for _, y in points) / len(points)))


def path(rings):
    """SVG path data: an absolute move, then relative lines, per ring (the smallest text)."""
    parts = []
    for points in rings:
        (x0, y0), text = points[0], [f"M{points[0][0]} {points[0][1]}l"]
        numbers = []
        for x, y in points[1:]:
            numbers += [x - x0, y - y0]
            x0, y0 = x, y
        for number in numbers:
            text.append(f"{number}" if number < 0 or text[-1].endswith("l") else f" {number}")
        parts.append("".join(text) + "z")
    return "".join(parts)


def shapes(features, arcs, project):
    """{code: path data} and {code: [x, y]} dots, from [(code, geometry)] and simplified arcs;
    `project` turns a ring's points into viewBox units."""
    rings, whole = {}, {}
    for code, geometry in features:
        for polygon in polygons(geometry):
            for ring in polygon:
                projected = project(ring_points(ring, arcs))
                whole.setdefault(code, []).append(projected)
                points = rounded(projected)
                if len(points) >= 3:
                    rings.setdefault(code, []).append(points)
    paths, dots = {}, {}
    for code in sorted(whole):
        its_rings = rings.get(code, [])
        if not its_rings or area(max(its_rings, key=area)) < DOT_BELOW:
            # Too small to draw: a dot where its largest island is (before simplifying).
            dots[code] = list(centroid(max(whole[code], key=area)))
            continue
        kept = [points for points in its_rings if area(points) >= SMALLEST_RING]
        paths[code] = path(kept)
    return paths, dots


# --- the two maps ---------------------------------------------------------------------------

def world():
    topology = json.loads(WORLD_SOURCE.read_text(encoding="utf-8"))
    numbers = {number: codes[0] for number, codes in get_global("territory_aliases").items()
               if number.isdigit() and len(codes) == 1}
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry.get("properties", {}).get("name")
        code = numbers.get(geometry.get("id")) if geometry.get("id") else WORLD_UNNUMBERED.get(name)
        if code and code not in WORLD_LEFT_OUT:
            features.append((code, geometry))
    x_max, _ = equal_earth(180, 0)
    scale = WORLD_WIDTH / (2 * x_max)
    _, top = equal_earth(0, WORLD_LATITUDES[1])
    _, bottom = equal_earth(0, WORLD_LATITUDES[0])

    def project(lon, lat):
        x, y = equal_earth(lon, max(min(lat, 89.9), -89.9))
        return (x + x_max) * scale, (top - y) * scale

    # Borders are simplified in degrees (each once, so neighbours still meet), then each ring is
    # made continuous across the 180th meridian (Russia, Fiji) before it is projected.
    tolerance = math.degrees(WORLD_TOLERANCE / scale)
    arcs = [wrap(douglas_peucker(unwrap(arc), tolerance)) for arc in decode_arcs(topology)]
    paths, dots = shapes(features, arcs, project=lambda ring: [project(lon, lat) for lon, lat in centred(ring)])
    height = math.ceil((top - bottom) * scale)
    return {"source": "world-atlas 2.0.2, countries-50m.json (Natural Earth 4.1.0, public domain)",
            "projection": "Equal Earth", "view_box": [0, 0, WORLD_WIDTH, height], "shapes": paths, "dots": dots}


def us_states():
    import csv
    with US_STATES.open(encoding="utf-8", newline="") as handle:
        codes = {row["fips"]: row["code"] for row in csv.DictReader(handle)}
    topology = json.loads(US_SOURCE.read_text(encoding="utf-8"))
    features = [(codes[geometry["id"]], geometry) for geometry in topology["objects"]["states"]["geometries"]]
    arcs = [douglas_peucker([(x * US_SCALE, y * US_SCALE) for x, y in arc], US_TOLERANCE)
            for arc in decode_arcs(topology)]
    paths, dots = shapes(features, arcs, project=lambda ring: ring)
    return {"source": "us-atlas 3.0.1, states-albers-10m.json (Census Bureau cartographic boundaries 2017, "
                      "public domain)", "projection": "Albers USA (d3.geoAlbersUsa, Alaska and Hawaii inset)",
            "view_box": [0, 0, 975, 610], "shapes": paths, "dots": dots}


def write(name, data):
    target = HERE / name
    target.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n",
                      encoding="utf-8")
    print(f"{target.relative_to(ROOT)}: {len(data['shapes'])} shapes, {len(data['dots'])} dots, "
          f"{target.stat().st_size} bytes", file=sys.stderr)


def main():
    write("world.json", world())
    write("us-states.json", us_states())


if __name__ == "__main__":
    main()
