"""Execute every notebook: the solutions must run clean, the student versions must fail
only where the student has work to do."""
from __future__ import annotations

import json

import pytest

from course import (CEILING_SECONDS, cell_label, error_names, is_graded_test_cell, is_solution_cell,
                    lesson_path, lesson_slugs, run_notebook, solution_path, stderr_text)

SLUGS = lesson_slugs()
pytestmark = pytest.mark.notebook


def _cells(path):
    return json.loads(open(path).read())["cells"]


@pytest.mark.parametrize("slug", SLUGS)
def test_solution_notebook_runs_clean(slug, tmp_path):
    record = run_notebook(solution_path(slug), tmp_path, mode="solution", label=f"{slug}-solution")
    assert record["status"] == "ok", f"{slug} solution failed:\n{record['error']}"
    assert record["wall_s"] < CEILING_SECONDS, (
        f"{slug} took {record['wall_s']} s, above the {CEILING_SECONDS} s ceiling for runaway loops")
    cells = _cells(record["executed"])
    noisy = [(cell_label(c, i), stderr_text(c)[:300]) for i, c in enumerate(cells)
             if c["cell_type"] == "code" and stderr_text(c)]
    assert not noisy, (f"{slug}: these cells write to stderr (nbgrader scores a graded cell that does so "
                       f"as 0, and students read warnings as errors): {noisy}")


@pytest.mark.parametrize("slug", SLUGS)
def test_student_notebook_fails_only_where_work_is_left(slug, tmp_path):
    record = run_notebook(lesson_path(slug), tmp_path, mode="student", label=f"{slug}-student")
    assert record["status"] == "ok", f"{slug} student version could not be executed:\n{record['error']}"
    cells = _cells(record["executed"])
    unexpected, stubs_ok, untested = [], 0, []
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        errors = error_names(cell)
        if is_graded_test_cell(cell):
            if not errors:
                untested.append(cell_label(cell, i))
        elif is_solution_cell(cell):
            if errors and errors != ["NotImplementedError"]:
                unexpected.append((cell_label(cell, i), errors))
            stubs_ok += 1
        elif errors:
            unexpected.append((cell_label(cell, i), errors))
    assert stubs_ok > 0, f"{slug} has no cell for the student to write"
    assert not unexpected, (f"{slug}: cells other than the student's stubs and the tests that depend on "
                            f"them fail in the blank version: {unexpected}")
    assert not untested, (f"{slug}: these graded test cells pass on the blank version, so they do not "
                          f"test the student's work: {untested}")
