# dlbio course: the two commands a newcomer needs are `make lab` and `make test`.
# Both create .venv when it is missing and install everything into it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# torch is installed first and pinned exactly: on the course machines this picks a CPU build
# that is already on disk.  Elsewhere, override it, e.g. `make lab TORCH_SPEC=torch`.
TORCH_SPEC ?= torch==2.13.0
STAMP  := $(VENV)/.dlbio-installed
# nbgrader calls helper programs (alembic) by name, so the venv's bin/ goes first on PATH.
export PATH := $(CURDIR)/$(BIN):$(PATH)
PYTEST_WORKERS ?= 2

.PHONY: help install lab formgrader test test-lib release grade benchmark clean

help:
	@echo "make lab        set up .venv if needed and open JupyterLab on lessons/"
	@echo "make test       set up .venv if needed and run the whole test suite"
	@echo "make release    regenerate lessons/ from solutions/ with nbgrader"
	@echo "make grade      autograde the submissions in submitted/<student>/<lesson>/"
	@echo "make formgrader JupyterLab on the course root with nbgrader's formgrader (written answers)"
	@echo "make benchmark  time the dlbio training loop against plain PyTorch loops"

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e ".[course,test]"
	@touch $(STAMP)

# Jupyter refuses to run as root unless told to (containers and CI machines run as root).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=lessons $(ROOT_FLAG)

# For instructors: JupyterLab on the course root, where nbgrader's formgrader works.
formgrader: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=. $(ROOT_FLAG) --LabApp.default_url=/formgrader

test: $(STAMP)
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

grade: release
	@test -d submitted || { echo "No submitted/ folder: collect submissions into submitted/<student>/<lesson>/<lesson>.ipynb first."; exit 1; }
	@for dir in solutions/*/; do \
	  slug=$$(basename $$dir); \
	  if ls submitted/*/$$slug >/dev/null 2>&1; then \
	    echo "nbgrader autograde $$slug"; \
	    $(BIN)/nbgrader autograde "$$slug" --create --log-level=WARN || exit 1; \
	  fi; \
	done
	$(BIN)/nbgrader export --log-level=WARN
	@echo "Grades written to grades.csv; grade the written answers with `make formgrader`."

benchmark: $(STAMP)
	$(BIN)/python benchmarks/training_loop.py

clean:
	rm -rf build .pytest_cache autograded feedback
