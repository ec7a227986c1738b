"""Write zip_places.csv from the `zipcodes` package (PyPI, MIT): the few facts per ZIP code that
the congress form needs (see NOTICE-zip-places.md). Not used by the app; run it by hand to
refresh the file, in a throwaway virtualenv:

    pip install zipcodes==3.0.0
    python campaign/data/congress/make_zip_places.py > campaign/data/congress/zip_places.csv
"""
import csv
import sys

import zipcodes

# Military ZIP codes (APO/FPO) have no U.S. state; the form's state list has none of AA, AE, AP.
SKIPPED_TYPES = {"MILITARY"}


def rows():
    for place in sorted(zipcodes.list_all(), key=lambda place: place["zip_code"]):
        if place["zip_code_type"] in SKIPPED_TYPES or len(place["state"]) != 2:
            continue
        # Two decimals (about 1 km) are enough to tell which places are near a ZIP code.
        lat = f"{float(place['lat']):.2f}" if place["lat"] else ""
        lon = f"{float(place['long']):.2f}" if place["long"] else ""
        yield place["zip_code"], place["state"], place["city"], lat, lon


def main():
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(("zip", "state", "city", "lat", "lon"))
    writer.writerows(rows())


if __name__ == "__main__":
    main()
