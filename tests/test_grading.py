"""nbgrader round trip, and the guarantees instructors rely on:

* lessons/ is exactly what nbgrader generates from solutions/;
* a solution scores full autograded marks and a blank student version scores 0, with every
  graded test cell failing on the blank stub;
* no solution code and no hidden test leaks into lessons/;
* source notebooks are committed clean, and every graded cell carries its points.
"""
from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from course import (GRADES, ROOT, cell_label, is_graded_test_cell, lesson_path, lesson_slugs, nbgrader_meta, run,
                    solution_path)

SLUGS = lesson_slugs()
NBGRADER = str(Path(sys.executable).with_name("nbgrader"))


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _make_course(tmp_path: Path, slug: str) -> Path:
    """A throw-away nbgrader course with the repo's config and one lesson's source folder."""
    course = tmp_path / "course"
    (course / "solutions").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(ROOT / "solutions" / slug, course / "solutions" / slug)
    run([NBGRADER, "generate_assignment", slug, "--force", "--log-level=WARN"], cwd=course)
    return course


def test_every_lesson_has_a_student_version_and_nothing_else_is_there():
    assert SLUGS, "no solution notebooks found in solutions/"
    released = sorted(p.parent.name for p in (ROOT / "lessons").glob("*/*.ipynb"))
    assert released == SLUGS, f"lessons/ {released} does not match solutions/ {SLUGS}"


@pytest.mark.parametrize("slug", SLUGS)
def test_lessons_equal_what_nbgrader_generates(slug, tmp_path):
    course = _make_course(tmp_path, slug)
    generated = course / "lessons" / slug
    committed = ROOT / "lessons" / slug
    gen_files = sorted(p.relative_to(generated).as_posix() for p in generated.rglob("*") if p.is_file())
    com_files = sorted(p.relative_to(committed).as_posix() for p in committed.rglob("*") if p.is_file())
    assert gen_files == com_files, f"lessons/{slug} has {com_files}, nbgrader generates {gen_files}"
    for name in gen_files:
        # Notebooks are compared as parsed JSON, so that a newer nbformat's line layout does not
        # count as a difference; every other file byte for byte.
        if name.endswith(".ipynb"):
            same = json.loads((generated / name).read_text()) == json.loads((committed / name).read_text())
        else:
            same = (generated / name).read_bytes() == (committed / name).read_bytes()
        assert same, (f"lessons/{slug}/{name} differs from what nbgrader generates from solutions/: "
                      "run `make release` and commit the result (never edit lessons/ by hand)")


@pytest.mark.notebook
@pytest.mark.parametrize("slug", SLUGS)
def test_autograde_solution_full_marks_blank_zero(slug, tmp_path):
    from nbgrader.api import Gradebook

    course = _make_course(tmp_path, slug)
    submissions = {"solution_author": solution_path(slug), "blank_student": course / "lessons" / slug / f"{slug}.ipynb"}
    for student, notebook in submissions.items():
        dest = course / "submitted" / student / slug
        dest.mkdir(parents=True)
        shutil.copy(notebook, dest / f"{slug}.ipynb")
    run([NBGRADER, "autograde", slug, "--create", "--force", "--log-level=WARN"], cwd=course, timeout=900)

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {}
        for student in submissions:
            nb = gb.find_submission_notebook(slug, slug, student)
            cells = {g.name: (g.auto_score, g.max_score) for g in nb.grades if g.cell_type == "code"}
            scores[student] = (nb.code_score, nb.max_code_score, cells)
    GRADES.mkdir(parents=True, exist_ok=True)
    (GRADES / f"{slug}.json").write_text(json.dumps({
        "slug": slug, "max": scores["solution_author"][1],
        "solution": scores["solution_author"][0], "blank": scores["blank_student"][0]}))
    got, max_code, cells = scores["solution_author"]
    assert max_code > 0, f"{slug} has no autograded points"
    lost = {name: s for name, s in cells.items() if s[0] != s[1]}
    assert got == max_code, f"{slug} solution scored {got}/{max_code}; cells below full marks: {lost}"
    got, _, cells = scores["blank_student"]
    passing = {name: s for name, s in cells.items() if s[0]}
    assert got == 0, f"{slug} blank version scored {got}; these graded cells pass without any work: {passing}"

    autograded = course / "autograded" / "solution_author" / slug / f"{slug}.ipynb"
    noisy = [cell_label(c, i) for i, c in enumerate(_cells(autograded))
             if is_graded_test_cell(c) and any(o.get("name") == "stderr" for o in c.get("outputs", []))]
    assert not noisy, f"{slug}: graded test cells write to stderr, which nbgrader scores as 0: {noisy}"


SOLUTION_BLOCK = re.compile(r"### BEGIN SOLUTION(.*?)### END SOLUTION", re.S)
HIDDEN_BLOCK = re.compile(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", re.S)


def _secret_lines(slug: str) -> set[str]:
    """Distinctive lines of solution and hidden-test code: long enough to be specific, and
    not present anywhere outside those blocks in the source notebook."""
    secret, public = set(), set()
    for cell in _cells(solution_path(slug)):
        src = _source(cell)
        blocks = SOLUTION_BLOCK.findall(src) + HIDDEN_BLOCK.findall(src)
        if nbgrader_meta(cell).get("solution") and cell["cell_type"] == "markdown":
            blocks.append(src)  # a model answer to a written question
        rest = HIDDEN_BLOCK.sub("", SOLUTION_BLOCK.sub("", src))
        public.update(line.strip() for line in rest.splitlines())
        for block in blocks:
            secret.update(line.strip() for line in block.splitlines() if len(line.strip()) >= 20)
    return secret - public


@pytest.mark.parametrize("slug", SLUGS)
def test_no_solution_or_hidden_test_leaks_into_lessons(slug):
    text = lesson_path(slug).read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text, f"lessons/{slug}: the marker {marker!r} is in the student version"
    lesson_lines = {line.strip() for cell in _cells(lesson_path(slug)) for line in _source(cell).splitlines()}
    leaked = sorted(_secret_lines(slug) & lesson_lines)
    assert not leaked, f"lessons/{slug}: solution or hidden-test lines in the student version: {leaked[:5]}"


@pytest.mark.parametrize("slug", SLUGS)
def test_source_notebook_is_clean_and_graded_cells_carry_points(slug):
    cells = _cells(solution_path(slug))
    with_output = [cell_label(c, i) for i, c in enumerate(cells)
                   if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert not with_output, f"solutions/{slug}: committed with outputs in {with_output}; clear them"
    auto = sum(nbgrader_meta(c).get("points", 0) for c in cells if is_graded_test_cell(c))
    manual = sum(nbgrader_meta(c).get("points", 0) for c in cells
                 if nbgrader_meta(c).get("grade") and nbgrader_meta(c).get("solution"))
    assert 8 <= auto <= 12, f"solutions/{slug}: {auto} autograded points; the convention is about 10"
    assert 2 <= manual <= 6, f"solutions/{slug}: {manual} manually graded points; the convention is 2-6"
    for i, c in enumerate(cells):
        meta = nbgrader_meta(c)
        if meta.get("grade"):
            assert meta.get("points", 0) > 0, f"solutions/{slug} {cell_label(c, i)} is graded but has no points"
        if is_graded_test_cell(c):
            assert "### BEGIN HIDDEN TESTS" in _source(c), (
                f"solutions/{slug} {cell_label(c, i)}: every graded test cell re-checks the property on "
                "new data or seeds in a hidden block")
