"""Grading a whole class with ``dlbio.grading`` (issue 19), end to end on a tiny assignment.

The assignment ``mini`` is built here with nbformat: a setup cell, three exercises with a test
cell each (2 + 3 + 1 autograded points) and one written answer (2 manual points).  Its cells take
milliseconds, so the test measures the grader, not a lesson.  A class of twelve submissions is
graded on a two-worker Dask LocalCluster: the solution, the blank version, half-done work,
tampered tests, a deleted test cell, an endless loop, ``os._exit``, a segfault, a memory bomb,
and three malformed files.  Every expected score is asserted, and the gradebook, ``nbgrader
export``, ``nbgrader generate_feedback``, the HTML feedback and the class report are checked.
"""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course import ROOT, child_env, run

pytest.importorskip("distributed", reason="the instructor extra is missing: pip install -e '.[grading]' "
                                          "(make test installs it)")

NBGRADER = str(Path(sys.executable).with_name("nbgrader"))
SLUG = "mini"
CELL_TIMEOUT = 3           # seconds per cell while grading
MEMORY_LIMIT = 0.5         # GB per submission while grading


def _cell(kind: str, source: str, grade_id: str | None = None, *, points: int = 0, solution=False,
          grade=False, locked=False):
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    cell = make(source)
    if grade_id:
        cell.metadata["nbgrader"] = {"grade": grade, "grade_id": grade_id, "locked": locked,
                                     "schema_version": 3, "solution": solution, "task": False}
        if grade:
            cell.metadata.nbgrader["points"] = points
    return cell


def source_notebook() -> nbformat.NotebookNode:
    """The nbgrader source notebook of the tiny assignment (solutions and tests)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        _cell("markdown", "# A tiny assignment for the grader's test"),
        _cell("code", "offset = 1", "setup", locked=True),
        _cell("code", "def double(v):\n    ### BEGIN SOLUTION\n    return 2 * v\n    ### END SOLUTION",
              "ex1", solution=True),
        _cell("code", "assert double(3) == 6, 'Check failed: double(3). Hint: multiply by two.'\n"
                      "### BEGIN HIDDEN TESTS\nassert double(-4) == -8\n### END HIDDEN TESTS",
              "ex1-tests", points=2, grade=True, locked=True),
        _cell("code", "def square(v):\n    ### BEGIN SOLUTION\n    return v * v\n    ### END SOLUTION",
              "ex2", solution=True),
        _cell("code", "assert square(4) == 16, 'Check failed: square(4). Hint: v times v.'\n"
                      "### BEGIN HIDDEN TESTS\nassert square(-3) == 9\n### END HIDDEN TESTS",
              "ex2-tests", points=3, grade=True, locked=True),
        _cell("code", "def shift(v):\n    ### BEGIN SOLUTION\n    return v + offset\n    ### END SOLUTION",
              "ex3", solution=True),
        _cell("code", "assert shift(1) == 2, 'Check failed: shift(1). Hint: add the offset.'\n"
                      "### BEGIN HIDDEN TESTS\nassert shift(10) == 11\n### END HIDDEN TESTS",
              "ex3-tests", points=1, grade=True, locked=True),
        _cell("markdown", "Why does it work? (graded by a person)", "why-q", locked=True),
        _cell("markdown", "YOUR ANSWER HERE", "why", points=2, grade=True, solution=True),
    ]
    return nb


def _replace(nb, grade_id: str, source: str):
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = source
    return nb


LOOP = "while True:\n    pass"
MEMORY_BOMB = "hoard = []\nwhile True:\n    hoard.append(bytearray(b'x') * (50 * 2**20))"


def class_submissions(solved, blank) -> dict[str, tuple[object, float | None, str]]:
    """student -> (notebook, or raw bytes/other file name, expected autograded score, what it is)."""
    without_ex2_tests = nbformat.from_dict(json.loads(json.dumps(solved)))
    without_ex2_tests.cells = [c for c in without_ex2_tests.cells
                               if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") != "ex2-tests"]
    tampered = blank
    for test in ("ex1-tests", "ex2-tests", "ex3-tests"):
        tampered = _replace(tampered, test, "pass  # all good")
    half = _replace(_replace(blank, "ex1", solved.cells[2].source), "ex2", "def square(v):\n    return v + v")
    no_metadata = json.loads(nbformat.writes(solved))
    del no_metadata["metadata"]
    return {
        "solution": (solved, 6, "full marks"),
        "blank": (blank, 0, "nothing done"),
        "half": (half, 2, "exercise 1 right, exercise 2 wrong, exercise 3 not done"),
        "tampered": (tampered, 0, "test cells replaced by `pass`: restored, the blank answers fail"),
        "deleted": (without_ex2_tests, 6, "a deleted test cell is restored from the source"),
        "loop": (_replace(solved, "ex2", LOOP), 3, "endless loop costs exercise 2 only"),
        "exit": (_replace(solved, "ex2", "import os\nos._exit(3)"), 3, "os._exit costs exercise 2 only"),
        "segfault": (_replace(solved, "ex2", "import ctypes\nctypes.string_at(0)"), 3, "segfault costs exercise 2"),
        "memory": (_replace(solved, "ex2", MEMORY_BOMB), 3, "memory bomb stopped at the limit"),
        "broken_json": (b'{"cells": [', None, "invalid JSON"),
        "renamed": (("Copy1.ipynb", solved), None, "wrong file name"),
        "no_metadata": (json.dumps(no_metadata).encode(), None, "no notebook metadata"),
    }


def make_course(tmp_path: Path) -> tuple[Path, dict]:
    course = tmp_path / "course"
    (course / "solutions" / SLUG).mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    nbformat.write(source_notebook(), course / "solutions" / SLUG / f"{SLUG}.ipynb")
    run([NBGRADER, "generate_assignment", SLUG, "--force", "--log-level=WARN"], cwd=course)
    blank = nbformat.read(course / "lessons" / SLUG / f"{SLUG}.ipynb", as_version=4)
    # The solution as a student would hand it in: the released notebook with the answers filled in.
    solved = blank
    for grade_id, source in (("ex1", "def double(v):\n    return 2 * v"), ("ex2", "def square(v):\n    return v * v"),
                             ("ex3", "def shift(v):\n    return v + offset"), ("why", "Because.")):
        solved = _replace(solved, grade_id, source)
    expected = class_submissions(solved, blank)
    for student, (content, _, _) in expected.items():
        folder = course / "submitted" / student / SLUG
        folder.mkdir(parents=True)
        name = f"{SLUG}.ipynb"
        if isinstance(content, tuple):
            name, content = content
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        else:
            nbformat.write(content, folder / name)
    return course, expected


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    from dlbio.grading.cli import grade_class

    course, expected = make_course(tmp_path_factory.mktemp("grade-class"))
    env = child_env()
    old = dict(os.environ)
    os.environ.update(env)
    try:
        records = grade_class(course, [SLUG], workers=2, timeout=CELL_TIMEOUT, memory_limit=MEMORY_LIMIT,
                              progress=False)
    finally:
        os.environ.clear()
        os.environ.update(old)
    return course, expected, {r["student"]: r for r in records}


@pytest.mark.notebook
def test_every_submission_is_graded_or_listed_with_a_reason(graded_class):
    course, expected, records = graded_class
    assert sorted(records) == sorted(expected)
    for student, (_, score, what) in expected.items():
        record = records[student]
        if score is None:
            assert record["status"] == "failed" and record["reason"], f"{student} ({what}) is not reported"
        else:
            assert record["status"] == "graded", f"{student} ({what}) was not graded: {record['reason']}"
    assert "wrong file name" in records["renamed"]["reason"] and "Copy1.ipynb" in records["renamed"]["reason"]
    assert "not valid JSON" in records["broken_json"]["reason"]
    assert "metadata" in records["no_metadata"]["reason"]


@pytest.mark.notebook
def test_every_expected_score_is_in_the_gradebook(graded_class):
    from nbgrader.api import Gradebook

    course, expected, records = graded_class
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "dlbio") as gb:
        got = {}
        for student, (_, score, _) in expected.items():
            if score is not None:
                sub = gb.find_submission(SLUG, student)
                got[student] = (sub.code_score, sub.max_code_score)
        ungraded = {s for s, (_, score, _) in expected.items() if score is None}
        assert not ungraded & {s.student.id for s in gb.find_assignment(SLUG).submissions}
        # The written answer waits for a person, as after `nbgrader autograde`.
        nb = gb.find_submission_notebook(SLUG, SLUG, "solution")
        assert nb.needs_manual_grade
    want = {student: (score, 6) for student, (_, score, _) in expected.items() if score is not None}
    assert got == want, "\n".join(f"{s}: got {got[s][0]}, expected {want[s][0]} ({expected[s][2]})"
                                  for s in want if got[s] != want[s])
    assert {s: records[s]["code_score"] for s in want} == {s: w[0] for s, w in want.items()}


@pytest.mark.notebook
def test_the_grader_says_what_it_did_in_each_broken_cell(graded_class):
    course, _, records = graded_class
    events = {s: {(c["grade_id"], c["event"]) for c in r["cells"] if c["event"]} for s, r in records.items()}
    assert events["loop"] == {("ex2", "timeout")}
    assert events["exit"] == {("ex2", "crash")}
    assert events["segfault"] == {("ex2", "crash")}
    assert events["memory"] == {("ex2", "memory")}
    assert events["solution"] == events["deleted"] == set()
    # The restored cell carries nbgrader's notice, and a crash message names its cause.
    deleted = (course / "autograded" / "deleted" / SLUG / f"{SLUG}.ipynb").read_text()
    assert "was missing from the submission" in deleted
    # os._exit is refused inside the kernel (no restart needed); a segfault kills it.
    exit_msg = next(c["message"] for c in records["exit"]["cells"] if c["event"])
    assert exit_msg.startswith("KernelExitRefused") and "os._exit(3)" in exit_msg
    segv_msg = next(c["message"] for c in records["segfault"]["cells"] if c["event"])
    assert "SIGSEGV" in segv_msg


@pytest.mark.notebook
def test_os_exit_is_refused_in_the_kernel_but_not_in_its_children():
    from nbformat.v4 import new_code_cell, new_notebook

    from dlbio.grading.execute import CrashProofExecute

    nb = new_notebook(cells=[
        new_code_cell("import os\npid0 = os.getpid()\nstate = 41"),
        new_code_cell("os._exit(3)"),
        new_code_cell("import multiprocessing as mp\nchild = mp.get_context('fork').Process(target=os.getpid)\n"
                      "child.start(); child.join()\nprint(child.exitcode, os.getpid() == pid0, state + 1)"),
    ])
    old = dict(os.environ)
    os.environ.update(child_env())
    try:
        CrashProofExecute(timeout=30).preprocess(nb, {"metadata": {"path": "."}})
    finally:
        os.environ.clear()
        os.environ.update(old)
    [refused] = nb.cells[1].outputs
    assert refused["ename"] == "KernelExitRefused" and "os._exit(3)" in refused["evalue"]
    # Same kernel (same pid, state kept), and a forked child still exits with its own status.
    assert [o.get("text") for o in nb.cells[2].outputs] == ["0 True 42\n"]


@pytest.mark.notebook
@pytest.mark.parametrize("shutdown", ["immediate", "graceful"])
def test_a_graded_kernel_is_killed_at_once_rather_than_asked_to_shut_down(tmp_path, shutdown):
    import psutil
    from nbformat.v4 import new_code_cell, new_notebook

    from dlbio.grading.execute import CrashProofExecute

    # A kernel that is asked to shut down exits normally and runs its atexit handlers; a kernel
    # that is killed does not.  Either way no kernel process may be left behind.
    marker = tmp_path / "atexit-ran"
    nb = new_notebook(cells=[new_code_cell(
        f"import atexit, os, pathlib\nkernel_pid = os.getpid()\n"
        f"atexit.register(pathlib.Path({str(marker)!r}).write_text, 'graceful')\nprint(kernel_pid)")])
    options = {} if shutdown == "immediate" else {"shutdown_kernel": "graceful"}
    grader = CrashProofExecute(timeout=30, **options)
    assert grader.shutdown_kernel == shutdown
    old = dict(os.environ)
    os.environ.update(child_env())
    try:
        grader.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    finally:
        os.environ.clear()
        os.environ.update(old)
    pid = int(nb.cells[0].outputs[0]["text"])
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert marker.exists() == (shutdown == "graceful")


@pytest.mark.notebook
def test_feedback_report_export_and_nbgrader_tools_work_after_grading(graded_class):
    course, expected, records = graded_class
    html = (course / "feedback" / "half" / SLUG / f"{SLUG}.html").read_text()
    assert "Check failed: square(4). Hint: v times v." in html
    report = (course / "build" / "class-report.html").read_text()
    for heading in ("Score distribution per lesson", "Failure rate of every graded test",
                    "Most frequent failing check messages", "crashed or timed out", "could not be graded",
                    "Grading time per submission"):
        assert heading in report
    assert report.count("data:image/png;base64,") >= 3
    assert "Check failed: square(#). Hint: v times v." in report
    # nbgrader's own tools work on the result: export, feedback, formgrader's listing.
    run([NBGRADER, "export", "--log-level=WARN"], cwd=course)
    with open(course / "grades.csv") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    assert float(rows["half"]["raw_score"]) == 2 and float(rows["solution"]["raw_score"]) == 6
    run([NBGRADER, "generate_feedback", SLUG, "--student=loop", "--force", "--log-level=WARN"], cwd=course)
    assert (course / "feedback" / "loop" / SLUG / f"{SLUG}.html").exists()
    code = ("from nbgrader.apps import NbGraderAPI\nfrom traitlets.config import Config\n"
            "import json, sys\nfrom nbgrader.coursedir import CourseDirectory\n"
            "c = Config(); exec(open('nbgrader_config.py').read(), {'c': c, 'get_config': lambda: c, "
            "'__file__': 'nbgrader_config.py'})\nc.CourseDirectory.root = '.'\n"
            "api = NbGraderAPI(CourseDirectory(config=c), config=c)\n"
            "print(json.dumps(sorted((s['student'], s['autograded']) for s in api.get_submissions('mini'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=course, env=child_env(), capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    listed = dict(json.loads(out.stdout.strip().splitlines()[-1]))
    assert all(listed.get(s) for s, (_, score, _) in expected.items() if score is not None)


def test_unreadable_submissions_are_reported_before_grading(tmp_path):
    from dlbio.grading.store import find_submissions

    course = tmp_path / "c"
    (course / "submitted" / "ann" / SLUG).mkdir(parents=True)
    (course / "submitted" / "ann" / SLUG / "notes.txt").write_text("no notebook")
    (course / "submitted" / "bob" / SLUG).mkdir(parents=True)
    (course / "submitted" / "bob" / SLUG / f"{SLUG}.ipynb").write_text(json.dumps({"nbformat": 4, "cells": []}))
    found = {s.student: s.problem for s in find_submissions(course, [SLUG])}
    assert "no notebook" in found["ann"]
    assert "metadata" in found["bob"]


def test_message_grouping():
    from dlbio.grading.report import normalise_message

    a = normalise_message("AssertionError: Check failed: accuracy. Got 0.42; expected a value in [0.7, 1].")
    b = normalise_message("AssertionError: Check failed: accuracy. Got 0.61; expected a value in [0.7, 1].")
    assert a == b and "#" in a


# ------------------------------------------------------------------------------------------
# The instructor's and the students' JupyterLab
# ------------------------------------------------------------------------------------------
def _get(url: str) -> tuple[int, str]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8", "replace")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_and_fetch(root: Path, config_dir: Path, paths: list[str]) -> dict[str, tuple[int, str]]:
    """Start JupyterLab on ``root`` as `make lab` / `make formgrader` would, fetch ``paths``."""
    import time

    port = _free_port()
    env = child_env()
    # As when JupyterLab is started from a desktop launcher: the venv's bin/ is NOT on PATH.
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep)
                                  if Path(p).resolve() != Path(sys.executable).parent.resolve())
    env["JUPYTER_CONFIG_DIR"] = str(config_dir)
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.token=t",
           f"--ServerApp.root_dir={root}", "--allow-root"]
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise AssertionError(f"JupyterLab exited: {proc.stderr.read()[-3000:]}")
            try:
                if _get(f"{base}/api/status?token=t")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        return {path: _get(f"{base}{path}{'&' if '?' in path else '?'}token=t") for path in paths}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.notebook
def test_formgrader_works_first_time_and_students_do_not_see_it(tmp_path):
    course = tmp_path / "fresh-course"
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    (course / "solutions" / SLUG).mkdir(parents=True)
    nbformat.write(source_notebook(), course / "solutions" / SLUG / f"{SLUG}.ipynb")
    instructor = tmp_path / "instructor-jupyter"
    instructor.mkdir()
    got = _serve_and_fetch(course, instructor, ["/formgrader/manage_assignments", "/formgrader/api/assignments"])
    status, page = got["/formgrader/manage_assignments"]
    assert status == 200 and "Manage Assignments" in page, (
        f"formgrader failed on a fresh course ({status}): {page[-2000:]}")
    assert 'id="warning-exchange"' not in page, "formgrader shows the missing-exchange banner"
    status, body = got["/formgrader/api/assignments"]
    assert status == 200, f"formgrader could not create the gradebook ({status}): {body[-2000:]}"
    assert (course / "gradebook.db").exists()

    student = tmp_path / "student-jupyter"
    run(["make", "-s", "student-jupyter-config", f"STUDENT_JUPYTER={student}"], cwd=ROOT)
    got = _serve_and_fetch(course, student, ["/formgrader", "/lab"])
    assert got["/formgrader"][0] == 404, "students' JupyterLab serves formgrader"
    status, lab = got["/lab"]
    assert status == 200
    config = json.loads(lab.split('id="jupyter-config-data"', 1)[1].split(">", 1)[1].split("</script>", 1)[0])
    disabled = config.get("disabledExtensions", [])
    for ext in ("formgrader", "create-assignment", "assignment-list", "course-list"):
        assert f"@jupyter/nbgrader:{ext}" in disabled, f"students see nbgrader's {ext}"
    assert "@jupyter/nbgrader:validate-assignment" not in disabled, "students keep the validate button"


def test_grading_config_plugs_into_nbgrader_without_patching(tmp_path):
    from nbgrader.preprocessors import Execute, SaveAutoGrades

    from dlbio.grading.execute import CrashProofExecute
    from dlbio.grading.worker import grading_config

    config = grading_config((ROOT / "nbgrader_config.py").read_text(), tmp_path, memory_limit=1.5)
    pipeline = config.Autograde.autograde_preprocessors
    assert pipeline[0] is CrashProofExecute and issubclass(CrashProofExecute, Execute)
    assert Execute not in pipeline and SaveAutoGrades in pipeline
    assert config.OverwriteCells.add_missing_cells is True
    assert config.CourseDirectory.root == str(tmp_path)
    assert config.Execute.timeout == 180, "the course's per-cell limit is kept"
    assert CrashProofExecute(config=config).memory_limit == 1.5


def test_students_install_and_import_stay_lean():
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(r.startswith("dask[distributed]") for r in extras["grading"])
    assert not any("dask" in r for name, reqs in extras.items() if name != "grading" for r in reqs)
    assert "dask" not in (ROOT / "binder" / "requirements.txt").read_text()
    rules = {line.split(":", 1)[0]: line for line in (ROOT / "Makefile").read_text().splitlines()
             if re.match(r"^[a-z-]+:", line)}
    assert "GRADING_STAMP" not in rules["lab"], "make lab must not install the instructor extra"
    assert "GRADING_STAMP" in rules["test"] and "GRADING_STAMP" in rules["grade"]
    out = subprocess.run([sys.executable, "-c", "import sys, dlbio; print(sorted(m for m in sys.modules "
                          "if m.startswith(('dlbio.grading', 'distributed', 'dask'))))"],
                         capture_output=True, text=True, env=child_env(), timeout=300)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stdout + out.stderr[-2000:]
