"""Plot and tabulate bench/results/results.jsonl.

Writes bench/results/scaling.svg (log-log: entities against median seconds,
one line per suite and tool, a dashed O(n) reference) and prints Markdown
tables to stdout: one per suite, then the assign speed-up against GeoPandas
and the import speed-up against ogr2ogr per size. bench/run.sh saves them as
bench/results/tables.md.

When a (suite, tool, n) was measured more than once (run.py --append), the
last record wins.
"""

import argparse
import json
import math
import statistics
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (the backend is chosen first)

BENCH = Path(__file__).resolve().parent
from run import SUITES  # noqa: E402 (one list of suites, kept in run.py)
SUITE_ORDER = SUITES
SUITE_TITLES = {
    "assign": "assign: points to districts (in process, data loaded)",
    "import": "import: whole process, fresh output file per run",
    "near_cold": "near --at Marktplatz --within 500, densest place (new process per run)",
    "near_cold_typical": "near --at 11.90,51.50 --within 500, ordinary place (new process per run)",
    "where_point_cold": "where POINT (new process per run)",
    "where_id_cold": "where ID (new process per run)",
    "matrix": "matrix --level gebiet --by field (new process per run)",
}
OURS = "stadtatlas"


# ---------------------------------------------------------------- input


def read_records(path):
    """All JSON records of a results file, in order."""
    records = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.strip()
            if not line:
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as error:
                print(f"warning: {path}:{number}: not JSON ({error})", file=sys.stderr)
    return records


def split_records(records):
    """The machine record, the latest measurement per key, and the errors."""
    machine = {}
    measured = {}
    errors = {}
    for record in records:
        if record.get("suite") == "machine":
            machine = record
            continue
        key = (record.get("suite"), record.get("tool"), record.get("n"))
        if "error" in record:
            errors[key] = record
            measured.pop(key, None)
        else:
            measured[key] = record
            errors.pop(key, None)
    return machine, measured, errors


def suite_rank(suite):
    """Sort position of a suite (unknown suites last)."""
    if suite in SUITE_ORDER:
        return SUITE_ORDER.index(suite)
    return len(SUITE_ORDER)


def tool_rank(tool):
    """stadtatlas first, then the others by name."""
    return (tool != OURS, tool)


def sorted_keys(measured):
    """Keys ordered by suite, then size, then tool."""
    return sorted(measured, key=lambda key: (suite_rank(key[0]), key[2], tool_rank(key[1])))


# ---------------------------------------------------------------- formatting


def machine_line(machine):
    """One line describing the machine."""
    if not machine:
        return "unknown machine"
    return f"{machine.get('cpu', '?')}, {machine.get('cores', '?')} cores, " \
           f"{machine.get('ram_gib', '?')} GiB RAM"


def format_seconds(seconds):
    """Seconds with three significant digits, in ms below one second."""
    if seconds is None:
        return "–"
    if seconds < 1:
        return f"{seconds * 1000:.3g} ms"
    return f"{seconds:.3g} s"


def format_count(value):
    """An integer with thousands separators, or a dash."""
    if value is None:
        return "–"
    return f"{value:,}"


def format_mb(value):
    """Megabytes, one decimal, or a dash."""
    if value is None:
        return "–"
    return f"{value:.1f}"


def format_speedup(slow, fast):
    """How many times faster `fast` is than `slow`."""
    if slow is None or fast is None or fast <= 0:
        return "–"
    return f"{slow / fast:.3g}×"


def run_extremes(record):
    """(min, max) of a record's runs."""
    runs = record.get("runs_s") or []
    low = record.get("min_s", min(runs) if runs else None)
    high = record.get("max_s", max(runs) if runs else None)
    return low, high


def detail(record):
    """The suite-specific column of a record."""
    suite = record.get("suite")
    if suite == "assign":
        parts = [f"matched {format_count(record.get('matched'))}"]
        if record.get("agree") is False:
            parts.append("**DISAGREES**")
        if record.get("threads") is not None:
            parts.append(f"{record['threads']} thread(s)")
        if record.get("median_1thread_s") is not None:
            parts.append(f"one core {format_seconds(record['median_1thread_s'])}")
        if record.get("index_s") is not None:
            parts.append(f"index build {format_seconds(record['index_s'])} untimed")
        return "; ".join(parts)
    if suite == "import":
        return f"output {record.get('output_bytes', 0) / 1e6:.1f} MB"
    if suite == "matrix":
        return f"{format_count(record.get('stdout_bytes'))} bytes of JSON"
    return f"hits {format_count(record.get('hits'))}"


def markdown_table(headers, rows):
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |",
             "|" + "|".join("---" for _ in headers) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(str(cell) for cell in row) + " |")
    return "\n".join(lines)


# ---------------------------------------------------------------- tables


def suite_table(suite, measured):
    """The Markdown section of one suite."""
    rows = []
    for key in sorted_keys(measured):
        if key[0] != suite:
            continue
        record = measured[key]
        low, high = run_extremes(record)
        rows.append([format_count(record["n"]), record["tool"],
                     format_seconds(record.get("median_s")), format_seconds(low),
                     format_seconds(high), format_mb(record.get("peak_rss_mb")),
                     len(record.get("runs_s", [])), detail(record)])
    headers = ["n", "tool", "median", "min", "max", "peak RSS MB", "runs", "detail"]
    title = SUITE_TITLES.get(suite, suite)
    return f"### {title}\n\n" + markdown_table(headers, rows)


def speedup_table(measured, suite, other, title):
    """stadtatlas against another tool, per n, in one suite."""
    sizes = sorted({n for (s, _, n) in measured if s == suite})
    rows = []
    for n in sizes:
        ours = measured.get((suite, OURS, n), {})
        theirs = measured.get((suite, other, n), {})
        row = [format_count(n), format_seconds(ours.get("median_s")),
               format_seconds(theirs.get("median_s")),
               format_speedup(theirs.get("median_s"), ours.get("median_s"))]
        if suite == "assign":
            row.append(format_speedup(theirs.get("median_s"), ours.get("median_1thread_s")))
            row.append(agreement_cell(theirs))
        rows.append(row)
    headers = ["n", OURS, other, f"speed-up ({other} / {OURS})"]
    if suite == "assign":
        headers.append(f"speed-up, {OURS} on one core")
        headers.append("matched counts agree")
    return f"### {title}\n\n" + markdown_table(headers, rows)


def agreement_cell(record):
    """yes / **NO** / – for the geopandas assign record."""
    agree = record.get("agree")
    if agree is None:
        return "–"
    return "yes" if agree else "**NO**"


def errors_section(errors):
    """The failed measurements, if any."""
    if not errors:
        return ""
    lines = ["### Failed measurements", ""]
    for (suite, tool, n), record in sorted(errors.items(), key=lambda item: str(item[0])):
        first_line = record["error"].splitlines()[0]
        lines.append(f"- {suite} / {tool} / n={n}: `{first_line}`")
    return "\n".join(lines)


def machine_section(machine):
    """The machine and versions, as a short list."""
    lines = [f"Machine: {machine_line(machine)}; kernel {machine.get('kernel', '?')}; "
             f"{machine.get('date', '?')}", ""]
    versions = [("rustc", "rustc"), ("stadtatlas", "stadtatlas"), ("commit", "git_commit"),
                ("Python", "python"), ("GeoPandas", "geopandas"), ("Shapely", "shapely"),
                ("GEOS", "geos"), ("pyogrio", "pyogrio"), ("GDAL (pyogrio)", "gdal_pyogrio"),
                ("GDAL (ogr2ogr)", "gdal_ogr2ogr"), ("pandas", "pandas")]
    for label, key in versions:
        if machine.get(key) is not None:
            lines.append(f"- {label}: {machine[key]}")
    if machine.get("git_dirty"):
        lines.append("- the work tree had uncommitted changes")
    lines.append(f"- peak RSS measured with: {machine.get('rss_source', '?')}")
    return "\n".join(lines)


def markdown_report(machine, measured, errors):
    """Everything plot.py prints."""
    sections = ["## Benchmark results", machine_section(machine)]
    suites = sorted({key[0] for key in measured}, key=suite_rank)
    for suite in suites:
        sections.append(suite_table(suite, measured))
    if any(key[0] == "assign" for key in measured):
        sections.append(speedup_table(measured, "assign", "geopandas",
                                      "assign speed-up vs GeoPandas"))
    if any(key[0] == "import" for key in measured):
        sections.append(speedup_table(measured, "import", "ogr2ogr",
                                      "import speed-up vs ogr2ogr"))
    failed = errors_section(errors)
    if failed:
        sections.append(failed)
    return "\n\n".join(sections) + "\n"


# ---------------------------------------------------------------- plot


def series_of(measured):
    """{(suite, tool): [(n, median_s), ...]} sorted by n."""
    series = {}
    for key in sorted_keys(measured):
        suite, tool, n = key
        series.setdefault((suite, tool), []).append((n, measured[key]["median_s"]))
    return series


def reference_line(series):
    """(xs, ys) of an O(n) line starting at the geometric mean of the medians
    at the smallest size (so that it lies among the lines, on none of them)."""
    smallest_n = min(points[0][0] for points in series.values())
    at_smallest = [points[0][1] for points in series.values()
                   if points[0][0] == smallest_n and points[0][1] > 0] or [1e-3]
    anchor = math.exp(statistics.fmean(math.log(value) for value in at_smallest))
    largest_n = max(points[-1][0] for points in series.values())
    xs = [smallest_n, max(largest_n, smallest_n * 10)]
    return xs, [anchor * x / smallest_n for x in xs]


def plot_scaling(machine, measured, out_path):
    """Write the log-log scaling plot."""
    plt.rcParams["svg.hashsalt"] = "stadtatlas-bench"
    series = series_of(measured)
    figure, axes = plt.subplots(figsize=(10, 6.5))
    for (suite, tool), points in series.items():
        xs = [n for n, _ in points]
        ys = [value for _, value in points]
        style = "-" if tool == OURS else "-."
        axes.plot(xs, ys, style, marker="o", linewidth=1.6, label=f"{suite} · {tool}")
    if series:
        ref_x, ref_y = reference_line(series)
        axes.plot(ref_x, ref_y, "--", color="black", linewidth=1.0, alpha=0.7,
                  label="O(n) reference (slope 1)")
    all_n = [n for (_, _, n) in measured] or [1000, 1000000]
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlim(min(min(all_n), 1000) / 1.5, max(max(all_n), 1000000) * 1.5)
    axes.set_xlabel("entities (n)")
    axes.set_ylabel("median wall time (s)")
    axes.set_title(f"stadtatlas benchmarks: scaling with n\n{machine_line(machine)}")
    axes.grid(True, which="major", linestyle=":", linewidth=0.6)
    axes.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=9, frameon=False)
    figure.tight_layout()
    figure.savefig(out_path, metadata={"Date": None})
    # A PNG beside the SVG, for viewers without SVG.
    figure.savefig(out_path.with_suffix(".png"), dpi=110, metadata={"Software": None})
    plt.close(figure)


# ---------------------------------------------------------------- main


def parse_args(argv):
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=BENCH / "results" / "results.jsonl")
    parser.add_argument("--svg", type=Path, default=BENCH / "results" / "scaling.svg")
    return parser.parse_args(argv)


def main(argv=None):
    """Read the results, write the SVG, print the tables."""
    args = parse_args(argv)
    if not args.results.exists():
        print(f"error: {args.results} does not exist (run bench/run.sh first)", file=sys.stderr)
        return 1
    machine, measured, errors = split_records(read_records(args.results))
    args.svg.parent.mkdir(parents=True, exist_ok=True)
    plot_scaling(machine, measured, args.svg)
    print(markdown_report(machine, measured, errors), end="")
    print(f"wrote {args.svg}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
