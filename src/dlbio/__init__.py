"""dlbio: simulated biological data and small, honest training tools for the course on
*Ten quick tips for deep learning in biology* (Lee et al., PLoS Comput Biol 2022).

Modules
-------
datasets    simulated data sets that return their ground truth (``make_*``)
training    device, seeds, threads, the training loop and prediction helpers
models      small, readable PyTorch networks (MLP, MotifCNN)
estimators  a scikit-learn-compatible neural-network classifier
evaluation  the metric panel and model-comparison tables
paired      paired comparison of two classifiers on the same samples: McNemar, paired bootstrap (tip 3)
reproducibility  float32 summation order, twin runs that differ only in rounding, run-record JSON checks (tip 3)
learning_curves  learning curves of several models on one held-out test set (tip 1)
tuning      the search space and a parallel Optuna study (tip 6)
transfer    pre-trained motif CNNs and the ways to reuse them, paired over seeds (tip 5)
interpret   attributions scored against the planted motif, ISM, sanity checks (tip 8)
privacy     membership-inference scores and DP-SGD training (tip 10)
plotting    the course's plot style
feedback    the check helpers used by the notebooks' visible tests
notebook    ``setup_notebook``, the one call at the top of every lesson
"""
__version__ = "0.1.0"

from .notebook import setup_notebook  # noqa: E402

__all__ = ["setup_notebook", "__version__"]
