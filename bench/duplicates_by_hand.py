#!/usr/bin/env python3
"""The duplicate advice on a set labelled by hand.

bench/duplicates_by_hand.csv holds pairs of names written by hand: each an
organisation of Halle as one source writes it (name_a, mostly the bundled
actors.csv) and as another would (name_b), labelled `same` = 1, and pairs
of two organisations that look alike, labelled 0. They are added to a
synthetic inventory (synth --names register; its own planted pairs in
duplicates.csv are labelled by the generator, not by hand), a few metres
apart, and `stadtatlas check` is asked for its likely duplicates.

    bench/duplicates_by_hand.py STADTATLAS DATA_DIR [--json OUT]

DATA_DIR is a synth output (atlas.toml, partners.csv, duplicates.csv). Prints
recall on the hand-labelled duplicates, the look-alike pairs wrongly listed,
and the precision of everything listed (planted and hand-labelled pairs
count as true, every other pair as false), with the pairs missed.
"""

import argparse
import csv
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def offset(lon, lat, east_m, north_m):
    """A point east_m and north_m metres from (lon, lat), on a sphere (close enough at < 100 m)."""
    r = 6_371_008.8
    dlat = math.degrees(north_m / r)
    dlon = math.degrees(east_m / (r * math.cos(math.radians(lat))))
    return lon + dlon, lat + dlat


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stadtatlas")
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = parser.parse_args()

    hand = list(csv.DictReader(open(HERE / "duplicates_by_hand.csv", newline="", encoding="utf-8")))
    planted = {frozenset((r["a"], r["b"]))
               for r in csv.DictReader(open(args.data_dir / "duplicates.csv", newline="", encoding="utf-8"))}

    with tempfile.TemporaryDirectory(prefix="stadtatlas-dup-") as tmp:
        tmp = Path(tmp)
        for name in ("atlas.toml", "districts.geojson"):
            shutil.copy(args.data_dir / name, tmp / name)
        with open(args.data_dir / "partners.csv", newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            fields = reader.fieldnames
            rows = list(reader)
        template = dict(rows[0])
        # One record per name and place: a name in several pairs is one record.
        ids = {}
        names = {}
        labelled = []

        def record(name, lon, lat):
            key = (name, round(lon, 7), round(lat, 7))
            if key not in ids:
                ident = f"hand{len(ids) + 1:03d}"
                ids[key] = ident
                names[ident] = name
                row = dict(template)
                row.update({"id": ident, "name": name, "lon": f"{lon:.7f}", "lat": f"{lat:.7f}",
                            "address": "", "source": "bench/duplicates_by_hand.csv (labelled by hand)"})
                rows.append(row)
            return ids[key]

        for k, pair in enumerate(hand):
            lon, lat = float(pair["lon"]), float(pair["lat"])
            a = record(pair["name_a"], lon, lat)
            # The second source's point: 10-58 m away, in a direction of its own.
            angle = math.radians(37 * k)
            distance = 10 + (k * 7) % 49
            b = record(pair["name_b"], *offset(lon, lat, distance * math.cos(angle), distance * math.sin(angle)))
            labelled.append((a, b, pair["same"] == "1"))
        with open(tmp / "partners.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
        store = tmp / "store.gpkg"
        subprocess.run([args.stadtatlas, "-q", "--store", store, "import", tmp / "atlas.toml"],
                       check=True, stdout=subprocess.DEVNULL)
        out = subprocess.run([args.stadtatlas, "--store", store, "check", "--format", "json"],
                             capture_output=True, text=True)
        if out.returncode not in (0, 1):
            sys.exit(f"check failed ({out.returncode}): {out.stderr}")

    listed = set()
    for finding in json.loads(out.stdout):
        if finding.get("check") != "duplicate" or not finding.get("id"):
            continue
        match = re.search(r"\(([^()]+)\): ", finding.get("detail", ""))
        if match:
            listed.add(frozenset((finding["id"], match.group(1))))
    same = [(a, b) for a, b, s in labelled if s]
    other = [(a, b) for a, b, s in labelled if not s]
    found = [p for p in same if frozenset(p) in listed]
    wrong = [p for p in other if frozenset(p) in listed]
    true_pairs = planted | {frozenset(p) for p in same}
    listed_true = len(listed & true_pairs)
    hand_listed = [p for p in listed if any(i.startswith("hand") for i in p)]
    figures = {
        "hand_duplicates": len(same),
        "hand_found": len(found),
        "hand_recall": round(len(found) / len(same), 3),
        "hand_lookalikes": len(other),
        "hand_lookalikes_listed": len(wrong),
        "listed": len(listed),
        "listed_true": listed_true,
        "precision": round(listed_true / len(listed), 3) if listed else None,
        "listed_with_a_hand_record": len(hand_listed),
        "listed_with_a_hand_record_true": len([p for p in hand_listed if p in true_pairs]),
    }
    print(f"hand-labelled duplicates found: {len(found)} of {len(same)} (recall {figures['hand_recall']})")
    print(f"hand-labelled look-alikes listed as duplicates: {len(wrong)} of {len(other)}")
    print(f"pairs listed: {len(listed)}, true (planted or by hand): {listed_true}, precision {figures['precision']}")
    print(f"pairs listed with a hand record: {len(hand_listed)}, true {figures['listed_with_a_hand_record_true']}")
    for a, b in same:
        if frozenset((a, b)) not in listed:
            print(f"  missed: {names[a]!r} / {names[b]!r}")
    for a, b in wrong:
        print(f"  look-alike listed: {names[a]!r} / {names[b]!r}")
    for p in hand_listed:
        if p not in true_pairs:
            a, b = sorted(p)
            print(f"  listed, not labelled: {names.get(a, a)!r} / {names.get(b, b)!r}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
