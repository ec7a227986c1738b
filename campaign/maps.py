"""The results pages' maps: SVG path data made once from the pinned map packages by
campaign/data/maps/make_maps.py (sources and licences in campaign/data/maps/NOTICE.md), read
once per process. Nothing is projected or simplified while serving a page.

Colours: a sequential scale from the viridis palette (perceptually even, readable with every
common colour-vision deficiency and in greyscale), five classes at most, and one grey for a
place with fewer than RESULTS_MIN_COUNT signers, nobody included: the map never tells a place
with one signer from a place with none.
"""
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MAPS_DIR = Path(__file__).parent / "data" / "maps"

# Viridis, light to dark (matplotlib's colormap sampled at 0.95, 0.75, 0.55, 0.35, 0.1).
CLASS_COLOURS = ("#e2e418", "#7ad151", "#22a884", "#2a788e", "#482475")
FEWER_COLOUR = "#d6d6d6"
# Class edges are taken from these steps times powers of ten: 5, 10, 25, 50, 100, 250, ...
NICE_STEPS = (1, 2.5, 5)


@dataclass(frozen=True)
class Map:
    view_box: str
    shapes: dict  # place code -> SVG path data
    dots: dict  # place code -> (x, y): places too small to draw at this scale
    source: str

    def places(self):
        return set(self.shapes) | set(self.dots)


@lru_cache(maxsize=4)
def load_map(name):
    data = json.loads((MAPS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return Map(view_box=" ".join(str(number) for number in data["view_box"]), shapes=data["shapes"],
               dots={code: tuple(point) for code, point in data["dots"].items()}, source=data["source"])


def world_map():
    return load_map("world")


def us_map():
    return load_map("us-states")


@dataclass(frozen=True)
class ColourClass:
    number: int  # 1 (fewest) to len(CLASS_COLOURS) (most)
    low: int
    high: int | None  # None: "or more"
    colour: str


def colour_classes(largest, minimum):
    """The classes for counts from `minimum` to `largest` (none when nothing reaches `minimum`):
    edges at round numbers, spaced evenly on a log scale, at most len(CLASS_COLOURS)."""
    if largest < minimum:
        return ()
    edges = [minimum]
    ratio = (largest / minimum) ** (1 / len(CLASS_COLOURS)) if largest > minimum else 1
    for step in range(1, len(CLASS_COLOURS)):
        edge = _round_number(minimum * ratio ** step)
        if edge > edges[-1] and edge <= largest:
            edges.append(edge)
    # The darkest colour always goes to the largest counts.
    colours = CLASS_COLOURS[len(CLASS_COLOURS) - len(edges):]
    return tuple(ColourClass(index + 1, low, edges[index + 1] - 1 if index + 1 < len(edges) else None, colour)
                 for index, (low, colour) in enumerate(zip(edges, colours)))


def _round_number(value):
    power = 10 ** math.floor(math.log10(value))
    return int(min((step * power for step in NICE_STEPS + (10,)), key=lambda nice: abs(math.log(nice / value))))


def colour_of(count, classes):
    """The fill of a place: its class's colour, or grey where its count is hidden (None)."""
    if count is None:
        return FEWER_COLOUR
    for colour_class in reversed(classes):
        if count >= colour_class.low:
            return colour_class.colour
    return FEWER_COLOUR
