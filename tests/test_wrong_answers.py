"""Plausible wrong answers must lose points (CURRICULUM.md section 6.4).

Each lesson keeps its wrong answers in ``tests/wrong_answers/<slug>.py`` (format in the README there).
The fast tests check that every file is well formed against its solution notebook.  The notebook
test runs the solution once in one kernel, then swaps each wrong answer into its solution cell,
re-runs the cells up to its last graded test, and scores the test cells with nbgrader's own rule.
"""
from __future__ import annotations

import copy
import json
import runpy
import shutil
from pathlib import Path

import nbformat
import pytest

from course import ROOT, child_env, is_graded_test_cell, is_solution_cell, lesson_slugs, nbgrader_meta, solution_path

SLUGS = lesson_slugs()
WRONG_DIR = Path(__file__).with_name("wrong_answers")
SCORES = ROOT / "build" / "wrong-answer-scores"
REQUIRED_KEYS = {"name", "cell", "source", "loses"}
CELL_TIMEOUT = 180


def wrong_answers(slug: str) -> list[dict]:
    """The wrong answers kept for ``slug`` (an empty list when the lesson has no file)."""
    path = WRONG_DIR / f"{slug}.py"
    if not path.exists():
        return []
    return list(runpy.run_path(str(path))["WRONG_ANSWERS"])


def _grade_ids(nb) -> dict[str, int]:
    return {nbgrader_meta(c)["grade_id"]: i for i, c in enumerate(nb.cells) if nbgrader_meta(c).get("grade_id")}


def _problems(slug: str, answers: list[dict], nb) -> list[str]:
    """Everything that makes a wrong-answer entry unusable, as readable messages."""
    ids = _grade_ids(nb)
    problems, names = [], set()
    for k, wa in enumerate(answers):
        label = f"{slug} wrong answer #{k} ({wa.get('name', '?')!r})"
        missing = REQUIRED_KEYS - set(wa)
        if missing:
            problems.append(f"{label}: missing keys {sorted(missing)}")
            continue
        if wa["name"] in names:
            problems.append(f"{label}: the name is used twice")
        names.add(wa["name"])
        cell = ids.get(wa["cell"])
        if cell is None or not is_solution_cell(nb.cells[cell]) or nb.cells[cell].cell_type != "code":
            problems.append(f"{label}: {wa['cell']!r} is not the grade_id of a code solution cell")
            continue
        if wa["source"].strip() == nb.cells[cell].source.strip():
            problems.append(f"{label}: the replacement is the solution itself")
        if not wa["loses"]:
            problems.append(f"{label}: 'loses' names no test cell")
        for test in wa["loses"]:
            if test not in ids or not is_graded_test_cell(nb.cells[ids[test]]):
                problems.append(f"{label}: {test!r} is not the grade_id of a graded test cell")
            elif ids[test] < cell:
                problems.append(f"{label}: test {test!r} comes before the cell it tests")
    return problems


@pytest.mark.parametrize("slug", SLUGS)
def test_every_lesson_keeps_wrong_answers_that_fit_its_notebook(slug):
    answers = wrong_answers(slug)
    assert len(answers) >= 3, (f"tests/wrong_answers/{slug}.py keeps {len(answers)} wrong answers; each lesson "
                               "needs the common mistakes of its exercises (at least 3)")
    nb = nbformat.read(solution_path(slug), as_version=4)
    problems = _problems(slug, answers, nb)
    assert not problems, "\n".join(problems)


def _score(cell) -> tuple[float, float]:
    from nbgrader.utils import determine_grade

    return determine_grade(cell)


class _Kernel:
    """One kernel that runs a notebook's cells on demand, in the notebook's own folder."""

    def __init__(self, nb, workdir: Path):
        from nbclient import NotebookClient

        # nbclient writes each executed cell back into the notebook it holds: give it a copy, so
        # that the solution's own cells stay intact for restoring after a wrong answer.
        self.client = NotebookClient(copy.deepcopy(nb), kernel_name="python3", allow_errors=True, timeout=CELL_TIMEOUT,
                                     resources={"metadata": {"path": str(workdir)}})

    def run(self, cell, index: int):
        ran = copy.deepcopy(cell)
        ran.outputs = []
        return self.client.execute_cell(ran, index)


def _error_text(cell) -> str:
    """The last lines of a cell's error or stderr output, to show in a failure message."""
    for o in cell.outputs:
        if o.output_type == "error":
            return f"{o.ename}: {o.evalue}"[:400]
        if o.output_type == "stream" and o.name == "stderr":
            return o.text[-400:]
    return "no error output"


def _failed(cell) -> bool:
    return any(o.output_type == "error" for o in cell.outputs)


def grade_wrong_answers(nb, answers: list[dict], workdir: Path) -> tuple[list[dict], list[str]]:
    """Run ``nb`` once, then each wrong answer in its place; return (scores, failures).

    Each score is the notebook's autograded total with that wrong answer in place (the other
    exercises solved).  A failure is a wrong answer that keeps full marks in a test it names, or
    one after which the solution's own cells no longer pass (the check then stops).
    """
    ids = _grade_ids(nb)
    max_total = sum(float(nbgrader_meta(c)["points"]) for c in nb.cells if is_graded_test_cell(c))
    kernel = _Kernel(nb, workdir)
    report, failures = [], []
    with kernel.client.setup_kernel(env=child_env()):
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                done = kernel.run(cell, i)
                if _failed(done):
                    return report, [f"the solution notebook fails at cell {i}: {_error_text(done)}"]

        for wa in answers:
            start, stop = ids[wa["cell"]], max(ids[t] for t in wa["loses"])
            slice_ = [i for i in range(start, stop + 1) if nb.cells[i].cell_type == "code"]
            points = {}
            for i in slice_:
                cell = copy.deepcopy(nb.cells[i])
                if i == start:
                    cell.source = wa["source"]
                done = kernel.run(cell, i)
                if is_graded_test_cell(done):
                    points[nbgrader_meta(done)["grade_id"]] = _score(done)
            kept = [t for t in wa["loses"] if points[t][0] >= points[t][1]]
            if kept:
                failures.append(f"{wa['name']!r} ({wa['cell']}) still earns full marks in {kept}")
            lost_points = sum(m - g for g, m in points.values())
            # Put the solution back, and check that it earns its marks again.
            lost = {}
            for i in slice_:
                done = kernel.run(nb.cells[i], i)
                if is_graded_test_cell(done) and _score(done)[0] < _score(done)[1]:
                    lost[nbgrader_meta(done)["grade_id"]] = _error_text(done)
            if lost:
                failures.append(f"after {wa['name']!r}, the solution's own cells no longer pass: {lost}; "
                                "the wrong answer changed state that later cells need")
                break
            report.append({"name": wa["name"], "cell": wa["cell"], "loses": wa["loses"],
                           "score": max_total - lost_points, "max": max_total})
    return report, failures


def _tiny_notebook():
    """A two-exercise nbgrader notebook, for checking the checker itself."""
    def cell(source, grade_id, solution, points=0):
        c = nbformat.v4.new_code_cell(source)
        c.metadata["nbgrader"] = {"grade": not solution, "grade_id": grade_id, "locked": not solution,
                                  "points": points, "schema_version": 3, "solution": solution, "task": False}
        return c
    nb = nbformat.v4.new_notebook()
    nb.cells = [cell("def double(x):\n    return 2 * x", "ex1", True),
                cell("assert double(3) == 6", "ex1-tests", False, 2),
                cell("def square(x):\n    return x * x", "ex2", True),
                cell("assert square(3) == 9", "ex2-tests", False, 1)]
    return nb


def test_the_checker_scores_wrong_answers_and_catches_one_that_keeps_its_marks(tmp_path):
    answers = [{"name": "adds instead of doubling", "cell": "ex1", "source": "def double(x):\n    return x + 2",
                "loses": ["ex1-tests"]},
               {"name": "right, but warns on stderr", "cell": "ex2",
                "source": "import warnings\ndef square(x):\n    warnings.warn('careful')\n    return x * x",
                "loses": ["ex2-tests"]},
               {"name": "right by luck", "cell": "ex1", "source": "def double(x):\n    return x + 3",
                "loses": ["ex1-tests"]}]
    nb = _tiny_notebook()
    assert not _problems("tiny", answers, nb)
    report, failures = grade_wrong_answers(nb, answers, tmp_path)
    # A warning printed while the test runs scores that test 0, as nbgrader does.
    assert [r["score"] for r in report] == [1.0, 2.0, 3.0]
    assert failures == ["'right by luck' (ex1) still earns full marks in ['ex1-tests']"]


@pytest.mark.notebook
@pytest.mark.parametrize("slug", SLUGS)
def test_wrong_answers_lose_points(slug, tmp_path):
    answers = wrong_answers(slug)
    if not answers:
        pytest.fail(f"{slug} keeps no wrong answers in tests/wrong_answers/{slug}.py")
    workdir = tmp_path / slug
    shutil.copytree(solution_path(slug).parent, workdir)
    nb = nbformat.read(solution_path(slug), as_version=4)
    problems = _problems(slug, answers, nb)
    assert not problems, "\n".join(problems)
    report, failures = grade_wrong_answers(nb, answers, workdir)
    SCORES.mkdir(parents=True, exist_ok=True)
    (SCORES / f"{slug}.json").write_text(json.dumps({"slug": slug, "answers": report}, indent=1))
    assert not failures, f"{slug}: wrong answers that do not lose points:\n" + "\n".join(failures)
