"""Small, readable neural networks for biological data.

* :class:`MLP`, a multi-layer perceptron (a stack of fully connected layers) for tabular
  data such as expression matrices.  It is the network used throughout the course and by
  :class:`dlbio.estimators.NeuralNetClassifier`.
* :class:`MotifCNN`, a one-dimensional convolutional network for one-hot DNA (or any
  sequence with a few channels per position): motif detectors that slide along the
  sequence, followed by global pooling, so that it finds a motif wherever it is.
"""
from __future__ import annotations

import numbers

import torch
from torch import nn

from ._validation import check_allocation, check_choice, check_float, check_int

__all__ = ["MLP", "MotifCNN"]


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

        # Refuse absurd sizes with their names, before torch tries to allocate the weights.
        names = ["n_features", *(f"hidden[{i}]" for i in range(len(self.hidden))), "n_outputs"]
        widths = [self.n_features, *self.hidden, self.n_outputs]
        for k in range(len(widths) - 1):
            check_allocation({names[k]: widths[k], names[k + 1]: widths[k + 1]},
                             bytes_per_value=4, what=f"weight matrix of layer {k + 1}")

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


class MotifCNN(nn.Module):
    """A 1-D convolutional network with global pooling, for one-hot DNA sequences.

    The network has two parts::

        features:  Conv1d(n_channels, n_filters, kernel_size) -> ReLU -> global max (or mean)
        head:      MLP(n_filters, n_outputs, hidden=hidden)     # a Linear layer by default

    Each of the ``n_filters`` convolution filters is a learned motif detector of width
    ``kernel_size``: the same weights are applied at every position of the sequence (weight
    sharing), so a motif is detected wherever it is.  Global max pooling keeps, for each
    filter, its strongest match anywhere in the sequence; the head then combines these
    ``n_filters`` numbers.  The output therefore does not depend on *where* a motif is, and
    the number of weights does not depend on the sequence length.

    The head returns logits, as in :class:`MLP`.  For transfer learning the two parts can
    be treated separately: :meth:`features` returns the pooled filter activations, and
    ``model.head`` can be replaced by a new head, for example
    ``model.head = torch.nn.Linear(model.n_filters, 2)``.

    Parameters
    ----------
    n_outputs : int, default=2
        Number of outputs: the number of classes, or the number of tasks for multi-label
        training with ``torch.nn.BCEWithLogitsLoss``.
    n_channels : int, default=4
        Channels per position: 4 for one-hot DNA (A, C, G, T).
    n_filters : int, default=16
        Number of convolution filters (motif detectors).
    kernel_size : int, default=12
        Width of each filter in positions; about the length of the motifs to find.
    pool : {"max", "mean"}, default="max"
        Global pooling over positions.  ``"max"`` asks "is the motif anywhere?";
        ``"mean"`` measures how much of the sequence matches, which dilutes one short
        motif in a long sequence.
    hidden : tuple of int, default=()
        Hidden layer widths of the head (see :class:`MLP`).  ``()`` gives a single
        ``Linear`` layer.
    dropout : float, default=0.0
        Dropout in the head's hidden layers, in [0, 1).

    Attributes
    ----------
    conv : torch.nn.Conv1d
        The motif detectors; ``conv.weight`` has shape (n_filters, n_channels, kernel_size).
    head : torch.nn.Module
        The classifier on top of the pooled features (an :class:`MLP`).

    Examples
    --------
    >>> import torch
    >>> model = MotifCNN(n_outputs=2, n_filters=8, kernel_size=6)
    >>> x = torch.zeros(3, 4, 50)            # 3 sequences of 50 bases, layout (N, 4, L)
    >>> model(x).shape, model.features(x).shape
    (torch.Size([3, 2]), torch.Size([3, 8]))
    """

    def __init__(self, n_outputs: int = 2, *, n_channels: int = 4, n_filters: int = 16,
                 kernel_size: int = 12, pool: str = "max", hidden=(), dropout: float = 0.0):
        super().__init__()
        self.n_outputs = check_int(n_outputs, "n_outputs", low=1)
        self.n_channels = check_int(n_channels, "n_channels", low=1)
        self.n_filters = check_int(n_filters, "n_filters", low=1)
        self.kernel_size = check_int(kernel_size, "kernel_size", low=1)
        self.pool = check_choice(pool, "pool", ["max", "mean"])
        self.hidden = _check_hidden(hidden)
        self.dropout = check_float(dropout, "dropout", low=0.0, high=1.0,
                                   high_inclusive=False)
        check_allocation({"n_channels": self.n_channels, "n_filters": self.n_filters,
                          "kernel_size": self.kernel_size}, bytes_per_value=4,
                         what="convolution weights")
        self.conv = nn.Conv1d(self.n_channels, self.n_filters, self.kernel_size)
        self.head = MLP(self.n_filters, self.n_outputs, hidden=self.hidden,
                        dropout=self.dropout)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Return the pooled filter activations, shape ``(n_samples, n_filters)``.

        Parameters
        ----------
        x : torch.Tensor
            One-hot sequences of shape ``(n_samples, n_channels, length)`` (PyTorch's
            channels-first layout) and dtype float32, with ``length >= kernel_size``.
        """
        if x.ndim != 3 or x.shape[1] != self.n_channels:
            hint = (" A flattened one-hot matrix is for an MLP; a CNN needs the positions."
                    if x.ndim == 2 else "")
            raise ValueError(f"MotifCNN expects input of shape (n_samples, {self.n_channels}, "
                             f"length); got {tuple(x.shape)}.{hint}")
        if x.shape[2] < self.kernel_size:
            raise ValueError(f"sequences must be at least kernel_size={self.kernel_size} "
                             f"long; got length {x.shape[2]}.")
        activations = torch.relu(self.conv(x))            # (n, n_filters, positions)
        if self.pool == "max":
            return activations.amax(dim=2)
        return activations.mean(dim=2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return the logits, shape ``(n_samples, n_outputs)``; ``x`` as in :meth:`features`."""
        return self.head(self.features(x))
