"""Grading a class: plain serial ``nbgrader autograde`` against ``dlbio-grade`` on Dask.

Builds a synthetic class over two real lessons (copied from solutions/ at the start, so that
edits made meanwhile do not matter) and grades it twice, in two separate course folders:

1. nbgrader's own command, one notebook at a time, with the course's configuration as it is
   (``nbgrader autograde <lesson> --create --force`` per lesson);
2. ``dlbio.grading.grade_class`` on a LocalCluster (``--workers``, default one per core).

Both use the same per-cell timeout (``--timeout``, default 60 s).  For safety on a shared
machine the serial run gets an address-space limit (``--serial-address-space``, 5 GB) so that
its memory bomb fails with MemoryError instead of taking the machine down: plain nbgrader
has no memory limit of its own.  HTML feedback is off in the timed dlbio-grade run, so that
both graders do the same work.

It prints submissions per hour for each grader and their ratio, the effective parallelism
(sum of per-submission times / wall time) and a table of every adversarial submission's score
under both graders against the expected one, and writes everything to
``build/benchmark-grading/results.json``.

Usage::

    .venv/bin/python benchmarks/grading.py [--lessons tip04-know-your-data tip09-interpretation]
                                           [--per-lesson 21] [--workers 2] [--skip-serial]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "benchmark-grading"
NBGRADER = str(Path(sys.executable).with_name("nbgrader"))

SOLUTION_BLOCK = re.compile(r"[ \t]*### (BEGIN|END) SOLUTION[^\n]*\n?")
LOOP = "while True:\n    pass\n"
EXIT = "import os\nos._exit(1)\n"
MEMORY_BOMB = "hoard = []\nwhile True:\n    hoard.append(bytearray(b'x') * 2**28)\n"


def meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_test(cell) -> bool:
    return cell.cell_type == "code" and meta(cell).get("grade") and not meta(cell).get("solution")


def copy_nb(nb):
    return nbformat.from_dict(json.loads(json.dumps(nb)))


def env() -> dict:
    e = dict(os.environ)
    e["PATH"] = str(Path(sys.executable).parent) + os.pathsep + e.get("PATH", "")
    e["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    e.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    return e


def make_course(folder: Path, lessons: list[str], sources: dict[str, bytes], timeout: int) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "solutions").mkdir(parents=True)
    config = (ROOT / "nbgrader_config.py").read_text() + f"\nc.Execute.timeout = {timeout}\n"
    (folder / "nbgrader_config.py").write_text(config)
    for slug in lessons:
        (folder / "solutions" / slug).mkdir()
        (folder / "solutions" / slug / f"{slug}.ipynb").write_bytes(sources[slug])
        subprocess.run([NBGRADER, "generate_assignment", slug, "--force", "--log-level=WARN"], cwd=folder,
                       env=env(), check=True, capture_output=True)
    return folder


def variants(source, blank, per_lesson: int) -> list[tuple[str, object, dict]]:
    """(kind, notebook, expectation) for one lesson's class."""
    answers = {}
    for cell in source.cells:
        if meta(cell).get("solution"):
            answers[meta(cell)["grade_id"]] = (SOLUTION_BLOCK.sub("", cell.source) if cell.cell_type == "code"
                                               else "A short written answer.")
    tests = [(i, meta(c)["grade_id"], meta(c)["points"]) for i, c in enumerate(blank.cells) if is_test(c)]
    full = sum(p for _, _, p in tests)
    code_answers = [i for i, c in enumerate(blank.cells) if meta(c).get("solution") and c.cell_type == "code"]

    def solved(upto: int | None = None):
        nb = copy_nb(blank)
        done = 0
        for cell in nb.cells:
            if meta(cell).get("solution"):
                if cell.cell_type == "code":
                    if upto is not None and done >= upto:
                        continue
                    done += 1
                cell.source = answers[meta(cell)["grade_id"]]
        return nb

    # The adversarial cell: the code answer just before the last graded test.
    last_test = tests[-1][0]
    target = max(i for i in code_answers if i < last_test)
    before = sum(p for i, _, p in tests if i < target)

    def sabotage(snippet: str):
        nb = solved()
        nb.cells[target].source = snippet + nb.cells[target].source
        return nb

    tampered = copy_nb(blank)
    for i, _, _ in tests:
        tampered.cells[i].source = "pass  # tests look fine to me\n"
    deleted = solved()
    deleted.cells = [c for c in deleted.cells if not is_test(c)]
    half = len(code_answers) // 2
    out = [
        ("correct", solved(), {"eq": full}),
        ("blank", copy_nb(blank), {"eq": 0}),
        ("half done", solved(half), {"between": (0, full)}),
        ("tampered tests", tampered, {"eq": 0}),
        ("deleted tests", deleted, {"eq": full}),
        ("endless loop", sabotage(LOOP), {"at_least": before, "below": full}),
        ("os._exit", sabotage(EXIT), {"at_least": before, "below": full}),
        ("memory bomb", sabotage(MEMORY_BOMB), {"at_least": before, "below": full}),
    ]
    fillers = per_lesson - len(out)
    for k in range(max(0, fillers)):
        # The rest of the class: two thirds correct, the others part done.
        if k % 3 == 2:
            upto = 1 + k % max(1, len(code_answers) - 1)
            out.append(("part done", solved(upto), {}))
        else:
            out.append(("correct", solved(), {"eq": full}))
    return out, full, before


def build_class(course: Path, lessons: list[str], per_lesson: int) -> dict:
    plan = {}
    for slug in lessons:
        source = nbformat.read(course / "solutions" / slug / f"{slug}.ipynb", as_version=4)
        blank = nbformat.read(course / "lessons" / slug / f"{slug}.ipynb", as_version=4)
        subs, full, before = variants(source, blank, per_lesson)
        for n, (kind, nb, expect) in enumerate(subs):
            student = f"s{n:03d}-{kind.replace(' ', '-').replace('.', '').replace('_', '-')}"
            folder = course / "submitted" / student / slug
            folder.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, folder / f"{slug}.ipynb")
            plan[(student, slug)] = {"kind": kind, "expect": expect, "full": full, "before": before}
    return plan


def scores(course: Path) -> dict:
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "dlbio") as gb:
        for assignment in gb.assignments:
            for sub in assignment.submissions:
                out[(sub.student.id, assignment.name)] = float(sub.code_score)
    return out


def run_serial(course: Path, lessons: list[str], address_space_gb: float) -> float:
    limit = int(address_space_gb * 1024 ** 3)

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    start = time.perf_counter()
    for slug in lessons:
        proc = subprocess.run([NBGRADER, "autograde", slug, "--create", "--force", "--log-level=ERROR"],
                              cwd=course, env=env(), capture_output=True, text=True, preexec_fn=cap)
        (OUT / f"serial-{slug}.log").write_text(proc.stdout + proc.stderr)
    return time.perf_counter() - start


def verdict(expect: dict, score) -> bool:
    if score is None:
        return False
    if "eq" in expect and score != expect["eq"]:
        return False
    if "between" in expect and not (expect["between"][0] < score < expect["between"][1]):
        return False
    if "at_least" in expect and score < expect["at_least"]:
        return False
    if "below" in expect and score >= expect["below"]:
        return False
    return True


def describe(expect: dict) -> str:
    if "eq" in expect:
        return f"= {expect['eq']:g}"
    if "between" in expect:
        return f"in ({expect['between'][0]:g}, {expect['between'][1]:g})"
    if "at_least" in expect:
        return f">= {expect['at_least']:g} (earlier points), < {expect['below']:g}"
    return "-"


def loadavg() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lessons", nargs=2, default=["tip04-know-your-data", "tip09-interpretation"])
    parser.add_argument("--per-lesson", type=int, default=21)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--timeout", type=int, default=60)
    parser.add_argument("--serial-address-space", type=float, default=5.0)
    parser.add_argument("--skip-serial", action="store_true",
                        help="only run dlbio-grade (reuses the serial results of an earlier run on the same class)")
    args = parser.parse_args()

    from dlbio.grading.cli import grade_class

    OUT.mkdir(parents=True, exist_ok=True)
    sources = {slug: (ROOT / "solutions" / slug / f"{slug}.ipynb").read_bytes() for slug in args.lessons}
    results = {"lessons": args.lessons, "per_lesson": args.per_lesson, "workers": args.workers,
               "timeout": args.timeout, "cpu_count": os.cpu_count()}

    par = make_course(OUT / "dask-course", args.lessons, sources, args.timeout)
    plan = build_class(par, args.lessons, args.per_lesson)
    n = len(plan)
    print(f"A class of {n} submissions over {', '.join(args.lessons)}; load average {loadavg()}", flush=True)

    serial_scores, serial_wall = {}, None
    saved = OUT / "serial.json"
    if args.skip_serial and saved.exists() and (OUT / "serial-course" / "gradebook.db").exists():
        # The serial run of an earlier invocation on the same class (its course folder is kept).
        results["serial"] = json.loads(saved.read_text())
        serial_wall = results["serial"]["wall_seconds"]
        serial_scores = scores(OUT / "serial-course")
        print(f"nbgrader autograde, serial (earlier run): {serial_wall:.0f} s, {3600 * n / serial_wall:.0f} "
              "submissions/hour", flush=True)
    if not args.skip_serial:
        ser = make_course(OUT / "serial-course", args.lessons, sources, args.timeout)
        build_class(ser, args.lessons, args.per_lesson)
        before = loadavg()
        serial_wall = run_serial(ser, args.lessons, args.serial_address_space)
        serial_scores = scores(ser)
        results["serial"] = {"wall_seconds": serial_wall, "per_hour": 3600 * n / serial_wall,
                             "load_before": before, "load_after": loadavg()}
        saved.write_text(json.dumps(results["serial"]))
        print(f"nbgrader autograde, serial: {serial_wall:.0f} s, {3600 * n / serial_wall:.0f} submissions/hour "
              f"(load average before {before}, after {loadavg()})", flush=True)

    before = loadavg()
    t0 = time.perf_counter()
    records = grade_class(par, args.lessons, workers=args.workers, feedback=False, progress=True,
                          report="build/class-report.html")
    wall = time.perf_counter() - t0
    busy = sum(r["seconds"] for r in records)
    results["dask"] = {"wall_seconds": wall, "per_hour": 3600 * n / wall, "sum_submission_seconds": busy,
                       "mean_submission_seconds": busy / n, "effective_parallelism": busy / wall,
                       "load_before": before, "load_after": loadavg(),
                       "graded": sum(r["status"] == "graded" for r in records)}
    print(f"dlbio-grade, {args.workers} workers: {wall:.0f} s, {3600 * n / wall:.0f} submissions/hour; "
          f"mean {busy / n:.1f} s per submission, effective parallelism {busy / wall:.2f} "
          f"(load average before {before}, after {loadavg()})")
    if serial_wall:
        results["speedup"] = serial_wall / wall
        print(f"throughput ratio dlbio-grade / serial nbgrader: {serial_wall / wall:.2f}x")

    for r in records:
        if r["status"] == "failed":
            print(f"not graded: {r['student']} / {r['slug']}: {r['reason']}")
    dask_scores = {(r["student"], r["slug"]): r["code_score"] for r in records}
    rows = []
    seen = set()
    print(f"\n| lesson | case | expected | serial nbgrader | dlbio-grade | as expected |")
    print("|---|---|---|---:|---:|---|")
    for (student, slug), p in plan.items():
        if not p["expect"]:
            continue
        key = (p["kind"], slug)
        if key in seen:
            continue
        seen.add(key)
        s_score = serial_scores.get((student, slug))
        d_score = dask_scores.get((student, slug))
        ok = verdict(p["expect"], d_score)
        rows.append({"lesson": slug, "case": p["kind"], "expected": describe(p["expect"]),
                     "serial": s_score, "dask": d_score, "ok": ok})
        fmt = lambda x: "failed" if x is None else f"{x:g}"
        print(f"| {slug} | {p['kind']} | {describe(p['expect'])} | {fmt(s_score)} | {fmt(d_score)} | "
              f"{'yes' if ok else 'NO'} |")
    all_ok = all(
        verdict(p["expect"], dask_scores.get(k)) for k, p in plan.items() if p["expect"])
    results["table"] = rows
    results["every_case_as_expected"] = all_ok
    results["records"] = [{k: r.get(k) for k in ("student", "slug", "status", "seconds", "store_seconds", "code_score", "reason")}
                          for r in records]
    (OUT / "results.json").write_text(json.dumps(results, indent=1))
    print(f"\nevery submission as expected under dlbio-grade: {all_ok}; results in {OUT / 'results.json'}")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
