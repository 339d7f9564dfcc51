"""nbgrader configuration for the dlbio course.

Instructors edit the *source* notebooks in ``solutions/``; ``make release`` runs
``nbgrader generate_assignment`` and writes the student versions to ``lessons/``.
The assignment id is the lesson slug, e.g. ``tip03-training``.
"""
import os
import sys

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)
COURSE_ROOT = os.path.dirname(os.path.abspath(__file__))

# nbgrader runs `alembic` by name when it creates the gradebook (formgrader does on a fresh
# course): the bin/ folder of the Python that runs nbgrader goes first on PATH, so that this
# works however JupyterLab or nbgrader was started.
_bin = os.path.dirname(sys.executable)
if _bin not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _bin + os.pathsep + os.environ.get("PATH", "")

# The exchange (nbgrader release/fetch/submit/collect) lives in the course folder, so that the
# course is self-contained and formgrader shows no "exchange directory does not exist" banner.
# The course collects submissions by hand into submitted/; point this at a shared folder to use
# the exchange on a multi-user server.
c.Exchange.root = os.path.join(COURSE_ROOT, "build", "exchange")
os.makedirs(c.Exchange.root, exist_ok=True)

c.CourseDirectory.course_id = "dlbio"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "lessons"
# Collected submissions go to submitted/<student>/<slug>/, autograded copies to autograded/.
# `make grade` (dlbio-grade, see dlbio.grading) grades them in parallel with these settings, and
# also restores deleted test cells, survives kernel crashes and limits memory per submission.

# Every solution notebook runs in at most 60 s on 2 CPU cores; no single cell should come
# close to this per-cell limit, which only guards against runaway loops on a slow grader.
c.Execute.timeout = 180

# Graded test cells must write nothing to stderr (nbgrader scores such a cell 0), and the
# notebooks are written so that they do not.  This pattern is a second line of defence for
# harmless messages that third-party code may print on some machines.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = (
    r"Matplotlib is building the font cache"
    r"|IProgress not found"
    r"|TqdmExperimentalWarning"
    r"|os\.fork\(\) was called"
)
