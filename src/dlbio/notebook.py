"""The one call at the top of every lesson: seed, threads, device, plot style, versions."""
from __future__ import annotations

import os
import platform

from sklearn.utils import Bunch

from ._validation import check_bool, check_int

__all__ = ["setup_notebook", "library_versions"]


def library_versions() -> dict[str, str]:
    """Versions of Python and of the libraries a lesson's results depend on."""
    import numpy
    import sklearn
    import torch

    from . import __version__

    return {"python": platform.python_version(), "dlbio": __version__, "torch": torch.__version__,
            "numpy": numpy.__version__, "scikit-learn": sklearn.__version__}


def setup_notebook(seed: int = 0, *, threads: int | None = None, device=None,
                   deterministic: bool = True, verbose: bool = True) -> Bunch:
    """Prepare a lesson: seed everything, limit threads, pick the device, set the plot style.

    Parameters
    ----------
    seed : int, default=0
        Seed for Python's, NumPy's and PyTorch's global random number generators.
    threads : int or None, default=None
        CPU threads for PyTorch and the BLAS libraries.  None reads the environment
        variable ``DLBIO_THREADS`` and falls back to 1: the course's models are tiny, and on
        a shared 2-core machine two threads made them 5-100x slower, never faster.  Raise it
        on a bigger machine if your own models are larger.  At most 4 per CPU core (see
        :func:`dlbio.training.max_threads`).
    device : str, torch.device or None, default=None
        None picks CUDA, then Apple's MPS, then the CPU.
    deterministic : bool, default=True
        Ask PyTorch for deterministic algorithms (see Tip 3).
    verbose : bool, default=True
        Print the versions, the device, the seed and the thread count.

    Returns
    -------
    Bunch
        ``seed``, ``device`` (a ``torch.device``), ``threads`` and ``versions`` (a dict).
    """
    from . import plotting
    from .training import _check_threads, limit_threads, seed_everything, select_device

    seed = check_int(seed, "seed", low=0, high=2**32 - 1)
    if threads is None:
        env_threads = os.environ.get("DLBIO_THREADS", "1")
        try:
            threads = int(env_threads)
        except ValueError:
            raise ValueError(f"DLBIO_THREADS must be an int in [1, inf); got {env_threads!r}.") from None
        threads = _check_threads(threads, "DLBIO_THREADS")
    else:
        threads = _check_threads(threads, "threads")
    deterministic = check_bool(deterministic, "deterministic")
    verbose = check_bool(verbose, "verbose")

    limit_threads(threads)
    seed_everything(seed, deterministic=deterministic)
    chosen = select_device(device)
    plotting.set_style()
    versions = library_versions()
    if verbose:
        listed = ", ".join(f"{k} {v}" for k, v in versions.items())
        print(f"{listed}\ndevice: {chosen} | seed: {seed} | threads: {threads} | "
              f"deterministic algorithms: {deterministic}")
    return Bunch(seed=seed, device=chosen, threads=threads, versions=versions)
