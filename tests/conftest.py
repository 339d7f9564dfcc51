"""Suite-wide hooks: the notebook budgets table.

Every notebook run writes a JSON record to build/notebook-runs/ (see course.run_notebook).
At the end of the session the controlling process (also under pytest-xdist) collects the
records into build/notebook-budgets.md and prints it.  The figures are reported, not
asserted: timing assertions flake on shared machines.
"""
from __future__ import annotations

import json
import shutil

from course import BUDGET_RSS_MB, BUDGET_SECONDS, GRADES, ROOT, RUNS

TABLE = ROOT / "build" / "notebook-budgets.md"
WRONG = ROOT / "build" / "wrong-answer-scores"


def _is_controller(config) -> bool:
    return not hasattr(config, "workerinput")


def pytest_sessionstart(session):
    if _is_controller(session.config):
        for folder in (RUNS, GRADES, WRONG):
            if folder.exists():
                shutil.rmtree(folder)


def _table() -> str | None:
    records = [json.loads(p.read_text()) for p in sorted(RUNS.glob("*.json"))] if RUNS.exists() else []
    grades = [json.loads(p.read_text()) for p in sorted(GRADES.glob("*.json"))] if GRADES.exists() else []
    wrong = [json.loads(p.read_text()) for p in sorted(WRONG.glob("*.json"))] if WRONG.exists() else []
    if not records and not grades and not wrong:
        return None
    lines = [
        f"Notebook budgets: at most {BUDGET_SECONDS} s and {BUDGET_RSS_MB / 1024:.1f} GB per solution "
        "notebook (wall time includes kernel start-up; peak RSS is the kernel and its children).",
        "",
        "| notebook | run | status | wall time (s) | peak RSS (MB) | within budget |",
        "|---|---|---|---:|---:|---|",
    ]
    for r in sorted(records, key=lambda r: r["label"]):
        within = r["wall_s"] <= BUDGET_SECONDS and r["peak_rss_mb"] <= BUDGET_RSS_MB
        lines.append(f"| {r['label'].rsplit('-', 1)[0]} | {r['mode']} | {r['status']} | {r['wall_s']:.1f} "
                     f"| {r['peak_rss_mb']:.0f} | {'yes' if within else 'NO'} |")
    if grades:
        lines += ["", "nbgrader autograde (autograded points): the solution must score full marks, "
                  "the blank student version 0.", "",
                  "| notebook | solution | blank student version |", "|---|---:|---:|"]
        lines += [f"| {g['slug']} | {g['solution']:g} / {g['max']:g} | {g['blank']:g} / {g['max']:g} |"
                  for g in grades]
    if wrong:
        lines += ["", "Wrong answers (tests/wrong_answers/): the autograded score with each one in place, "
                  "every other exercise solved.", "", "| notebook | wrong answer | cell | score |", "|---|---|---|---:|"]
        lines += [f"| {w['slug']} | {a['name']} | {a['cell']} | {a['score']:g} / {a['max']:g} |"
                  for w in wrong for a in w["answers"]]
    return "\n".join(lines) + "\n"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _is_controller(config):
        return
    table = _table()
    if table is None:
        return
    TABLE.parent.mkdir(parents=True, exist_ok=True)
    TABLE.write_text(table)
    terminalreporter.write_sep("=", "notebook budgets")
    terminalreporter.write_line(table)
    terminalreporter.write_line(f"(written to {TABLE.relative_to(ROOT)})")
