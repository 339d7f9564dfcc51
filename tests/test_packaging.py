"""pyproject.toml, environment.yml and binder/ must name the same packages, so that a lab
machine, a conda user and a Binder visitor get the same course."""
from __future__ import annotations

import re
import tomllib

import yaml

from course import ROOT

# conda-forge names that differ from the PyPI names in pyproject.toml.
CONDA_TO_PYPI = {"pytorch-cpu": "torch", "pytorch": "torch", "matplotlib-base": "matplotlib"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> tuple[set[str], set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_name(r) for r in project["dependencies"]} | {_name(r) for r in project["optional-dependencies"]["course"]}
    test = {_name(r) for r in project["optional-dependencies"]["test"]}
    return runtime, test


def test_environment_yml_names_the_same_packages_as_pyproject():
    runtime, test = _pyproject()
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    assert "python=3.11" in conda, "environment.yml pins the course's Python, 3.11"
    names = {CONDA_TO_PYPI.get(_name(d), _name(d)) for d in conda} - {"python", "pip"}
    assert names == runtime | test, (f"only in pyproject: {sorted((runtime | test) - names)}; "
                                     f"only in environment.yml: {sorted(names - runtime - test)}")


def test_binder_names_the_same_packages_as_pyproject():
    runtime, _ = _pyproject()
    lines = [line for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines()
             if line.strip() and not line.startswith(("#", "-"))]
    names = {_name(line) for line in lines}
    assert names == runtime, (f"only in pyproject: {sorted(runtime - names)}; "
                              f"only in binder/requirements.txt: {sorted(names - runtime)}")
    assert "cpu" in (ROOT / "binder" / "requirements.txt").read_text(), "binder installs CPU-only torch"


def test_binder_post_build_is_strict_and_installs_dlbio():
    post_build = (ROOT / "binder" / "postBuild").read_text().splitlines()
    commands = [line for line in post_build if line.strip() and not line.startswith("#")]
    assert commands[0].strip() == "set -e", "postBuild must start with `set -e` so a failed step fails the build"
    assert any("pip install" in line and "-e ." in line for line in commands), "postBuild installs dlbio"


def test_lower_bounds_only():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + sum(project["optional-dependencies"].values(), [])
    pinned = [r for r in requirements if "==" in r or "<" in r]
    assert not pinned, f"keep pins loose (lower bounds only): {pinned}"
