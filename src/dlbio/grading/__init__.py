"""Grading a whole class: parallel, crash-proof autograding on Dask (instructor tooling).

Students never import this subpackage; it needs the optional extra ``pip install -e ".[grading]"``
(Dask distributed), which ``make grade`` installs.  The command is ``dlbio-grade``
(:func:`dlbio.grading.cli.main`)::

    dlbio-grade                                  # every lesson, a LocalCluster with one worker per core
    dlbio-grade tip03-training --scheduler tcp://lab-01:8786   # on an existing Dask cluster

How it works
------------
1. The client (the process you start) finds ``submitted/<student>/<lesson>/`` folders and checks
   each notebook (valid JSON, format 4, notebook metadata, nbgrader cells, the expected file
   name).  A submission that fails a check is not sent anywhere; it is listed with a reason a
   person can act on.
2. For each lesson it packs a *kit*: a copy of the gradebook with only the lesson definitions,
   the course's ``nbgrader_config.py`` and the lesson's other source files.  The kit is sent
   once to every worker.
3. Each submission is one Dask task (:func:`dlbio.grading.worker.grade_submission`).  The
   worker builds a private nbgrader course in a temporary folder and runs nbgrader's own
   ``Autograde`` converter there, configured (not patched) with

   * :class:`dlbio.grading.execute.CrashProofExecute` in place of ``Execute``: one kernel per
     submission, a per-cell timeout, a per-submission memory limit (2 GB by default), a
     restart after a kernel death that keeps every earlier point and grades the later cells,
     and ``os._exit`` turned into a cell error so that it needs no restart at all;
   * ``OverwriteCells.add_missing_cells = True``, so deleted test cells are restored from the
     source, as edited ones always are;
   * one thread for every numerical library in the kernel (``OMP_NUM_THREADS=1`` and friends).

   Then it runs ``GenerateFeedback`` for the HTML feedback, and returns the autograded
   notebook and the feedback as bytes.
4. The client stores each result as it arrives: it writes ``autograded/`` and ``feedback/``
   and runs nbgrader's ``SaveAutoGrades`` and ``AssignLatePenalties`` preprocessors on the
   autograded notebook against the course gradebook.  At the end it writes
   ``build/grading/results.json`` and the class report ``build/class-report.html``
   (:mod:`dlbio.grading.report`).

Why one writer
--------------
nbgrader's gradebook is one SQLite file.  SQLite allows many readers but one writer at a time,
locks the whole file to write, and its locks are unreliable on network file systems (NFS), which
is where a course folder on a cluster usually lives.  Letting every worker write would mean
``database is locked`` errors under load and, on NFS, possible corruption; it would also require
every worker to see the course folder.  So the workers write only into their own throw-away copy
of the gradebook (nbgrader's converters need one to read the source cells), and return scored
notebooks; the single client process is the only writer of the course's gradebook, and a crashed
worker can never leave it half written.  The writer stores each result while the workers go on
grading.  Storing one takes a fraction of a second (nbgrader's ORM; 1-3 s measured on a 2-core
machine loaded with other work) against 10-60 s to execute a notebook, so one writer keeps up with
about as many workers as the ratio of the two times (a few dozen); ``store_seconds`` in
``build/grading/results.json`` says how close a run came.  Because the
scores are written by nbgrader's own preprocessors, formgrader, manual grading,
``nbgrader generate_feedback`` and ``nbgrader export`` work on the result as after
``nbgrader autograde``.
"""
from __future__ import annotations

__all__ = ["grade_class"]


def grade_class(*args, **kwargs):
    """Grade a class; see :func:`dlbio.grading.cli.grade_class` (imported lazily)."""
    from .cli import grade_class as _grade_class

    return _grade_class(*args, **kwargs)
