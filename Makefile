# dlbio course: the two commands a newcomer needs are `make lab` and `make test`.
# Both create .venv when it is missing and install everything into it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# torch is installed first and pinned exactly: on the course machines this picks a CPU build
# that is already on disk.  Elsewhere, override it, e.g. `make lab TORCH_SPEC=torch`.
TORCH_SPEC ?= torch==2.13.0
STAMP  := $(VENV)/.dlbio-installed
# The instructor's extra (Dask, for `make grade`); `make test` installs it too, `make lab` does not.
GRADING_STAMP := $(VENV)/.dlbio-grading-installed
# Students' Jupyter configuration: nbgrader's instructor tools hidden (see `make lab`).
STUDENT_JUPYTER := build/jupyter-student
# nbgrader calls helper programs (alembic) by name, so the venv's bin/ goes first on PATH.
export PATH := $(CURDIR)/$(BIN):$(PATH)
PYTEST_WORKERS ?= 2

.PHONY: help install install-grading student-jupyter-config lab formgrader test test-lib release grade \
	benchmark benchmark-grading clean

help:
	@echo "make lab        set up .venv if needed and open JupyterLab on lessons/"
	@echo "make test       set up .venv if needed and run the whole test suite"
	@echo "make release    regenerate lessons/ from solutions/ with nbgrader"
	@echo "make grade      autograde submitted/<student>/<lesson>/ in parallel (Dask), feedback, class report"
	@echo "make formgrader JupyterLab on the course root with nbgrader's formgrader (written answers)"
	@echo "make benchmark  time the dlbio training loop against plain PyTorch loops"
	@echo "make benchmark-grading  the class-grading benchmark: serial nbgrader vs dlbio-grade"

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e ".[course,test]"
	@touch $(STAMP)

install-grading: $(GRADING_STAMP)

$(GRADING_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[course,test,grading]"
	@touch $(GRADING_STAMP)

# Students see no instructor tools: a Jupyter configuration folder of their own in which
# nbgrader's formgrader, "Create Assignment", assignment list and course list are disabled (the
# validate button stays).  `make formgrader` does not use it, so instructors keep everything.
student-jupyter-config: $(STUDENT_JUPYTER)/.ready

$(STUDENT_JUPYTER)/.ready: Makefile
	@mkdir -p $(STUDENT_JUPYTER)/labconfig
	@printf '%s\n' '{"ServerApp": {"jpserver_extensions": {' \
	  '  "nbgrader.server_extensions.formgrader": false,' \
	  '  "nbgrader.server_extensions.assignment_list": false,' \
	  '  "nbgrader.server_extensions.course_list": false}}}' > $(STUDENT_JUPYTER)/jupyter_server_config.json
	@printf '%s\n' '{"disabledExtensions": {' \
	  '  "@jupyter/nbgrader:formgrader": true,' \
	  '  "@jupyter/nbgrader:create-assignment": true,' \
	  '  "@jupyter/nbgrader:assignment-list": true,' \
	  '  "@jupyter/nbgrader:course-list": true}}' > $(STUDENT_JUPYTER)/labconfig/page_config.json
	@touch $@

# Jupyter refuses to run as root unless told to (containers and CI machines run as root).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP) $(STUDENT_JUPYTER)/.ready
	JUPYTER_CONFIG_DIR="$(abspath $(STUDENT_JUPYTER))" $(BIN)/jupyter lab --notebook-dir=lessons $(ROOT_FLAG)

# For instructors: JupyterLab on the course root, where nbgrader's formgrader works.
formgrader: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=. $(ROOT_FLAG) --LabApp.default_url=/formgrader

test: $(STAMP) $(GRADING_STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS)

# The library's unit tests only (fast).
test-lib: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m "not notebook"

release: $(STAMP)
	@for nb in solutions/*/*.ipynb; do \
	  slug=$$(basename $$(dirname $$nb)); \
	  echo "nbgrader generate_assignment $$slug"; \
	  $(BIN)/nbgrader generate_assignment "$$slug" --force --log-level=WARN || exit 1; \
	done

# Every lesson's submissions, graded in parallel on Dask: a local cluster with one worker per
# core, or an existing cluster with DLBIO_DASK_SCHEDULER=tcp://host:8786 (or GRADE_ARGS=...).
# Writes the gradebook, autograded/, feedback/<student>/<lesson>/*.html and build/class-report.html.
GRADE_ARGS ?=
grade: $(GRADING_STAMP) release
	@test -d submitted || { echo "No submitted/ folder: collect submissions into submitted/<student>/<lesson>/<lesson>.ipynb first."; exit 1; }
	$(BIN)/dlbio-grade $(GRADE_ARGS)
	$(BIN)/nbgrader export --log-level=WARN
	@echo "Grades written to grades.csv; grade the written answers with 'make formgrader'."

benchmark: $(STAMP)
	$(BIN)/python benchmarks/training_loop.py

benchmark-grading: $(GRADING_STAMP)
	$(BIN)/python benchmarks/grading.py

clean:
	rm -rf build .pytest_cache autograded feedback
