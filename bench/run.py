"""Benchmark harness of stadtatlas: measures each suite for each size N.

Usually started by bench/run.sh, which installs the prerequisites, builds the
binaries and generates bench/data/N/. Writes one JSON object per line to
bench/results/results.jsonl (overwritten at the start unless --append) and
prints progress to stderr.

Suites (in this order):
  assign            stadtatlas `bench_assign` (in-process) vs GeoPandas sjoin
  import            whole-process `stadtatlas import` vs `ogr2ogr` (CSV -> GPKG)
  near_cold         `stadtatlas near --at POINT --within 500`, new process per run
                    (POINT: the Marktplatz, the densest place: the worst case)
  near_cold_typical the same at TYPICAL_POINT, an ordinary neighbourhood
  where_point_cold  `stadtatlas where POINT`, new process per run
  where_id_cold     `stadtatlas where ID` (first id of partners.csv)
  matrix            `stadtatlas matrix --level gebiet --by field`
  locate            a register of N addresses, N/10 partners with an address and
                    no point: `bench_locate` times indexing and matching in
                    process (records locate_index, locate_match), and the whole
                    `stadtatlas locate --register register.csv` process on a
                    fresh copy of a store holding the partners (record locate)
  postgis           the shared store on a PostgreSQL/PostGIS server (--pg):
                    `stadtatlas import` vs `ogr2ogr -f PostgreSQL` (COPY), then
                    the query suites above against it (tool stadtatlas-postgis)

"cold" means a new process per run; the OS page cache is warm (the harness
does not drop caches).

Peak RSS: a child's own rusage (os.wait4) is not usable as such on Linux,
because exec() carries the parent's high-water RSS into the child's
ru_maxrss: a child of this Python process never reports less than this
process's peak. Each command is therefore started through GNU time
(/usr/bin/time, a ~1 MB process), which forks, execs the command and reports
the command's own ru_maxrss (from its wait4). Without GNU time the harness
falls back to os.wait4 on the child and marks the records with
"rss_source": "wait4-inflated".
"""

import argparse
import csv
import datetime
import importlib.metadata
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
DEFAULT_SIZES = [1000, 10000, 100000, 1000000]
SUITES = [
    "assign",
    "import",
    "near_cold",
    "near_cold_typical",
    "where_point_cold",
    "where_id_cold",
    "matrix",
    "show_cold",
    "in_cold",
    "districts",
    "gaps",
    "import_small",
    "readme_flow",
    "duplicates",
    "locate",
    "postgis",
    "serve",
]
PG_TOOL = "stadtatlas-postgis"
QUERY_SUITES = ["near_cold", "near_cold_typical", "where_point_cold", "where_id_cold", "matrix",
                "show_cold", "in_cold", "districts", "gaps"]
# Aggregates over the whole store, run --runs times (not MIN_QUERY_RUNS); no row count.
AGGREGATES = ("matrix", "districts", "gaps", "show_cold")
# The smallest synthetic district: `in` answers with a small share of the store.
IN_DISTRICT = "g9"
# The Marktplatz: the centre of the densest cluster (the worst case).
POINT = "11.9697,51.4828"
# A residential edge of Halle-Neustadt: an ordinary neighbourhood.
TYPICAL_POINT = "11.90,51.50"
NEAR_METRES = "500"
MIN_QUERY_RUNS = 7
GNU_TIME = Path("/usr/bin/time")
RSS_MARKER = "peak_rss_kb="
# Exit codes of `near`/`where` that are answers, not failures (1: found nothing).
QUERY_OK_CODES = (0, 1)


# ---------------------------------------------------------------- processes


class CommandFailed(Exception):
    """A measured command exited with an unexpected code or timed out."""

    def __init__(self, cmd, reason, stderr):
        self.cmd = [str(part) for part in cmd]
        self.reason = reason
        self.stderr = stderr
        super().__init__(self.describe())

    def describe(self):
        """The command, what went wrong, and the end of its stderr."""
        tail = self.stderr.strip()[-4000:] or "(no stderr)"
        return f"command {self.reason}: {shlex.join(self.cmd)}\n--- its stderr ---\n{tail}"


@dataclass
class Measurement:
    """One finished child process."""

    wall_s: float
    peak_rss_kb: int
    returncode: int
    stdout: str
    stderr: str


def launcher_prefix(rss_file):
    """The GNU time prefix that writes the child's peak RSS to rss_file."""
    if not GNU_TIME.exists():
        return []
    return [str(GNU_TIME), "-f", RSS_MARKER + "%M", "-o", str(rss_file), "--"]


def rss_source():
    """How peak RSS is measured on this machine (recorded in each record)."""
    return "gnu-time" if GNU_TIME.exists() else "wait4-inflated"


def read_gnu_time_rss(rss_file):
    """Peak RSS in KiB that GNU time wrote, or None."""
    try:
        text = Path(rss_file).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(RSS_MARKER):
            return int(line[len(RSS_MARKER):])
    return None


def kill_group(pid):
    """Kill a timed-out child and whatever it started."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def start_deadline(pid, timeout, expired):
    """A timer that sets `expired` and kills the child after `timeout` seconds."""
    if not timeout:
        return None

    def on_timeout():
        expired.set()
        kill_group(pid)

    timer = threading.Timer(timeout, on_timeout)
    timer.daemon = True
    timer.start()
    return timer


def read_back(handle):
    """Everything a temporary file received, as text."""
    handle.seek(0)
    return handle.read().decode("utf-8", errors="replace")


def run_measured(cmd, ok_codes=(0,), timeout=None):
    """Run cmd once; return its wall time, peak RSS, exit code and output.

    Raises CommandFailed when the exit code is not in ok_codes or the command
    runs longer than `timeout` seconds.
    """
    cmd = [str(part) for part in cmd]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(prefix="rss-") as rss_file:
        full_cmd = launcher_prefix(rss_file.name) + cmd
        start = time.perf_counter()
        try:
            child = subprocess.Popen(full_cmd, stdin=subprocess.DEVNULL, stdout=out,
                                     stderr=err, start_new_session=True)
        except OSError as error:
            raise CommandFailed(cmd, f"could not start ({error})", "") from error
        expired = threading.Event()
        timer = start_deadline(child.pid, timeout, expired)
        _, status, usage = os.wait4(child.pid, 0)
        wall_s = time.perf_counter() - start
        if timer is not None:
            timer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        peak_kb = read_gnu_time_rss(rss_file.name)
        if peak_kb is None:
            peak_kb = usage.ru_maxrss
        result = Measurement(wall_s, peak_kb, child.returncode, read_back(out), read_back(err))
    if expired.is_set():
        raise CommandFailed(cmd, f"timed out after {timeout} s", result.stderr)
    if result.returncode not in ok_codes:
        raise CommandFailed(cmd, f"failed (exit code {result.returncode})", result.stderr)
    return result


def run_plain(cmd):
    """Run a short helper command; its stdout, or None when it fails."""
    try:
        done = subprocess.run([str(part) for part in cmd], capture_output=True, text=True,
                              timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip()


# ---------------------------------------------------------------- records


def log(message):
    """Progress line on stderr."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def kib_to_mb(kib):
    """KiB (ru_maxrss on Linux) to MiB, one decimal."""
    return round(kib / 1024, 1)


def summarise(durations):
    """runs_s, median_s, min_s and max_s of a list of durations."""
    return {
        "runs_s": [round(value, 6) for value in durations],
        "median_s": round(statistics.median(durations), 6),
        "min_s": round(min(durations), 6),
        "max_s": round(max(durations), 6),
    }


def base_record(suite, tool, n):
    """The fields that every measurement record starts with."""
    return {"suite": suite, "tool": tool, "n": n}


def parse_json_line(stdout, cmd):
    """The last line of stdout that is a JSON object."""
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                break
    raise CommandFailed(cmd, "printed no JSON line", "stdout was:\n" + stdout[-2000:])


def count_hits(stdout):
    """Number of rows in a `--format json` answer (a list, or a FeatureCollection)."""
    text = stdout.strip()
    if not text:
        return 0
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None
    if isinstance(data, list):
        return len(data)
    if isinstance(data, dict):
        for key in ("features", "rows", "results", "entities", "items", "hits"):
            if isinstance(data.get(key), list):
                return len(data[key])
    return None


# ---------------------------------------------------------------- harness


@dataclass
class Harness:
    """Paths, options, the results file and the failures so far."""

    args: argparse.Namespace
    stadtatlas: Path
    bench_assign: Path
    tmp: Path
    results: object
    failures: list = field(default_factory=list)
    stores_built: set = field(default_factory=set)
    stores_failed: set = field(default_factory=set)

    def write(self, record):
        """Append one record to results.jsonl."""
        self.results.write(json.dumps(record) + "\n")
        self.results.flush()

    def attempt(self, suite, tool, n, measure):
        """Run one measurement; on failure log it and write an error record."""
        log(f"n={n} {suite}/{tool} ...")
        try:
            record = measure()
        except CommandFailed as failure:
            log(f"ERROR n={n} {suite}/{tool}: {failure.describe()}")
            self.failures.append((suite, tool, n))
            self.write({**base_record(suite, tool, n), "error": failure.describe()})
            return None
        record["rss_source"] = rss_source()
        self.write(record)
        log(f"n={n} {suite}/{tool}: median {record['median_s']:.4f} s, "
            f"peak RSS {record.get('peak_rss_mb')} MB")
        return record

    def repeat(self, label, cmd, runs, ok_codes=(0,), before_each=None):
        """Run cmd `runs` times (before_each() ahead of each); the measurements."""
        measurements = []
        for index in range(1, runs + 1):
            if before_each is not None:
                before_each()
            measurement = run_measured(cmd, ok_codes, self.args.timeout)
            log(f"  {label} run {index}/{runs}: {measurement.wall_s:.4f} s, "
                f"{kib_to_mb(measurement.peak_rss_kb)} MB")
            measurements.append(measurement)
        return measurements


def process_record(suite, tool, n, measurements):
    """A record of whole-process wall times and the highest peak RSS."""
    record = base_record(suite, tool, n)
    record.update(summarise([m.wall_s for m in measurements]))
    record["peak_rss_mb"] = kib_to_mb(max(m.peak_rss_kb for m in measurements))
    return record


def remove_store(path):
    """Delete a GeoPackage and its SQLite sidecar files, if present."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def store_bytes(path):
    """Size of a GeoPackage including any sidecar files left behind."""
    total = 0
    for suffix in ("", "-wal", "-shm"):
        candidate = Path(str(path) + suffix)
        if candidate.exists():
            total += candidate.stat().st_size
    return total


def keep_store(harness, n, built, data_dir):
    """Move a freshly imported store to data_dir/store.gpkg for the query suites."""
    target = data_dir / "store.gpkg"
    remove_store(target)
    for suffix in ("", "-wal", "-shm"):
        source = Path(str(built) + suffix)
        if source.exists():
            shutil.move(source, Path(str(target) + suffix))
    harness.stores_built.add(n)


# ---------------------------------------------------------------- suites


def measure_assign_tool(harness, tool, n, cmd):
    """Run one assign tool once (it times itself) and build its record."""
    measurement = run_measured(cmd, (0,), harness.args.timeout)
    reported = parse_json_line(measurement.stdout, cmd)
    record = base_record("assign", tool, n)
    record.update({key: value for key, value in reported.items()
                   if key not in ("suite", "tool", "n", "runs_s", "median_s")})
    record["n_reported"] = reported.get("n")
    record.update(summarise(reported["runs_s"]))
    record["median_s_reported"] = reported.get("median_s")
    record["peak_rss_mb"] = kib_to_mb(measurement.peak_rss_kb)
    record["peak_rss_scope"] = "whole process, loading the data included"
    record["process_wall_s"] = round(measurement.wall_s, 6)
    if reported.get("n") != n:
        log(f"WARNING n={n} assign/{tool}: the tool reports n={reported.get('n')}")
    return record


def counts_agree(ours, theirs):
    """Whether both tools matched as many points; None when ours has no record."""
    if ours is None:
        return None
    return ours.get("matched") == theirs.get("matched")


def suite_assign(harness, n, data_dir):
    """stadtatlas bench_assign vs geopandas.sjoin on the same files."""
    runs = str(harness.args.runs)
    ours_cmd = [harness.bench_assign, data_dir, "--runs", runs]
    ours = harness.attempt("assign", "stadtatlas", n,
                           lambda: measure_assign_tool(harness, "stadtatlas", n, ours_cmd))
    theirs_cmd = [sys.executable, BENCH / "assign_geopandas.py", data_dir, "--runs", runs]

    def measure_theirs():
        record = measure_assign_tool(harness, "geopandas", n, theirs_cmd)
        record["agree"] = counts_agree(ours, record)
        if ours is not None:
            record["matched_stadtatlas"] = ours.get("matched")
        if record["agree"] is False:
            record["warning"] = (f"MATCHED COUNTS DISAGREE: stadtatlas {ours.get('matched')}, "
                                 f"geopandas {record.get('matched')}")
            log("!" * 72)
            log(f"WARNING n={n}: {record['warning']}")
            log("!" * 72)
        return record

    harness.attempt("assign", "geopandas", n, measure_theirs)


def measure_import(harness, tool, n, cmd, out, imports, after):
    """Times one import command into `out` (removed before each run); after(out) last."""
    def measure():
        measurements = harness.repeat(f"import/{tool}", cmd, harness.args.runs,
                                      before_each=lambda: remove_store(out))
        record = process_record("import", tool, n, measurements)
        record["output_bytes"] = store_bytes(out)
        record["imports"] = imports
        after(out)
        return record

    harness.attempt("import", tool, n, measure)


def suite_import(harness, n, data_dir):
    """Whole-process import: stadtatlas (manifest, both files) vs ogr2ogr (CSV)."""
    store = harness.tmp / "s.gpkg"
    measure_import(harness, "stadtatlas", n,
                   [harness.stadtatlas, "--store", store, "import", data_dir], store,
                   "partners.csv and districts.geojson (atlas.toml)",
                   after=lambda built: keep_store(harness, n, built, data_dir))
    out = harness.tmp / "o.gpkg"
    measure_import(harness, "ogr2ogr", n,
                   ["ogr2ogr", "-f", "GPKG", out, data_dir / "partners.csv",
                    "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat",
                    "-a_srs", "EPSG:4326", "-nln", "partners"], out,
                   "partners.csv only", after=remove_store)


def ensure_store(harness, n, data_dir):
    """Make sure data_dir/store.gpkg was built by this run of the harness."""
    if n in harness.stores_built:
        return
    if n in harness.stores_failed:
        raise CommandFailed(["stadtatlas", "import", data_dir],
                            "failed earlier (no query store for this size)", "")
    built = harness.tmp / "query-store.gpkg"
    remove_store(built)
    log(f"n={n} building the query store (untimed import)")
    try:
        run_measured([harness.stadtatlas, "--store", built, "import", data_dir],
                     (0,), harness.args.timeout)
    except CommandFailed:
        harness.stores_failed.add(n)
        raise
    keep_store(harness, n, built, data_dir)


def first_partner_id(data_dir):
    """The id in the first data row of partners.csv."""
    with open(data_dir / "partners.csv", newline="", encoding="utf-8-sig") as handle:
        row = next(csv.DictReader(handle), None)
    if row is None or not row.get("id"):
        raise CommandFailed(["read", data_dir / "partners.csv"], "found no first id", "")
    return row["id"]


def query_arguments(suite, data_dir):
    """The subcommand and arguments of a query suite."""
    if suite == "near_cold":
        return ["near", "--at", POINT, "--within", NEAR_METRES, "--format", "json"]
    if suite == "near_cold_typical":
        return ["near", "--at", TYPICAL_POINT, "--within", NEAR_METRES, "--format", "json"]
    if suite == "where_point_cold":
        return ["where", POINT, "--format", "json"]
    if suite == "where_id_cold":
        return ["where", first_partner_id(data_dir), "--format", "json"]
    if suite == "matrix":
        return ["matrix", "--level", "gebiet", "--by", "field", "--format", "json"]
    if suite == "show_cold":
        return ["show", first_partner_id(data_dir), "--format", "json"]
    if suite == "in_cold":
        return ["in", IN_DISTRICT, "--format", "json"]
    if suite == "districts":
        return ["districts", "--format", "json"]
    if suite == "gaps":
        return ["gaps", "--level", "gebiet", "--format", "json"]
    raise ValueError(f"unknown query suite {suite}")


def query_runs(harness, suite):
    """Runs of a query suite: at least MIN_QUERY_RUNS for the cold lookups."""
    if suite in AGGREGATES:
        return harness.args.runs
    return max(harness.args.runs, MIN_QUERY_RUNS)


def measure_query(harness, suite, n, data_dir, store=None, tool="stadtatlas"):
    """Time one query suite against data_dir/store.gpkg (or the given store)."""
    if store is None:
        ensure_store(harness, n, data_dir)
        store = data_dir / "store.gpkg"
    cmd = [harness.stadtatlas, "--store", store] + query_arguments(suite, data_dir)
    ok_codes = (0,) if suite in ("matrix", "districts") else QUERY_OK_CODES
    measurements = harness.repeat(f"{suite}/{tool}", cmd, query_runs(harness, suite), ok_codes)
    record = process_record(suite, tool, n, measurements)
    record["command"] = shlex.join(str(part) for part in cmd[3:])
    record["exit_codes"] = sorted({m.returncode for m in measurements})
    record["stdout_bytes"] = len(measurements[-1].stdout.encode("utf-8"))
    if suite not in AGGREGATES:
        hits = [count_hits(m.stdout) for m in measurements]
        record["hits"] = hits[-1]
        if len(set(hits)) > 1:
            record["hits_per_run"] = hits
    record["cache"] = "new process per run; OS page cache warm"
    return record


def suite_import_small(harness, n, data_dir):
    """Ten new partners (one near the densest spot) into a copy of the store
    of size n: what adding a few records costs once the store is big."""
    ensure_store(harness, n, data_dir)
    ten = harness.tmp / "ten_partners.csv"
    with open(ten, "w", encoding="utf-8") as handle:
        handle.write("id,name,category,lon,lat\n")
        for k in range(10):
            handle.write(f"neu-{k},Neuer Partner {k},company,{11.9697 + k * 0.003:.4f},"
                         f"{51.4828 - k * 0.002:.4f}\n")
    copy = harness.tmp / "small-import.gpkg"

    def fresh_copy():
        remove_store(copy)
        shutil.copyfile(data_dir / "store.gpkg", copy)

    cmd = [harness.stadtatlas, "--store", copy, "import", ten, "--as", "partners"]

    def measure():
        measurements = harness.repeat("import_small/stadtatlas", cmd, harness.args.runs,
                                      before_each=fresh_copy)
        record = process_record("import_small", "stadtatlas", n, measurements)
        record["command"] = "import ten_partners.csv --as partners (10 new rows)"
        remove_store(copy)
        return record

    harness.attempt("import_small", "stadtatlas", n, measure)


def steps_record(harness, suite, tool, n, steps, before_each):
    """Runs `steps` (one process each) one after the other, timed together,
    harness.args.runs times with `before_each` before each time; returns the
    record (total per run, peak RSS of any step, each step's time) and the
    last run's measurements."""
    totals, peaks, steps_s, runs = [], [], [], []
    for index in range(1, harness.args.runs + 1):
        before_each()
        runs = [run_measured(step, (0,), harness.args.timeout) for step in steps]
        totals.append(sum(r.wall_s for r in runs))
        peaks.append(max(r.peak_rss_kb for r in runs))
        steps_s.append([round(r.wall_s, 4) for r in runs])
        log(f"  {suite}/{tool} run {index}: {totals[-1]:.4f} s "
            f"({' + '.join(f'{r.wall_s:.3f}' for r in runs)}), {kib_to_mb(peaks[-1])} MB")
    record = base_record(suite, tool, n)
    record.update(summarise(totals))
    record["peak_rss_mb"] = kib_to_mb(max(peaks))
    record["steps_s"] = steps_s
    return record, runs


def suite_readme_flow(harness, n, data_dir):
    """The README's first answer as a new user runs it on a fresh store:
    `import districts.geojson`, `import partners.csv`, `matrix --by field`
    (three processes, timed together), against the same answer written as a
    GeoPandas script (one process, interpreter start and imports included).
    Both count partners per district; the counts are compared (`agree`)."""
    store = harness.tmp / "flow.gpkg"
    steps = [
        [harness.stadtatlas, "--store", store, "-q", "import", data_dir / "districts.geojson",
         "--as", "districts", "--level", "gebiet"],
        [harness.stadtatlas, "--store", store, "-q", "import", data_dir / "partners.csv",
         "--as", "partners"],
        [harness.stadtatlas, "--store", store, "matrix", "--level", "gebiet", "--by", "field",
         "--format", "json"],
    ]
    ours = {}

    def measure_ours():
        record, last = steps_record(harness, "readme_flow", "stadtatlas", n, steps,
                                    before_each=lambda: remove_store(store))
        matrix = json.loads(last[-1].stdout)
        ours["rows"] = {r["district_id"]: r["total"] for r in matrix["rows"]
                        if r["district_id"] not in ("city-wide", "outside")}
        ours["outside"] = sum(r["total"] for r in matrix["rows"]
                              if r["district_id"] == "outside")
        remove_store(store)
        record["command"] = "import districts.geojson; import partners.csv; matrix --by field"
        return record

    def measure_theirs():
        python = BENCH / ".venv" / "bin" / "python"
        cmd = [python, BENCH / "flow_geopandas.py", data_dir]
        measurements = harness.repeat("readme_flow/geopandas", cmd, harness.args.runs)
        record = process_record("readme_flow", "geopandas", n, measurements)
        theirs = json.loads(measurements[-1].stdout)
        record["agree"] = (theirs["rows"] == ours.get("rows")
                           and theirs["outside"] == ours.get("outside"))
        record["command"] = "flow_geopandas.py (read both files, sjoin within, counts)"
        return record

    if harness.attempt("readme_flow", "stadtatlas", n, measure_ours) is not None:
        harness.attempt("readme_flow", "geopandas", n, measure_theirs)


def suite_duplicates(harness, n, data_dir):
    """How usable the duplicate advice is: `check` on the store of size n,
    its listed pairs against the planted ones of duplicates.csv (the
    labelled set synth writes with --names register). Not timed."""
    truth_file = data_dir / "duplicates.csv"
    if not truth_file.exists():
        log(f"n={n} duplicates: no {truth_file} (data made with --names made-up); skipped")
        return
    ensure_store(harness, n, data_dir)

    def measure():
        with open(truth_file, newline="", encoding="utf-8") as handle:
            truth = {frozenset((row["a"], row["b"])) for row in csv.DictReader(handle)}
        result = run_measured([harness.stadtatlas, "--store", data_dir / "store.gpkg", "check",
                               "--format", "json"], QUERY_OK_CODES, harness.args.timeout)
        findings = json.loads(result.stdout)
        listed = set()
        total_pairs = None
        for f in findings:
            if f.get("check") != "duplicate":
                continue
            if not f.get("id"):
                match = re.match(r"(\d+) likely duplicate pairs", f.get("detail", ""))
                total_pairs = int(match.group(1)) if match else None
                continue
            match = re.search(r"\(([^()]+)\): ", f.get("detail", ""))
            if match:
                listed.add(frozenset((f["id"], match.group(1))))
        found = listed & truth
        record = base_record("duplicates", "stadtatlas", n)
        record.update(summarise([result.wall_s]))
        record["peak_rss_mb"] = kib_to_mb(result.peak_rss_kb)
        record["planted"] = len(truth)
        record["listed"] = len(listed)
        record["pairs_in_all"] = total_pairs if total_pairs is not None else len(listed)
        record["true_listed"] = len(found)
        record["precision"] = round(len(found) / len(listed), 4) if listed else None
        record["recall"] = round(len(found) / len(truth), 4) if truth else None
        record["command"] = "check --format json (duplicate findings vs duplicates.csv)"
        if n <= 100_000:
            # The pairs labelled by hand (bench/duplicates_by_hand.csv) in
            # this inventory: recall on them and how many look-alikes listed.
            with tempfile.TemporaryDirectory() as tmp:
                figures_file = Path(tmp) / "by_hand.json"
                subprocess.run([sys.executable, Path(__file__).resolve().parent / "duplicates_by_hand.py",
                                harness.stadtatlas, data_dir, "--json", figures_file],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                record["by_hand"] = json.loads(figures_file.read_text(encoding="utf-8"))
        return record

    harness.attempt("duplicates", "stadtatlas", n, measure)


def suite_locate(harness, n):
    """Address matching: n register addresses, n/10 partners to locate."""
    bench_locate = harness.bench_assign.parent / "bench_locate"
    work = harness.tmp / f"locate-{n}"
    entities = max(n // 10, 1)
    generate = [bench_locate, "--addresses", n, "--entities", entities,
                "--runs", harness.args.runs, "--write", work]
    in_process = {}

    def measure_in_process(key, suite):
        def measure():
            if not in_process:
                measurement = run_measured(generate, (0,), harness.args.timeout)
                in_process.update(parse_json_line(measurement.stdout, generate))
            record = base_record(suite, "stadtatlas", n)
            record.update(summarise(in_process[key]))
            for extra in ("addresses", "streets", "entities", "threads", "applied", "by_quality"):
                record[extra] = in_process[extra]
            record["cache"] = "in process, register read before timing"
            return record
        return measure

    harness.attempt("locate_index", "stadtatlas", n, measure_in_process("index_s", "locate_index"))
    harness.attempt("locate_match", "stadtatlas", n, measure_in_process("match_s", "locate_match"))
    if not in_process:
        return
    base = work / "partners.gpkg"
    copy = work / "locate.gpkg"
    run_measured([harness.stadtatlas, "--store", base, "-q", "import",
                  work / "partners.csv", "--as", "partners"], (0,), harness.args.timeout)

    def fresh_copy():
        remove_store(copy)
        shutil.copyfile(base, copy)

    cmd = [harness.stadtatlas, "--store", copy, "-q", "--format", "json", "locate",
           "--register", work / "register.csv"]

    def measure():
        measurements = harness.repeat("locate/stadtatlas", cmd, harness.args.runs,
                                      before_each=fresh_copy)
        record = process_record("locate", "stadtatlas", n, measurements)
        record["command"] = (f"locate --register register.csv ({n} addresses; "
                             f"{entities} partners to locate, written in one import)")
        record["tally"] = json.loads(measurements[-1].stdout)["tally"]
        remove_store(copy)
        return record

    harness.attempt("locate", "stadtatlas", n, measure)


def pg_database(harness, n):
    """The URL of the database bench_N on the --pg server, made (with PostGIS)
    when missing."""
    server = harness.args.pg
    if not server:
        raise CommandFailed(["postgis"], "has no server: give --pg URL (bench/run.sh starts "
                            "a throwaway one through tests/pg.sh)", "")
    name = f"bench_{n}"
    found = run_plain(["psql", server, "-tAc",
                       f"SELECT 1 FROM pg_database WHERE datname = '{name}'"])
    if found is None:
        raise CommandFailed(["psql", server], "cannot reach the PostgreSQL server", "")
    url = server.rsplit("/", 1)[0] + "/" + name
    if found != "1":
        run_measured(["psql", server, "-qc", f"CREATE DATABASE {name}"])
        run_measured(["psql", url, "-qc", "CREATE EXTENSION postgis"])
    return url


def pg_keywords(url):
    """GDAL's PG: datasource (libpq keywords) for a postgres:// URL."""
    parts = urllib.parse.urlsplit(url)
    words = {"host": parts.hostname, "port": parts.port, "dbname": parts.path.lstrip("/"),
             "user": parts.username, "password": parts.password}
    return "PG:" + " ".join(f"{key}={value}" for key, value in words.items() if value)


def pg_reset(url, schema):
    """An empty schema (ogr2ogr's) or none (stadtatlas's: import creates it)."""
    sql = f"DROP SCHEMA IF EXISTS {schema} CASCADE"
    if schema != "stadtatlas":
        sql += f"; CREATE SCHEMA {schema}"
    run_measured(["psql", url, "-qc", sql])


def suite_postgis(harness, n, data_dir):
    """The shared store: `stadtatlas import` into PostGIS vs `ogr2ogr -f
    PostgreSQL` (COPY) of partners.csv into the same server, then every query
    suite against the PostGIS store (records with tool stadtatlas-postgis;
    peak RSS is the stadtatlas process's, the server's is not counted)."""
    url = pg_database(harness, n)

    def measure_ours():
        cmd = [harness.stadtatlas, "--store", url, "import", data_dir]
        measurements = harness.repeat("import/stadtatlas-postgis", cmd, harness.args.runs,
                                      before_each=lambda: pg_reset(url, "stadtatlas"))
        record = process_record("import", PG_TOOL, n, measurements)
        record["imports"] = "partners.csv and districts.geojson (atlas.toml)"
        return record

    built = harness.attempt("import", PG_TOOL, n, measure_ours)

    def measure_ogr():
        cmd = ["ogr2ogr", "-f", "PostgreSQL", pg_keywords(url), data_dir / "partners.csv",
               "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat",
               "-a_srs", "EPSG:4326", "-nln", "ogr.partners", "-lco", "SCHEMA=ogr",
               "--config", "PG_USE_COPY", "YES"]
        measurements = harness.repeat("import/ogr2ogr-postgis", cmd, harness.args.runs,
                                      before_each=lambda: pg_reset(url, "ogr"))
        record = process_record("import", "ogr2ogr-postgis", n, measurements)
        record["imports"] = "partners.csv only (PG_USE_COPY=YES, GiST index)"
        pg_reset(url, "ogr")
        return record

    harness.attempt("import", "ogr2ogr-postgis", n, measure_ogr)

    def measure_team_flow():
        """The README's team flow into a schema `init` made: the district
        layer, then the partner list (two processes, timed together)."""
        steps = [
            [harness.stadtatlas, "--store", url, "-q", "import", data_dir / "districts.geojson",
             "--as", "districts", "--level", "gebiet"],
            [harness.stadtatlas, "--store", url, "-q", "import", data_dir / "partners.csv",
             "--as", "partners"],
        ]
        def fresh_init():
            pg_reset(url, "stadtatlas")
            run_measured([harness.stadtatlas, "--store", url, "-q", "init"])

        record, _ = steps_record(harness, "import_after_init", PG_TOOL, n, steps,
                                 before_each=fresh_init)
        record["command"] = "init; import districts.geojson; import partners.csv"
        return record

    harness.attempt("import_after_init", PG_TOOL, n, measure_team_flow)
    if built is None:
        return
    # The query suites below read the store the manifest import built.
    pg_reset(url, "stadtatlas")
    run_measured([harness.stadtatlas, "--store", url, "-q", "import", data_dir])
    for suite in QUERY_SUITES:
        harness.attempt(suite, PG_TOOL, n,
                        lambda suite=suite: measure_query(harness, suite, n, data_dir,
                                                          store=url, tool=PG_TOOL))
    harness.attempt("import_small", PG_TOOL, n,
                    lambda: measure_pg_import_small(harness, n, url))


def measure_pg_import_small(harness, n, url):
    """Ten new partners into the PostGIS store of size n, new ids each run
    (the store grows by ten per run; nothing is reset between runs)."""
    ten = harness.tmp / "pg_ten_partners.csv"
    runs = iter(range(1, harness.args.runs + 1))

    def write_ten():
        run = next(runs)
        with open(ten, "w", encoding="utf-8") as handle:
            handle.write("id,name,category,lon,lat\n")
            for k in range(10):
                handle.write(f"neu-{run}-{k},Neuer Partner {run}/{k},company,"
                             f"{11.9697 + k * 0.003:.4f},{51.4828 - k * 0.002:.4f}\n")

    cmd = [harness.stadtatlas, "--store", url, "import", ten, "--as", "partners"]
    measurements = harness.repeat("import_small/stadtatlas-postgis", cmd, harness.args.runs,
                                  before_each=write_ten)
    record = process_record("import_small", PG_TOOL, n, measurements)
    record["command"] = "import ten_partners.csv --as partners (10 new rows, new ids each run)"
    return record


# ---------------------------------------------------------------- serve
# The load: items?bbox= of 0.01° boxes (about 700 m × 1.1 km), limit 100,
# from 64 concurrent clients on this machine (bench/load.rs), the same
# seeded boxes for both servers. pygeoapi is slower by orders of magnitude,
# so it gets fewer requests (the first of the same sequence).
SERVE_CLIENTS = 64
SERVE_BOX_DEG = "0.01"
SERVE_REQUESTS = {"stadtatlas": 20000, "pygeoapi": 1000}
PYGEOAPI_VENV = BENCH / ".venv-pygeoapi"
PYGEOAPI_CONFIG = """server:
  bind: {{host: 127.0.0.1, port: {port}}}
  url: http://127.0.0.1:{port}
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  language: en-US
  limits: {{default_items: 100, max_items: 10000}}
  map:
    url: "https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png"
    attribution: OSM
logging: {{level: ERROR}}
metadata:
  identification: {{title: bench, description: bench, keywords: [bench], keywords_type: theme,
                    terms_of_service: "https://example.invalid", url: "https://example.invalid"}}
  license: {{name: CC-BY 4.0, url: "https://creativecommons.org/licenses/by/4.0/"}}
  provider: {{name: bench, url: "https://example.invalid"}}
  contact: {{name: bench, position: bench, address: x, city: x, stateorprovince: x,
             postalcode: x, country: x, phone: x, fax: x, email: x@example.invalid,
             url: "https://example.invalid", hours: x, instructions: x, role: pointOfContact}}
resources:
  entities:
    type: collection
    title: entities
    description: entities
    keywords: [entities]
    extents:
      spatial: {{bbox: [{extent}], crs: "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}}
    providers:
      - type: feature
        name: SQLiteGPKG
        data: {gpkg}
        id_field: fid
        table: entities
"""


def free_port():
    """A free TCP port on 127.0.0.1."""
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, proc, seconds=120):
    """Poll url until it answers 200; fail if proc ends or time runs out."""
    import urllib.request
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise CommandFailed([url], f"the server exited with {proc.returncode}", "")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return json.load(answer)
        except OSError:
            time.sleep(0.25)
    raise CommandFailed([url], f"no answer within {seconds} s", "")


def vm_hwm_mb(pid):
    """Peak resident memory of a running process (VmHWM), MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def load_record(harness, tool, n, base, extent, server_pid):
    """bench_load against base; its figures as a record of suite serve."""
    load = harness.bench_assign.parent / "bench_load"
    cmd = [load, base, "entities", "--requests", SERVE_REQUESTS[tool], "--concurrency",
           SERVE_CLIENTS, "--box-deg", SERVE_BOX_DEG, "--limit", "100",
           "--extent", ",".join(f"{x:.6f}" for x in extent)]
    measurement = run_measured(cmd, (0,), harness.args.timeout)
    figures = parse_json_line(measurement.stdout, cmd)
    record = base_record("serve", tool, n)
    record.update(figures)
    record["median_s"] = figures["p50_ms"] / 1000
    record["peak_rss_mb"] = vm_hwm_mb(server_pid)
    return record


def stop(proc):
    """Stop a server (SIGINT: graceful), kill it if it lingers."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            kill_group(proc.pid)
            proc.wait()


def suite_serve(harness, n, data_dir):
    """stadtatlas serve against pygeoapi (gunicorn, 2 workers, SQLiteGPKG on
    the public `export gpkg` of the same store), items?bbox= under load."""
    try:
        ensure_store(harness, n, data_dir)
    except CommandFailed as failure:
        log(f"ERROR n={n} serve: {failure.describe()}")
        return
    store = data_dir / "store.gpkg"
    work = harness.tmp / f"serve-{n}"
    work.mkdir(exist_ok=True)
    extent = None

    def ours():
        nonlocal extent
        port = free_port()
        log_file = open(work / "serve.log", "w", encoding="utf-8")
        proc = subprocess.Popen([harness.stadtatlas, "--store", store, "serve", "--bind",
                                 f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                                stderr=log_file, start_new_session=True)
        try:
            started = time.monotonic()
            collection = wait_for(f"http://127.0.0.1:{port}/collections/entities", proc)
            ready_s = time.monotonic() - started
            extent = collection["extent"]["spatial"]["bbox"][0]
            record = load_record(harness, "stadtatlas", n, f"http://127.0.0.1:{port}",
                                 extent, proc.pid)
            record["ready_s"] = round(ready_s, 3)
            return record
        finally:
            stop(proc)
            log_file.close()

    def theirs():
        if extent is None:
            raise CommandFailed(["pygeoapi"], "needs the extent from stadtatlas serve", "")
        python = PYGEOAPI_VENV / "bin"
        gpkg = work / "entities.gpkg"
        remove_store(gpkg)
        run_measured([harness.stadtatlas, "--store", store, "-q", "export", "gpkg", "--out",
                      gpkg], (0,), harness.args.timeout)
        port = free_port()
        config = work / "pygeoapi.yml"
        config.write_text(PYGEOAPI_CONFIG.format(
            port=port, gpkg=gpkg, extent=", ".join(str(x) for x in extent)))
        env = {**os.environ, "PYGEOAPI_CONFIG": str(config),
               "PYGEOAPI_OPENAPI": str(work / "pygeoapi-openapi.yml")}
        subprocess.run([python / "pygeoapi", "openapi", "generate", config, "--output-file",
                        env["PYGEOAPI_OPENAPI"]], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        log_file = open(work / "pygeoapi.log", "w", encoding="utf-8")
        proc = subprocess.Popen([python / "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                                 "pygeoapi.flask_app:APP"], env=env, stdout=log_file,
                                stderr=log_file, start_new_session=True)
        try:
            wait_for(f"http://127.0.0.1:{port}/collections/entities?f=json", proc)
            record = load_record(harness, "pygeoapi", n, f"http://127.0.0.1:{port}",
                                 extent, proc.pid)
            record["server"] = "pygeoapi 0.21 on gunicorn (2 sync workers), SQLiteGPKG provider"
            record["peak_rss_mb"] = None  # two worker processes; not one figure
            return record
        finally:
            stop(proc)
            log_file.close()

    harness.attempt("serve", "stadtatlas", n, ours)
    if (PYGEOAPI_VENV / "bin" / "gunicorn").exists():
        harness.attempt("serve", "pygeoapi", n, theirs)
    else:
        log(f"n={n} serve/pygeoapi skipped: no {PYGEOAPI_VENV} (bench/run.sh makes it)")


def run_suite(harness, suite, n, data_dir):
    """Dispatch one suite for one size."""
    if suite == "assign":
        suite_assign(harness, n, data_dir)
    elif suite == "import":
        suite_import(harness, n, data_dir)
    elif suite == "import_small":
        suite_import_small(harness, n, data_dir)
    elif suite == "readme_flow":
        suite_readme_flow(harness, n, data_dir)
    elif suite == "duplicates":
        suite_duplicates(harness, n, data_dir)
    elif suite == "locate":
        suite_locate(harness, n)
    elif suite == "postgis":
        suite_postgis(harness, n, data_dir)
    elif suite == "serve":
        suite_serve(harness, n, data_dir)
    else:
        harness.attempt(suite, "stadtatlas", n,
                        lambda: measure_query(harness, suite, n, data_dir))


# ---------------------------------------------------------------- machine


def cpu_model():
    """The first 'model name' of /proc/cpuinfo."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def ram_gib():
    """MemTotal of /proc/meminfo in GiB."""
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def package_version(name):
    """Installed version of a Python distribution, or None."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def geos_version():
    """GEOS version that shapely uses."""
    try:
        import shapely
    except ImportError:
        return None
    return shapely.geos_version_string


def pyogrio_gdal_version():
    """GDAL version bundled with pyogrio (used by geopandas.read_file)."""
    try:
        import pyogrio
    except ImportError:
        return None
    return pyogrio.__gdal_version_string__


def git_state():
    """Commit of the work tree and whether tracked files differ from it
    (bench/results aside: this run is rewriting it)."""
    commit = run_plain(["git", "-C", REPO, "rev-parse", "HEAD"])
    status = run_plain(["git", "--no-optional-locks", "-C", REPO, "status", "--porcelain",
                        "--untracked-files=no", "--", ".", ":(exclude)bench/results"])
    dirty = None if status is None else bool(status)
    return commit, dirty


def machine_record(harness):
    """The machine and the versions of everything measured."""
    commit, dirty = git_state()
    return {
        "suite": "machine",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "ram_gib": ram_gib(),
        "kernel": platform.release(),
        "os": platform.platform(),
        "rustc": run_plain(["rustc", "--version"]),
        "stadtatlas": run_plain([harness.stadtatlas, "--version"]),
        "git_commit": commit,
        "git_dirty": dirty,
        "python": platform.python_version(),
        "geopandas": package_version("geopandas"),
        "shapely": package_version("shapely"),
        "geos": geos_version(),
        "pyogrio": package_version("pyogrio"),
        "gdal_pyogrio": pyogrio_gdal_version(),
        "pandas": package_version("pandas"),
        "numpy": package_version("numpy"),
        "matplotlib": package_version("matplotlib"),
        "gdal_ogr2ogr": run_plain(["ogr2ogr", "--version"]),
        "postgresql": (run_plain(["psql", harness.args.pg, "-tAc",
                                  "SELECT version() || ', PostGIS ' || (SELECT default_version FROM "
                                  "pg_available_extensions WHERE name = 'postgis')"])
                       if harness.args.pg else None),
        "postgresql_settings": (run_plain(["psql", harness.args.pg, "-tAc",
                                           "SELECT string_agg(name || '=' || setting, ' ') "
                                           "FROM pg_settings WHERE name IN ('fsync', "
                                           "'synchronous_commit', 'shared_buffers')"])
                                if harness.args.pg else None),
        "rss_source": rss_source(),
        "sizes": harness.args.sizes,
        "runs": harness.args.runs,
        "seed": harness.args.seed,
        "suites": harness.args.only,
    }


# ---------------------------------------------------------------- main


def parse_sizes(values):
    """Sizes from `--sizes 1000 10000` or `--sizes 1000,10000`."""
    sizes = []
    for value in values:
        for part in value.split(","):
            if part.strip():
                sizes.append(int(part))
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive integers")
    return sizes


def parse_only(value):
    """Suites from `--only near_cold,matrix`."""
    suites = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [suite for suite in suites if suite not in SUITES]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown suite(s) {', '.join(unknown)}; known: {', '.join(SUITES)}")
    return suites


def parse_args(argv):
    """Command-line options."""
    parser = argparse.ArgumentParser(
        description="Benchmark harness of stadtatlas (see bench/run.sh).",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", default=[str(s) for s in DEFAULT_SIZES],
                        help="entity counts N (bench/data/N must exist)")
    parser.add_argument("--runs", type=int, default=5,
                        help="runs per measurement (default 5; cold queries use at least 7)")
    parser.add_argument("--only", type=parse_only, default=list(SUITES),
                        help="comma-separated subset of: " + ",".join(SUITES))
    parser.add_argument("--data-root", type=Path, default=BENCH / "data",
                        help="folder holding N/ per size (default bench/data)")
    parser.add_argument("--results", type=Path, default=BENCH / "results" / "results.jsonl",
                        help="JSON-lines output (default bench/results/results.jsonl)")
    parser.add_argument("--append", action="store_true",
                        help="append to the results instead of overwriting them")
    parser.add_argument("--bin-dir", type=Path, default=REPO / "target" / "release",
                        help="cargo's release folder (default target/release)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the data (recorded)")
    parser.add_argument("--pg", default=os.environ.get("STADTATLAS_TEST_PG", ""),
                        help="URL of a PostgreSQL/PostGIS server for the postgis suite "
                        "(default $STADTATLAS_TEST_PG, set by tests/pg.sh)")
    parser.add_argument("--timeout", type=float, default=3600,
                        help="seconds before one command is killed (default 3600)")
    args = parser.parse_args(argv)
    try:
        args.sizes = parse_sizes(args.sizes)
    except (ValueError, argparse.ArgumentTypeError) as error:
        parser.error(f"--sizes: {error}")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.runs < 5:
        log(f"WARNING: --runs {args.runs} is below 5; medians will be noisy")
    args.only = [suite for suite in SUITES if suite in args.only]
    return args


def missing_prerequisites(args, stadtatlas, bench_assign):
    """Human-readable list of what the selected suites need but is missing."""
    missing = []
    needs_cli = any(suite in args.only for suite in ["import"] + QUERY_SUITES)
    if needs_cli and not stadtatlas.exists():
        missing.append(f"{stadtatlas} (cargo build --release --bin stadtatlas)")
    if "assign" in args.only and not bench_assign.exists():
        missing.append(f"{bench_assign} (cargo build --release --examples)")
    bench_locate = bench_assign.parent / "bench_locate"
    if "locate" in args.only and not bench_locate.exists():
        missing.append(f"{bench_locate} (cargo build --release --examples)")
    if "postgis" in args.only and shutil.which("psql") is None:
        missing.append("psql (Debian package postgresql-client)")
    if {"import", "postgis"} & set(args.only) and shutil.which("ogr2ogr") is None:
        missing.append("ogr2ogr (Debian package gdal-bin)")
    # The locate suite generates its own data.
    for n in args.sizes if any(suite != "locate" for suite in args.only) else []:
        for name in ("partners.csv", "districts.geojson", "atlas.toml"):
            path = args.data_root / str(n) / name
            if not path.exists():
                missing.append(f"{path} (bench/run.sh generates it)")
    return missing


def main(argv=None):
    """Measure every selected suite for every size."""
    args = parse_args(argv)
    args.data_root = args.data_root.resolve()
    stadtatlas = args.bin_dir.resolve() / "stadtatlas"
    bench_assign = args.bin_dir.resolve() / "examples" / "bench_assign"
    missing = missing_prerequisites(args, stadtatlas, bench_assign)
    if missing:
        for item in missing:
            log(f"ERROR: missing {item}")
        return 2
    if not GNU_TIME.exists():
        log(f"WARNING: {GNU_TIME} is missing (Debian package 'time'); peak RSS falls back "
            "to os.wait4, which includes this Python process's own peak")
    args.results.parent.mkdir(parents=True, exist_ok=True)
    mode = "a" if args.append else "w"
    with open(args.results, mode, encoding="utf-8") as results, \
            tempfile.TemporaryDirectory(prefix="stadtatlas-bench-") as tmp:
        harness = Harness(args, stadtatlas, bench_assign, Path(tmp), results)
        harness.write(machine_record(harness))
        for n in args.sizes:
            data_dir = args.data_root / str(n)
            for suite in args.only:
                run_suite(harness, suite, n, data_dir)
    log(f"results in {args.results}")
    if harness.failures:
        listed = ", ".join(f"{suite}/{tool} n={n}" for suite, tool, n in harness.failures)
        log(f"{len(harness.failures)} measurement(s) failed: {listed}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
