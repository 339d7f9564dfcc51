"""The course side of grading: find and check submissions, pack kits, store results.

Everything here runs in the one process that drives the grading (the Dask *client*), and it is
the only code that writes ``gradebook.db``, ``autograded/`` and ``feedback/``.
"""
from __future__ import annotations

import json
import shutil
import sqlite3
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .worker import _quiet_library_warnings

__all__ = ["Submission", "find_submissions", "make_kit", "store_result", "course_config",
           "notebook_summary"]


@dataclass
class Submission:
    """One student's folder for one lesson, ``submitted/<student>/<slug>/``."""

    student: str
    slug: str
    folder: Path
    problem: str = ""                       # why it cannot be graded ("" when it can)
    notes: list[str] = field(default_factory=list)

    def files(self) -> dict[str, bytes]:
        return {p.relative_to(self.folder).as_posix(): p.read_bytes()
                for p in sorted(self.folder.rglob("*")) if p.is_file()}


def course_config(root: Path):
    """Load ``root/nbgrader_config.py`` into a traitlets Config, with the course root set."""
    from traitlets.config import Config

    config = Config()
    path = root / "nbgrader_config.py"
    if path.exists():
        namespace = {"c": config, "get_config": lambda: config, "__file__": str(path)}
        exec(compile(path.read_text(), str(path), "exec"), namespace)
    config.CourseDirectory.root = str(root)
    return config


def _check_notebook(path: Path, slug: str) -> str:
    """Why ``path`` cannot be graded as lesson ``slug``, or "" when it can."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        return f"{path.name} is not UTF-8 text: it is not a notebook. Ask the student to upload the .ipynb file again."
    except json.JSONDecodeError as exc:
        return (f"{path.name} is not valid JSON (line {exc.lineno}: {exc.msg}); the file is damaged. "
                "Ask the student to download the notebook again (File > Download) and resubmit.")
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return f"{path.name} has no list of cells: it is not a Jupyter notebook."
    if data.get("nbformat") != 4:
        return f"{path.name} is in notebook format {data.get('nbformat')!r}; nbgrader grades format 4."
    if not isinstance(data.get("metadata"), dict):
        return (f"{path.name} has no notebook metadata; it was not saved by Jupyter. "
                "Ask the student to open it in JupyterLab, save it and resubmit.")
    graded = [c for c in data["cells"] if isinstance(c, dict)
              and (c.get("metadata") or {}).get("nbgrader", {}).get("grade_id")]
    if not graded:
        return (f"{path.name} has no nbgrader cells: the student probably copied the work into a new "
                f"notebook. Ask them to paste it into lessons/{slug}/{slug}.ipynb and resubmit.")
    return ""


def find_submissions(root: Path, slugs: list[str], students: list[str] | None = None) -> list[Submission]:
    """Every ``submitted/<student>/<slug>/`` folder of the given lessons, checked.

    A submission that cannot be graded gets a ``problem`` that says what to do about it: a
    notebook with the wrong name, invalid JSON, no metadata, or no nbgrader cells.
    """
    found = []
    submitted = root / "submitted"
    for student_dir in sorted(p for p in submitted.iterdir() if p.is_dir()) if submitted.is_dir() else []:
        if students and student_dir.name not in students:
            continue
        for slug in slugs:
            folder = student_dir / slug
            if not folder.is_dir():
                continue
            sub = Submission(student_dir.name, slug, folder)
            expected = folder / f"{slug}.ipynb"
            others = sorted(p.name for p in folder.glob("*.ipynb") if p.name != expected.name)
            if not expected.exists():
                if others:
                    sub.problem = (f"wrong file name: found {', '.join(others)} but expected {slug}.ipynb. "
                                   f"Rename it to {slug}.ipynb (if it is this lesson) and grade again.")
                else:
                    sub.problem = f"no notebook: the folder has no {slug}.ipynb"
            else:
                sub.problem = _check_notebook(expected, slug)
                if others:
                    sub.notes.append(f"ignored extra notebooks: {', '.join(others)}")
            found.append(sub)
    return found


def make_kit(root: Path, coursedir, slug: str, settings: dict) -> dict:
    """What a worker needs to grade lesson ``slug``, as plain data.

    The gradebook copy keeps the lesson definitions (source cells, points) and drops every
    student, submission and grade, so that it stays small however large the class.
    """
    db_path = Path(coursedir.db_url.replace("sqlite:///", "", 1))
    if not db_path.exists():
        raise FileNotFoundError(f"no gradebook at {db_path}: run `make release` first")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "gradebook.db"
        with sqlite3.connect(db_path) as src, sqlite3.connect(copy) as dst:
            src.backup(dst)
        con = sqlite3.connect(copy)
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        for table in ("grade", "comment", "submitted_notebook", "submitted_assignment", "student"):
            if table in tables:
                con.execute(f"DELETE FROM {table}")
        con.commit()
        con.execute("VACUUM")
        con.close()
        gradebook = copy.read_bytes()
    source = root / coursedir.source_directory / slug
    source_files = {p.relative_to(source).as_posix(): p.read_bytes() for p in sorted(source.rglob("*"))
                    if p.is_file() and p.suffix != ".ipynb" and ".ipynb_checkpoints" not in p.parts}
    config_file = root / "nbgrader_config.py"
    return {"slug": slug, "course_id": coursedir.course_id, "gradebook": gradebook,
            "source_files": source_files,
            "config_text": config_file.read_text() if config_file.exists() else None,
            "settings": dict(settings, source_directory=coursedir.source_directory)}


def _clear(folder: Path) -> None:
    if folder.exists():
        for p in folder.rglob("*"):
            p.chmod(p.stat().st_mode | stat.S_IWUSR)
        shutil.rmtree(folder)


def store_result(root: Path, coursedir, config, result: dict) -> None:
    """Write one graded submission into the course: files, then the gradebook.

    The scores are written by nbgrader's own ``SaveAutoGrades`` and ``AssignLatePenalties``
    preprocessors, run on the autograded notebook against the course gradebook, exactly as
    ``nbgrader autograde`` would have written them.
    """
    student, slug = result["student"], result["slug"]
    autograded = Path(coursedir.format_path(coursedir.autograded_directory, student, slug))
    feedback = Path(coursedir.format_path(coursedir.feedback_directory, student, slug))
    for folder, files in ((autograded, result["autograded"]), (feedback, result["feedback"])):
        _clear(folder)
        if files:
            folder.mkdir(parents=True, exist_ok=True)
            for rel, data in files.items():
                (folder / rel).parent.mkdir(parents=True, exist_ok=True)
                (folder / rel).write_bytes(data)

    with _quiet_library_warnings():
        _save_scores(coursedir, config, student, slug, autograded)


def _save_scores(coursedir, config, student: str, slug: str, autograded: Path) -> None:
    import nbformat
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades

    submitted = coursedir.format_path(coursedir.submitted_directory, student, slug)
    timestamp = coursedir.get_existing_timestamp(submitted)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        gb.update_or_create_student(student)
        if timestamp:
            gb.update_or_create_submission(slug, student, timestamp=timestamp)
        else:
            gb.update_or_create_submission(slug, student)
        notebooks = [nb.name for nb in gb.find_assignment(slug).notebooks]
    for name in notebooks:
        path = autograded / f"{name}.ipynb"
        if not path.exists():
            # nbgrader's rule for a missing notebook: every grade is 0.
            with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
                sub = gb.find_submission_notebook(name, slug, student)
                for grade in sub.grades:
                    grade.auto_score = 0
                    grade.needs_manual_grade = False
                gb.db.commit()
            continue
        nb = nbformat.read(str(path), as_version=4)
        resources = {"nbgrader": {"db_url": coursedir.db_url, "assignment": slug, "notebook": name,
                                  "student": student}}
        for cls in (SaveAutoGrades, AssignLatePenalties):
            cls(config=config).preprocess(nb, resources)


def notebook_summary(path: Path) -> list[dict]:
    """Per graded cell of an autograded notebook: id, points, pass/fail and the failure message.

    ``event`` is ``"crash"``, ``"memory"``, ``"timeout"`` or ``""``: what the grader had to do
    in that cell (``"memory"`` also for a ``MemoryError`` raised by the address-space cap).
    """
    import nbformat
    from nbgrader import utils

    nb = nbformat.read(str(path), as_version=4)
    rows = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        names = {o.get("ename") for o in errors}
        # A MemoryError is the address-space cap stopping one huge allocation: contained too.
        event = ("memory" if names & {"MemoryLimitExceeded", "MemoryError"} else "crash" if names & {"KernelDied", "KernelExitRefused"}
                 else "timeout" if "CellTimeoutError" in names else "")
        if not utils.is_grade(cell):
            if event:
                rows.append({"grade_id": meta.get("grade_id") or cell.get("id", "?"), "graded": False,
                             "event": event, "message": _message(cell), "score": None, "points": 0})
            continue
        score, points = utils.determine_grade(cell)
        rows.append({"grade_id": meta["grade_id"], "graded": True, "test": cell.cell_type == "code"
                     and not utils.is_solution(cell), "score": score, "points": points,
                     "event": event, "message": _message(cell) if score is not None and score < points else ""})
    return rows


def _message(cell) -> str:
    """The check message of a failing cell: its last error's value, or its stderr."""
    for out in reversed(cell.get("outputs", [])):
        if out.get("output_type") == "error":
            text = f"{out.get('ename', 'Error')}: {out.get('evalue', '')}".strip()
            return text[:500]
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            return ("wrote to stderr: " + out.get("text", "").strip().splitlines()[-1])[:500] if out.get("text", "").strip() else "wrote to stderr"
    return ""
