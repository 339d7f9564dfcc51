"""What runs on a Dask worker: one submission, graded by nbgrader in a private course folder.

A worker gets a *kit* for the lesson (a copy of the gradebook holding only the lesson's source
cells, the course's ``nbgrader_config.py`` and the lesson's non-notebook source files) and one
submission (its files as bytes).  It builds a throw-away nbgrader course in a temporary folder,
runs nbgrader's own ``Autograde`` converter on it, with :class:`CrashProofExecute` in place of
``Execute`` and ``OverwriteCells.add_missing_cells`` on, then nbgrader's ``GenerateFeedback``,
and returns the autograded notebook and the HTML feedback as bytes.  It never touches the
course's gradebook: the process that submitted the work stores the result (see
:mod:`dlbio.grading.store`).  Everything travels as bytes, so the workers may run on other
machines that do not share the course folder.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

__all__ = ["grading_config", "grade_submission", "SINGLE_THREAD_ENV"]

#: Environment for the kernels: one thread for every numerical library, no debugger notice.
SINGLE_THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
    "DLBIO_THREADS": "1",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}

# nbgrader 0.9's default autograde pipeline, with Execute replaced.
_AUTOGRADE_AFTER_EXECUTE = ["IgnorePattern", "ClearMetadataPreprocessor", "LimitOutput",
                            "SaveAutoGrades", "AssignLatePenalties", "CheckCellMetadata"]


def grading_config(config_text: str | None, root: Path, *, timeout: int | None = None,
                   memory_limit: float | None = None):
    """The nbgrader configuration for grading in the course folder ``root``.

    Parameters
    ----------
    config_text : str or None
        The course's ``nbgrader_config.py``; its settings (source folder, per-cell timeout,
        ignored stderr patterns) are kept.
    root : Path
        The course folder to grade in.
    timeout : int, optional
        Per-cell limit in seconds; None keeps the course's ``Execute.timeout``.
    memory_limit : float, optional
        Per-submission memory limit in GB; None keeps the default of 2 GB.

    Returns
    -------
    traitlets.config.Config
    """
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader import preprocessors as pp
    from traitlets.config import Config

    from .execute import CrashProofExecute

    config = Config()
    if config_text:
        namespace = {"c": config, "get_config": lambda: config, "__file__": str(root / "nbgrader_config.py")}
        exec(compile(config_text, "nbgrader_config.py", "exec"), namespace)  # the course's own file
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    config.OverwriteCells.add_missing_cells = True
    classes = {"IgnorePattern": pp.IgnorePattern, "ClearMetadataPreprocessor": ClearMetadataPreprocessor,
               "LimitOutput": pp.LimitOutput, "SaveAutoGrades": pp.SaveAutoGrades,
               "AssignLatePenalties": pp.AssignLatePenalties, "CheckCellMetadata": pp.CheckCellMetadata}
    config.Autograde.autograde_preprocessors = [CrashProofExecute] + [classes[n] for n in _AUTOGRADE_AFTER_EXECUTE]
    if timeout is not None:
        config.Execute.timeout = int(timeout)
    if memory_limit is not None:
        config.CrashProofExecute.memory_limit = float(memory_limit)
    return config


def _write_tree(base: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        target = base / rel
        if base.resolve() not in target.resolve().parents:
            raise ValueError(f"refusing to write outside the course folder: {rel!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _read_tree(base: Path) -> dict[str, bytes]:
    if not base.is_dir():
        return {}
    return {p.relative_to(base).as_posix(): p.read_bytes() for p in sorted(base.rglob("*")) if p.is_file()}


def grade_submission(kit: dict, student: str, files: dict[str, bytes], *, feedback: bool = True) -> dict:
    """Grade one student's submission of one lesson in a private nbgrader course.

    Parameters
    ----------
    kit : dict
        From :func:`dlbio.grading.store.make_kit`: ``slug``, ``course_id``, ``config_text``,
        ``gradebook`` (bytes), ``source_files`` and ``settings`` (``timeout``, ``memory_limit``,
        ``source_directory``).
    student : str
        The student id.
    files : dict
        The submitted folder ``submitted/<student>/<slug>/``: relative path -> bytes.
    feedback : bool
        Also run ``nbgrader generate_feedback`` and return the HTML.

    Returns
    -------
    dict
        ``student``, ``slug``, ``ok`` (bool), ``reason`` (why it failed, for a person),
        ``autograded`` and ``feedback`` (relative path -> bytes), ``seconds``, ``log`` and
        ``host``.
    """
    from nbgrader.converters import Autograde, GenerateFeedback
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log
    from traitlets.config import Config

    start = time.perf_counter()
    slug = kit["slug"]
    result = {"student": student, "slug": slug, "ok": False, "reason": "", "autograded": {},
              "feedback": {}, "seconds": 0.0, "log": "", "host": os.uname().nodename}
    os.environ.update(SINGLE_THREAD_ENV)
    # nbgrader runs helper programs (alembic) by name: this interpreter's bin/ goes first.
    bindir = str(Path(sys.executable).parent)
    if not os.environ.get("PATH", "").startswith(bindir):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    tmp = Path(tempfile.mkdtemp(prefix=f"dlbio-grade-{student}-{slug}-"))
    cwd = os.getcwd()
    try:
        root = tmp / "course"
        settings = kit["settings"]
        source_dir = settings.get("source_directory", "source")
        (root / source_dir / slug).mkdir(parents=True)
        (root / "gradebook.db").write_bytes(kit["gradebook"])
        _write_tree(root / source_dir / slug, kit["source_files"])
        _write_tree(root / "submitted" / student / slug, files)

        config = grading_config(kit.get("config_text"), root, timeout=settings.get("timeout"),
                                memory_limit=settings.get("memory_limit"))
        config.CourseDirectory.course_id = kit.get("course_id", config.CourseDirectory.get("course_id", ""))
        coursedir = CourseDirectory(config=config)
        coursedir.assignment_id = slug
        coursedir.student_id = student
        app = Autograde(coursedir=coursedir, config=config)
        app.force = True
        app.create_student = True
        with _quiet_library_warnings():
            outcome = capture_log(app)
        result["log"] = outcome.get("log", "")[-6000:]
        result["autograded"] = _read_tree(root / "autograded" / student / slug)
        if not outcome["success"] or not any(k.endswith(".ipynb") for k in result["autograded"]):
            result["reason"] = _failure_reason(outcome)
            return result
        if feedback:
            extra = Config()
            extra.HTMLExporter.template_name = "feedback"
            fb = GenerateFeedback(coursedir=coursedir, config=config)
            fb.update_config(extra)
            fb.force = True
            with _quiet_library_warnings():
                fb_outcome = capture_log(fb)
            result["feedback"] = _read_tree(root / "feedback" / student / slug)
            if not fb_outcome["success"]:
                result["log"] += "\n[feedback] " + _failure_reason(fb_outcome)
        result["ok"] = True
        return result
    except Exception as exc:  # any surprise becomes a reason in the report, never a lost class
        result["reason"] = f"the grader failed on this submission: {type(exc).__name__}: {exc}"
        return result
    finally:
        os.chdir(cwd)
        shutil.rmtree(tmp, ignore_errors=True)
        result["seconds"] = time.perf_counter() - start


@contextmanager
def _quiet_library_warnings():
    """Silence two warnings that nbgrader 0.9 itself triggers on every submission.

    SQLAlchemy's ``SAWarning`` about objects "not in session" (nbgrader's gradebook code) and
    nbformat's ``MissingIDFieldWarning`` (older notebooks without cell ids, which nbgrader
    normalises) say nothing about the student's work; on a class they flood the instructor's
    terminal.  Everything else still shows.
    """
    from nbformat.validator import MissingIDFieldWarning
    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        warnings.simplefilter("ignore", MissingIDFieldWarning)
        yield


def _failure_reason(outcome: dict) -> str:
    """The most telling line of nbgrader's log for a failed conversion."""
    lines = [line for line in (outcome.get("log", "") + "\n" + (outcome.get("error") or "")).splitlines()
             if line.strip()]
    for marker in ("[ERROR]", "Error", "Exception"):
        hits = [line for line in lines if marker in line and "Please see the error log" not in line
                and "There was an error processing" not in line]
        if hits:
            return "nbgrader could not grade it: " + hits[-1].replace("[ERROR]", "").strip()[:400]
    return "nbgrader could not grade it (no error message)"
