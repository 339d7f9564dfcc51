"""setup_notebook: the one call at the top of every lesson."""
import numpy as np
import pytest
import torch

import dlbio
from dlbio.notebook import library_versions, setup_notebook


def test_setup_seeds_limits_threads_and_reports(capsys, monkeypatch):
    monkeypatch.delenv("DLBIO_THREADS", raising=False)
    info = setup_notebook(seed=123)
    out = capsys.readouterr()
    assert out.err == ""
    assert "torch" in out.out and "seed: 123" in out.out and "threads: 1" in out.out
    assert info.seed == 123 and info.threads == 1 and torch.get_num_threads() == 1
    assert isinstance(info.device, torch.device)
    assert info.versions == library_versions() and info.versions["dlbio"] == dlbio.__version__
    first = (torch.rand(3), np.random.rand(3))
    setup_notebook(seed=123, verbose=False)
    second = (torch.rand(3), np.random.rand(3))
    assert torch.equal(first[0], second[0]) and np.array_equal(first[1], second[1])
    assert torch.are_deterministic_algorithms_enabled()


def test_threads_from_environment(monkeypatch):
    monkeypatch.setenv("DLBIO_THREADS", "2")
    try:
        assert setup_notebook(verbose=False).threads == 2
        assert torch.get_num_threads() == 2
        monkeypatch.setenv("DLBIO_THREADS", "two")
        with pytest.raises(ValueError, match="DLBIO_THREADS must be an int"):
            setup_notebook(verbose=False)
    finally:
        setup_notebook(threads=1, verbose=False)


@pytest.mark.parametrize("kwargs, error, name", [
    ({"seed": -1}, ValueError, "seed"),
    ({"seed": 1.5}, TypeError, "seed"),
    ({"threads": 0}, ValueError, "threads"),
    ({"deterministic": "yes"}, TypeError, "deterministic"),
    ({"verbose": 1}, TypeError, "verbose"),
    ({"device": "tpu"}, ValueError, "device"),
])
def test_setup_rejects_bad_arguments(kwargs, error, name):
    with pytest.raises(error, match=name):
        setup_notebook(**kwargs)
