"""Shared helpers for the course-level tests: finding the lessons, running a notebook in a
child process while measuring it, and reading nbgrader's cell metadata."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
LESSONS = ROOT / "lessons"
RUNS = ROOT / "build" / "notebook-runs"
GRADES = ROOT / "build" / "autograde-scores"
RUNNER = Path(__file__).with_name("run_notebook.py")

# The budgets from CURRICULUM.md section 3 (reported, not asserted) and the one hard ceiling.
BUDGET_SECONDS = 60
BUDGET_RSS_MB = 1536
CEILING_SECONDS = 120


def lesson_slugs() -> list[str]:
    """Slugs of every lesson that has a solution notebook, e.g. ``tip03-training``."""
    return sorted(p.parent.name for p in SOLUTIONS.glob("tip*/tip*.ipynb") if p.stem == p.parent.name)


def solution_path(slug: str) -> Path:
    return SOLUTIONS / slug / f"{slug}.ipynb"


def lesson_path(slug: str) -> Path:
    return LESSONS / slug / f"{slug}.ipynb"


def child_env() -> dict[str, str]:
    """Environment for kernels started by the tests: this interpreter's kernel spec comes
    first, and nothing outside the course can change the thread count or the backend."""
    env = dict(os.environ)
    # nbgrader runs helper programs (alembic) by name: this interpreter's bin/ goes first.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["JUPYTER_PATH"] = os.pathsep.join(
        [str(Path(sys.prefix) / "share" / "jupyter"), env.get("JUPYTER_PATH", "")]).rstrip(os.pathsep)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # silences a debugger notice on Python 3.11
    env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    env.pop("DLBIO_THREADS", None)
    return env


def run_notebook(source: Path, workdir: Path, *, mode: str, label: str) -> dict:
    """Execute ``source`` in a child process (copied into ``workdir``) and return its record.

    ``mode`` is "solution" (papermill, stops at the first error) or "student" (nbclient with
    errors allowed, so that every cell runs).  The record holds the wall time, the peak RSS
    of the kernel and its children, and the path of the executed notebook.  It is also
    written to build/notebook-runs/ for the budgets table.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    target = workdir / source.name
    target.write_bytes(source.read_bytes())
    executed = workdir / f"{source.stem}.executed.ipynb"
    record_file = workdir / "record.json"
    cmd = [sys.executable, str(RUNNER), "--mode", mode, str(target), str(executed), str(record_file)]
    proc = subprocess.run(cmd, cwd=workdir, env=child_env(), capture_output=True, text=True,
                          timeout=CEILING_SECONDS + 120)
    if not record_file.exists():
        raise RuntimeError(f"the notebook runner crashed for {source}:\n{proc.stdout}\n{proc.stderr}")
    record = json.loads(record_file.read_text())
    record.update(label=label, mode=mode, executed=str(executed), runner_stderr=proc.stderr[-4000:])
    RUNS.mkdir(parents=True, exist_ok=True)
    (RUNS / f"{label}.json").write_text(json.dumps(record, indent=1))
    return record


def nbgrader_meta(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_solution_cell(cell: dict) -> bool:
    """A cell the student writes (nbgrader "autograded answer" or "manually graded answer")."""
    return bool(nbgrader_meta(cell).get("solution"))


def is_graded_test_cell(cell: dict) -> bool:
    """An nbgrader "autograder tests" cell: graded, code, and not written by the student."""
    meta = nbgrader_meta(cell)
    return cell["cell_type"] == "code" and bool(meta.get("grade")) and not meta.get("solution")


def error_names(cell: dict) -> list[str]:
    return [o.get("ename", "") for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def stderr_text(cell: dict) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream" and o.get("name") == "stderr")


def cell_label(cell: dict, index: int) -> str:
    grade_id = nbgrader_meta(cell).get("grade_id")
    return f"cell {index}" + (f" ({grade_id})" if grade_id else "")


def run(cmd: list[str], cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    """Run a command, raising with its output when it fails."""
    proc = subprocess.run(cmd, cwd=cwd, env=child_env(), capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc
