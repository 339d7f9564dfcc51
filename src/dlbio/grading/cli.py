"""``dlbio-grade``: grade a whole class on Dask, store the grades, write the class report."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
import uuid
from pathlib import Path

from .store import course_config, find_submissions, make_kit, notebook_summary, store_result

__all__ = ["grade_class", "main", "SCHEDULER_ENV"]

#: Environment variable naming an existing Dask scheduler, e.g. ``tcp://lab-01:8786``.
SCHEDULER_ENV = "DLBIO_DASK_SCHEDULER"


def _lessons(root: Path, source_directory: str) -> list[str]:
    return sorted(p.parent.name for p in (root / source_directory).glob("*/*.ipynb")
                  if p.stem == p.parent.name)


def _client(scheduler: str | None, workers: int | None):
    """A Dask client: on ``scheduler`` if given, else on a new LocalCluster."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler), None
    # A worker that dies while grading (it should not: kernels are separate processes) is not
    # given the same submission again and again; the submission is reported instead.
    dask.config.set({"distributed.scheduler.allowed-failures": 1})
    n = workers or os.cpu_count() or 1
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=logging.ERROR, memory_limit=0)
    return Client(cluster), cluster


def _scores(coursedir, student: str, slug: str) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        sub = gb.find_submission(slug, student)
        return {"code_score": float(sub.code_score), "max_code_score": float(sub.max_code_score),
                "score": float(sub.score), "max_score": float(sub.max_score)}


def _record(root: Path, coursedir, student: str, slug: str, *, status: str, seconds: float = 0.0,
            reason: str = "", notes=(), host: str = "") -> dict:
    record = {"student": student, "slug": slug, "status": status, "reason": reason, "seconds": seconds,
              "notes": list(notes), "host": host, "cells": [], "code_score": None, "max_code_score": None}
    if status != "failed":
        path = Path(coursedir.format_path(coursedir.autograded_directory, student, slug)) / f"{slug}.ipynb"
        if path.exists():
            record["cells"] = notebook_summary(path)
        record.update(_scores(coursedir, student, slug))
    return record


def grade_class(root: Path | str = ".", lessons: list[str] | None = None, *, students: list[str] | None = None,
                scheduler: str | None = None, workers: int | None = None, timeout: int | None = None,
                memory_limit: float = 2.0, force: bool = False, feedback: bool = True,
                report: Path | str | None = "build/class-report.html", progress: bool = True,
                log=print) -> list[dict]:
    """Grade every submission in ``root/submitted/`` and store the results in the gradebook.

    Parameters
    ----------
    root : path
        The course folder (with ``nbgrader_config.py`` and ``gradebook.db``).
    lessons : list of str, optional
        Lesson slugs to grade; default every lesson in the source folder.
    students : list of str, optional
        Student ids to grade; default everyone in ``submitted/``.
    scheduler : str, optional
        Address of an existing Dask scheduler; default a LocalCluster with ``workers``
        single-threaded worker processes (default: one per core).
    timeout : int, optional
        Per-cell limit in seconds; default the course's ``Execute.timeout``.
    memory_limit : float
        Per-submission memory limit in GB.
    force : bool
        Grade again submissions that are already in ``autograded/``.
    feedback : bool
        Write HTML feedback to ``feedback/<student>/<slug>/``.
    report : path or None
        Where to write the class report (relative to ``root``); None for no report.
    progress : bool
        Show a progress bar on stderr.

    Returns
    -------
    list of dict
        One record per submission (see :func:`dlbio.grading.report.write_report`).
    """
    from nbgrader.coursedir import CourseDirectory

    root = Path(root).resolve()
    bindir = str(Path(sys.executable).parent)
    os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    config = course_config(root)
    coursedir = CourseDirectory(config=config)
    lessons = lessons or _lessons(root, coursedir.source_directory)
    submissions = find_submissions(root, lessons, students)
    records, todo = [], []
    for sub in submissions:
        done = Path(coursedir.format_path(coursedir.autograded_directory, sub.student, sub.slug)) / f"{sub.slug}.ipynb"
        if sub.problem:
            records.append(_record(root, coursedir, sub.student, sub.slug, status="failed", reason=sub.problem))
        elif done.exists() and not force:
            records.append(_record(root, coursedir, sub.student, sub.slug, status="skipped",
                                   notes=["already graded; --force grades it again"]))
        else:
            todo.append(sub)
    start = time.perf_counter()
    n_workers = 0
    if todo:
        settings = {"timeout": timeout, "memory_limit": memory_limit}
        kits = {slug: make_kit(root, coursedir, slug, settings) for slug in sorted({s.slug for s in todo})}
        client, cluster = _client(scheduler, workers)
        try:
            n_workers = len(client.scheduler_info()["workers"])
            records += _run(client, kits, todo, root, coursedir, config, feedback, progress)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    wall = time.perf_counter() - start
    order = {(s.student, s.slug): i for i, s in enumerate(submissions)}
    records.sort(key=lambda r: order[(r["student"], r["slug"])])
    out = root / "build" / "grading"
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps({"wall_seconds": wall, "workers": n_workers,
                                                  "records": records}, indent=1))
    if report:
        from .report import write_report

        write_report(records, root / report)
    if log:
        log(summary(records, wall, n_workers, report))
    return records


def _run(client, kits, todo, root, coursedir, config, feedback, progress) -> list[dict]:
    from distributed import as_completed
    from tqdm.auto import tqdm

    from .worker import grade_submission

    # One copy of each lesson's kit on every worker (a list, so that the dict travels whole).
    kit_futures = {slug: client.scatter([kit], broadcast=True)[0] for slug, kit in kits.items()}
    run = uuid.uuid4().hex[:8]
    futures = {}
    for sub in todo:
        fut = client.submit(grade_submission, kit_futures[sub.slug], sub.student, sub.files(),
                            feedback=feedback, key=f"grade-{sub.slug}-{sub.student}-{run}", pure=False)
        futures[fut] = sub
    records = []
    bar = tqdm(total=len(futures), desc="grading", unit="nb", disable=not progress, file=sys.stderr)
    failures = 0
    for fut in as_completed(futures):
        sub = futures[fut]
        try:
            result = fut.result()
        except Exception as exc:  # the worker died, or the scheduler lost the task
            result = {"ok": False, "seconds": 0.0, "host": "",
                      "reason": (f"the Dask worker grading it died or failed ({type(exc).__name__}: {exc}); "
                                 "grade it again alone with --students")}
        if result.get("ok"):
            try:
                t0 = time.perf_counter()
                store_result(root, coursedir, config, result)
                record = _record(root, coursedir, sub.student, sub.slug, status="graded",
                                 seconds=result["seconds"], notes=sub.notes, host=result.get("host", ""))
                record["store_seconds"] = time.perf_counter() - t0
            except Exception as exc:
                record = _record(root, coursedir, sub.student, sub.slug, status="failed", seconds=result["seconds"],
                                 reason=f"graded, but storing the result failed: {type(exc).__name__}: {exc}")
        else:
            record = _record(root, coursedir, sub.student, sub.slug, status="failed",
                             seconds=result.get("seconds", 0.0), reason=result["reason"])
        failures += record["status"] == "failed"
        records.append(record)
        bar.update(1)
        bar.set_postfix(not_graded=failures)
        fut.release()
    bar.close()
    return records


def summary(records: list[dict], wall: float, workers: int, report) -> str:
    """A few lines for the terminal: what was graded, what was not and why."""
    graded = [r for r in records if r["status"] == "graded"]
    skipped = [r for r in records if r["status"] == "skipped"]
    failed = [r for r in records if r["status"] == "failed"]
    lines = [f"Graded {len(graded)} submission(s) in {wall:.0f} s"
             + (f" on {workers} worker(s), {3600 * len(graded) / wall:.0f} per hour" if graded and wall else "")
             + (f"; {len(skipped)} already graded (use --force to grade them again)" if skipped else "") + "."]
    for slug in sorted({r["slug"] for r in graded + skipped}):
        rows = [r for r in graded + skipped if r["slug"] == slug and r["max_code_score"]]
        if not rows:
            continue
        mean = sum(r["code_score"] for r in rows) / len(rows)
        events = [c["event"] for r in rows for c in r["cells"] if c.get("event")]
        lines.append(f"  {slug}: {len(rows)} graded, mean {mean:.1f} / {rows[0]['max_code_score']:g} "
                     f"autograded points" + (f"; grader stepped in: {', '.join(f'{events.count(e)} {e}' for e in sorted(set(events)))}"
                                             if events else ""))
    if failed:
        lines.append(f"Not graded ({len(failed)}):")
        lines += [f"  {r['student']} / {r['slug']}: {r['reason']}" for r in failed]
    if report:
        lines.append(f"Class report: {report}; feedback: feedback/<student>/<lesson>/; grades: gradebook.db "
                     "(`nbgrader export` writes grades.csv).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="dlbio-grade",
        description="Autograde the submissions in submitted/<student>/<lesson>/ in parallel on Dask, "
                    "store the grades in nbgrader's gradebook, write HTML feedback and the class report.")
    parser.add_argument("lessons", nargs="*", help="lesson slugs (default: every lesson)")
    parser.add_argument("--course", default=".", help="course folder (default: .)")
    parser.add_argument("--students", help="comma-separated student ids (default: everyone)")
    parser.add_argument("--scheduler", default=os.environ.get(SCHEDULER_ENV),
                        help=f"address of a running Dask scheduler, e.g. tcp://host:8786 (default: ${SCHEDULER_ENV}, "
                             "else a local cluster)")
    parser.add_argument("--workers", type=int, help="local worker processes (default: one per core)")
    parser.add_argument("--timeout", type=int, help="per-cell limit in seconds (default: nbgrader_config.py)")
    parser.add_argument("--memory-limit", type=float, default=2.0, help="per-submission memory limit in GB (default 2)")
    parser.add_argument("--force", action="store_true", help="grade again what is already in autograded/")
    parser.add_argument("--no-feedback", action="store_true", help="do not write HTML feedback")
    parser.add_argument("--report", default="build/class-report.html", help="class report path (default: %(default)s)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    records = grade_class(args.course, args.lessons or None,
                          students=args.students.split(",") if args.students else None,
                          scheduler=args.scheduler or None, workers=args.workers, timeout=args.timeout,
                          memory_limit=args.memory_limit, force=args.force, feedback=not args.no_feedback,
                          report=args.report, progress=not args.no_progress)
    if not records:
        print("No submissions found: collect them into submitted/<student>/<lesson>/<lesson>.ipynb first.",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
