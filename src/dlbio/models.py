"""Small, readable neural networks for tabular biological data.

Only one model lives here for now: :class:`MLP`, a multi-layer perceptron (a stack of
fully connected layers).  It is the network used throughout the course and by
:class:`dlbio.estimators.NeuralNetClassifier`.
"""
from __future__ import annotations

import numbers

import torch
from torch import nn

from ._validation import check_float, check_int

__all__ = ["MLP"]


class MLP(nn.Module):
    """A multi-layer perceptron: fully connected layers with ReLU activations.

    The network is a list of hidden blocks followed by one output layer::

        Linear(n_features, hidden[0]) -> ReLU -> [Dropout]
        Linear(hidden[0], hidden[1])  -> ReLU -> [Dropout]
        ...
        Linear(hidden[-1], n_outputs)              # the "head"

    The head returns raw scores (*logits*), one per class.  Use
    ``torch.softmax(logits, dim=1)`` (or :func:`dlbio.training.predict_proba`) to turn
    them into probabilities; ``torch.nn.CrossEntropyLoss`` expects logits, not
    probabilities.

    Parameters
    ----------
    n_features : int
        Number of input features per sample (for example, the number of genes).
    n_outputs : int, default=2
        Number of outputs: the number of classes for classification.
    hidden : tuple of int, default=(64, 64)
        Width of each hidden layer.  ``()`` gives a model with no hidden layer, which is
        multinomial logistic regression.
    dropout : float, default=0.0
        Probability of zeroing each hidden unit during training, in [0, 1).  ``0`` adds
        no Dropout layers.  Dropout is only active in training mode (``model.train()``).

    Attributes
    ----------
    network : torch.nn.Sequential
        All layers, in order.  ``print(model)`` shows them.

    Examples
    --------
    >>> import torch
    >>> model = MLP(n_features=20, n_outputs=3, hidden=(32,))
    >>> model(torch.zeros(5, 20)).shape
    torch.Size([5, 3])
    """

    def __init__(self, n_features: int, n_outputs: int = 2, hidden=(64, 64),
                 dropout: float = 0.0):
        super().__init__()
        self.n_features = check_int(n_features, "n_features", low=1)
        self.n_outputs = check_int(n_outputs, "n_outputs", low=1)
        self.hidden = _check_hidden(hidden)
        self.dropout = check_float(dropout, "dropout", low=0.0, high=1.0,
                                   high_inclusive=False)

        layers = []
        width_in = self.n_features
        for width in self.hidden:
            layers.append(nn.Linear(width_in, width))
            layers.append(nn.ReLU())
            if self.dropout > 0:
                layers.append(nn.Dropout(self.dropout))
            width_in = width
        layers.append(nn.Linear(width_in, self.n_outputs))
        self.network = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return the logits, a tensor of shape ``(n_samples, n_outputs)``.

        Parameters
        ----------
        x : torch.Tensor
            Input of shape ``(n_samples, n_features)`` and dtype float32.
        """
        return self.network(x)


def _check_hidden(hidden) -> tuple[int, ...]:
    """Return ``hidden`` as a tuple of positive ints, or raise naming ``hidden``."""
    if isinstance(hidden, numbers.Integral) and not isinstance(hidden, bool):
        raise TypeError(f"hidden must be a tuple of ints (layer widths), such as "
                        f"({hidden},) for one hidden layer; got the single int {hidden!r}.")
    if not isinstance(hidden, (tuple, list)):
        raise TypeError(f"hidden must be a tuple of ints (layer widths), such as (64, 64); "
                        f"got {hidden!r} of type {type(hidden).__name__}.")
    return tuple(check_int(width, f"hidden[{i}]", low=1) for i, width in enumerate(hidden))
