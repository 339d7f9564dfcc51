"""nbgrader configuration for the dlbio course.

Instructors edit the *source* notebooks in ``solutions/``; ``make release`` runs
``nbgrader generate_assignment`` and writes the student versions to ``lessons/``.
The assignment id is the lesson slug, e.g. ``tip03-training``.
"""
c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "dlbio"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "lessons"
# Collected submissions go to submitted/<student>/<slug>/, autograded copies to autograded/.

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
