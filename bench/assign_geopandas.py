"""GeoPandas side of the `assign` suite: which district holds each partner?

Usage: assign_geopandas.py DATA_DIR [--runs R]

Reads DATA_DIR/partners.csv and DATA_DIR/districts.geojson before any timing,
then times only `geopandas.sjoin(points, districts, predicate="within",
how="inner")`, R times, and prints one JSON line to stdout in the shape that
`bench_assign` prints for stadtatlas:

    {"suite": "assign", "tool": "geopandas", "n": ..., "polygons": ...,
     "vertices": ..., "runs_s": [...], "median_s": ..., "matched": ...}

run.py starts this as its own process so that its peak RSS is measured the
same way as that of `bench_assign` (whole process, loading included).

Every run gets a freshly built points GeoDataFrame (built outside the timed
part): sjoin with "within" builds its STRtree on the points and caches it on
the frame, so reusing one frame would time the tree only in the first run.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import geopandas
import pandas
import shapely


def parse_args(argv):
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path, help="folder with partners.csv and districts.geojson")
    parser.add_argument("--runs", type=int, default=5, help="timed runs (default 5)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def read_partners(path):
    """The partners table as pandas reads it (lon/lat as floats)."""
    return pandas.read_csv(path)


def make_points(partners):
    """A fresh GeoDataFrame of the partners' positions, WGS84."""
    geometry = geopandas.points_from_xy(partners["lon"], partners["lat"])
    return geopandas.GeoDataFrame(geometry=geometry, crs=4326)


def read_districts(path):
    """The district polygons, in WGS84 like the points."""
    districts = geopandas.read_file(path)
    if districts.crs is None:
        districts = districts.set_crs(4326)
    return districts.to_crs(4326)


def timed_sjoin(points, districts):
    """Seconds for one spatial join, and the joined frame."""
    start = time.perf_counter()
    joined = geopandas.sjoin(points, districts, predicate="within", how="inner")
    elapsed = time.perf_counter() - start
    return elapsed, joined


def measure(partners, districts, runs):
    """Run the join `runs` times; return the durations and the last result."""
    durations = []
    joined = None
    for _ in range(runs):
        points = make_points(partners)
        elapsed, joined = timed_sjoin(points, districts)
        durations.append(elapsed)
    return durations, joined


def main(argv=None):
    """Load, measure and print the JSON line."""
    args = parse_args(argv)
    partners = read_partners(args.data_dir / "partners.csv")
    districts = read_districts(args.data_dir / "districts.geojson")
    durations, joined = measure(partners, districts, args.runs)
    vertices = int(shapely.get_num_coordinates(districts.geometry.values).sum())
    record = {
        "suite": "assign",
        "tool": "geopandas",
        "n": len(partners),
        "polygons": len(districts),
        "vertices": vertices,
        "runs_s": durations,
        "median_s": statistics.median(durations),
        "matched": len(joined),
        "matched_points": int(joined.index.nunique()),
        "threads": 1,
    }
    print(json.dumps(record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
