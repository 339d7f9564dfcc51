"""A scikit-learn compatible neural-network classifier.

:class:`NeuralNetClassifier` wraps :class:`dlbio.models.MLP` and :func:`dlbio.training.fit`
so that a neural network can be used like any scikit-learn model: in a ``Pipeline`` with a
``StandardScaler``, in ``cross_val_score``, in ``GridSearchCV``, and compared side by side
with a logistic regression or a random forest (tip 1 of the course: start with simple
baselines).
"""
from __future__ import annotations

import copy

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ._validation import check_float, check_int, check_random_state
from .models import MLP
from .training import fit, predict_logits, select_device

__all__ = ["NeuralNetClassifier", "EXPECTED_FAILED_CHECKS"]

#: Checks of ``sklearn.utils.estimator_checks.check_estimator`` that NeuralNetClassifier
#: is known to fail, with the reason, in the form that ``check_estimator``'s
#: ``expected_failed_checks`` argument takes.  Empty: every check passes (on the CPU).
EXPECTED_FAILED_CHECKS: dict[str, str] = {}


def _forked_rng(device: torch.device):
    """A context in which torch's global random state may be reseeded, then restored.

    The CPU generator is always saved and restored; on a GPU, so are the generators of
    every device of that kind (dropout on the GPU draws from them).
    """
    if device.type == "cpu":
        return torch.random.fork_rng(devices=[])
    device_module = torch.get_device_module(device.type)
    return torch.random.fork_rng(devices=range(device_module.device_count()),
                                 device_type=device.type)


class NeuralNetClassifier(ClassifierMixin, BaseEstimator):
    """A multi-layer perceptron classifier with the scikit-learn interface.

    Builds a :class:`dlbio.models.MLP` with one output per class and trains it with
    :func:`dlbio.training.fit` (cross-entropy loss, mini-batches).  Labels may be any
    values scikit-learn accepts (integers, strings, ...).

    Neural networks need standardized features: use it in a pipeline such as
    ``make_pipeline(StandardScaler(), NeuralNetClassifier())``.

    Training runs on ``device``; predictions are computed on the CPU in float64, so that
    the scores of a sample do not depend on which other samples are predicted with it.

    Parameters
    ----------
    hidden : tuple of int, default=(64,)
        Width of each hidden layer; ``()`` gives a (multinomial) logistic regression.
    dropout : float, default=0.0
        Dropout probability after each hidden layer, in [0, 1).
    optimizer : {"adam", "adamw", "sgd"} or torch.optim.Optimizer subclass, default="adam"
        The optimization algorithm.
    lr : float or None, default=None
        Learning rate; ``None`` keeps the optimizer's own default (1e-3 for Adam).
    weight_decay : float or None, default=None
        L2 penalty; ``None`` keeps the optimizer's own default (0 for Adam and SGD, 0.01
        for AdamW).
    batch_size : int, default=32
        Number of samples per mini-batch.
    max_epochs : int, default=100
        Maximum number of passes over the training data.  Sized for small data sets
        (hundreds to a few thousand samples, so 10 to 100 mini-batches per epoch) with
        Adam's default learning rate; set ``patience`` to stop earlier once a held-out
        loss stops improving.
    patience : int or None, default=None
        If set, hold out ``validation_fraction`` of the training data as a tuning set
        (stratified by class), stop once its loss has not improved for ``patience``
        epochs, and keep the weights of the best epoch.
    validation_fraction : float, default=0.1
        Fraction of the training data held out for early stopping, in (0, 1).  Only used
        when ``patience`` is set.
    device : str or None, default=None
        Where to train; see :func:`dlbio.training.select_device`.  ``None`` uses a GPU if
        there is one.
    random_state : int, numpy Generator or None, default=None
        Seed for the initial weights, the shuffling, dropout and the tuning split.  An int
        makes ``fit`` repeatable (on the CPU; GPUs may also need
        :func:`dlbio.training.seed_everything`).  The global random generators of Python,
        NumPy and PyTorch are left untouched.
    verbose : int, default=0
        ``0`` is silent; ``1`` or more shows a progress bar during ``fit``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of str
        Column names seen during ``fit``, only when X was a pandas DataFrame.
    model_ : dlbio.models.MLP
        The trained network.
    history_ : dlbio.training.History
        Losses per epoch; ``history_.to_frame().plot()`` draws the learning curves.
    n_iter_ : int
        Number of epochs run.
    device_ : torch.device
        The device the model was trained on.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> X, y = make_classification(n_samples=200, random_state=0)
    >>> clf = make_pipeline(StandardScaler(), NeuralNetClassifier(random_state=0))
    >>> clf.fit(X, y).score(X, y) > 0.9
    True
    """

    def __init__(self, hidden=(64,), dropout=0.0, optimizer="adam", lr=None,
                 weight_decay=None, batch_size=32, max_epochs=100, patience=None,
                 validation_fraction=0.1, device=None, random_state=None, verbose=0):
        self.hidden = hidden
        self.dropout = dropout
        self.optimizer = optimizer
        self.lr = lr
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def fit(self, X, y):
        """Train a new network on (X, y).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data (standardize it first).
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self
        """
        X, y = validate_data(self, X, y, dtype=np.float32)
        check_classification_targets(y)
        validation_fraction = check_float(self.validation_fraction, "validation_fraction",
                                          low=0.0, high=1.0, low_inclusive=False,
                                          high_inclusive=False)
        verbose = check_int(self.verbose, "verbose", low=0)
        _, seed = check_random_state(self.random_state)
        device = select_device(self.device)

        encoder = LabelEncoder()
        y_encoded = encoder.fit_transform(y)
        classes = encoder.classes_
        if len(classes) < 2:
            raise ValueError(f"{type(self).__name__} needs at least 2 classes in y to learn "
                             f"from; got 1 class ({classes[0]!r}).")

        if self.patience is not None:
            try:
                X_train, X_tune, y_train, y_tune = train_test_split(
                    X, y_encoded, test_size=validation_fraction, stratify=y_encoded,
                    random_state=seed)
            except ValueError as error:
                raise ValueError(
                    f"patience={self.patience!r} holds out validation_fraction="
                    f"{validation_fraction:g} of the {len(y_encoded)} training samples as a "
                    f"tuning set stratified by class, which needs at least 2 samples of each "
                    f"of the {len(classes)} classes and room for one of each on both sides; "
                    f"here it cannot be made ({error}). Use more samples, another "
                    "validation_fraction, or patience=None.") from None
        else:
            X_train, y_train, X_tune, y_tune = X, y_encoded, None, None

        # Seed torch inside a fork of its random state, so that the caller's global
        # random numbers are not disturbed, and the same random_state gives the same model.
        with _forked_rng(device):
            torch.manual_seed(seed)
            model = MLP(n_features=X.shape[1], n_outputs=len(classes), hidden=self.hidden,
                        dropout=self.dropout)
            history = fit(model, X_train, y_train, X_tune=X_tune, y_tune=y_tune,
                          optimizer=self.optimizer, lr=self.lr,
                          weight_decay=self.weight_decay, batch_size=self.batch_size,
                          max_epochs=self.max_epochs, patience=self.patience,
                          device=device, progress=verbose > 0)

        self.classes_ = classes
        self.model_ = model
        self.history_ = history
        self.n_iter_ = len(history.epoch)
        self.device_ = device
        return self

    def _logits(self, X) -> np.ndarray:
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float32, reset=False)
        # Predict with a float64 copy of the network on the CPU.  In float32, PyTorch's
        # matrix products pick different kernels for different numbers of samples, so
        # the scores of one sample could change in the 7th digit depending on which other
        # samples are predicted with it.  In float64 these differences are ~1e-16, and for
        # networks of this size the copy costs little.
        model = copy.deepcopy(self.model_).to(device="cpu", dtype=torch.float64)
        return predict_logits(model, X).numpy()

    def decision_function(self, X) -> np.ndarray:
        """Raw scores: the logits, shape (n_samples, n_classes).

        For two classes, a single score per sample, ``logit[1] - logit[0]``: positive
        means ``classes_[1]`` is predicted.
        """
        logits = self._logits(X)
        if len(self.classes_) == 2:
            return logits[:, 1] - logits[:, 0]
        return logits

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, shape (n_samples, n_classes); each row sums to 1.

        Columns follow the order of ``classes_``.
        """
        logits = torch.from_numpy(self._logits(X))
        return torch.softmax(logits, dim=1).numpy()

    def predict(self, X) -> np.ndarray:
        """The most probable class of each sample (a value from ``classes_``)."""
        logits = self._logits(X)
        return self.classes_[np.argmax(logits, axis=1)]
