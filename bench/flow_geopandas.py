"""GeoPandas side of the `readme_flow` suite: the README's first answer as a script.

Usage: flow_geopandas.py DATA_DIR

What a GIS analyst would write instead of `stadtatlas import districts`,
`stadtatlas import partners.csv` and `stadtatlas matrix --by field`: read the
district layer and the partner CSV, join points to districts (`within`),
count partners per district and field of action. The harness times the whole
process (interpreter start and imports included), as it times the three
stadtatlas processes. Prints one JSON line: the per-district totals and the
count of partners in no district, so run.py can check that both agree.
"""

import json
import sys
from pathlib import Path

import geopandas
import pandas


def main(data_dir):
    """Counts per district and field; prints {"rows": {district: total}, "outside": n}."""
    districts = geopandas.read_file(data_dir / "districts.geojson")[["id", "geometry"]]
    partners = pandas.read_csv(data_dir / "partners.csv", usecols=["id", "fields", "lon", "lat"])
    points = geopandas.GeoDataFrame(
        partners,
        geometry=geopandas.points_from_xy(partners["lon"], partners["lat"]),
        crs="EPSG:4326",
    )
    joined = geopandas.sjoin(points, districts.to_crs("EPSG:4326"), predicate="within", how="left")
    fields = joined.assign(field=joined["fields"].str.split(";")).explode("field")
    matrix = fields.groupby(["id_right", "field"]).size().unstack(fill_value=0)
    totals = joined.groupby("id_right").size()
    print(json.dumps({
        "rows": {str(k): int(v) for k, v in totals.items()},
        "outside": int(joined["id_right"].isna().sum()),
        "cells": int(matrix.to_numpy().sum()),
    }))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
