"""One plotting style for the whole course.

* Colours come from the Okabe-Ito palette, which stays distinguishable for readers with
  the common forms of colour blindness.
* Every figure has a title and labelled axes: :func:`label` sets all three and refuses
  empty text.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["PALETTE", "COLORS", "STYLE", "set_style", "label", "plot_history"]

#: The eight Okabe-Ito colours, name -> hex code.
PALETTE = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: The same colours as a list, in the order used for successive lines and bars.
#: Yellow comes last because it is hard to see on a white background.
COLORS = [PALETTE[name] for name in ("blue", "vermillion", "bluish_green", "orange",
                                     "reddish_purple", "sky_blue", "black", "yellow")]

#: The matplotlib settings applied by :func:`set_style`.
STYLE = {
    "font.size": 11,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linestyle": "-",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.constrained_layout.use": True,
    "figure.figsize": (6.4, 4.2),
    "lines.linewidth": 2.0,
    "lines.markersize": 5.0,
}


def set_style() -> None:
    """Apply the course style to matplotlib (safe to call more than once).

    Sets the Okabe-Ito colours as the default colour cycle, readable font sizes, a light
    grid, no top or right frame lines, and constrained layout (labels do not overlap).

    References
    ----------
    .. [1] Okabe M, Ito K. Color Universal Design (CUD): how to make figures and
       presentations that are friendly to colorblind people (2008).
       https://jfly.uni-koeln.de/color/
    """
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update(STYLE)
    mpl.rcParams["axes.prop_cycle"] = cycler(color=COLORS)


def _check_text(value, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a non-empty string; got {value!r} of type "
                        f"{type(value).__name__}.")
    if not value.strip():
        raise ValueError(f"{name} must be a non-empty string (every figure needs a title "
                         f"and labelled axes); got {value!r}.")
    return value


def _check_axes(ax, name: str = "ax"):
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(f"{name} must be a matplotlib Axes (for example from "
                        f"plt.subplots()); got an object of type {type(ax).__name__}.")
    return ax


def label(ax, title, xlabel, ylabel):
    """Set the title and both axis labels of ``ax``; none of them may be empty.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes to label.
    title, xlabel, ylabel : str
        Non-empty text.  Include units in axis labels, e.g. ``"Expression (log2 CPM)"``.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The same axes, so that calls can be chained.

    Raises
    ------
    ValueError
        If any text is empty or only blanks (course rule: no figure without a title and
        labelled axes).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = label(ax, "Gene 7 by class", "Class", "Expression (log2 CPM)")
    >>> plt.close(fig)
    """
    _check_axes(ax)
    title = _check_text(title, "title")
    xlabel = _check_text(xlabel, "xlabel")
    ylabel = _check_text(ylabel, "ylabel")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def _history_field(history, field: str) -> list:
    if isinstance(history, Mapping):
        if field not in history:
            raise TypeError(f"history must have 'epoch', 'train_loss' and 'tune_loss'; "
                            f"the mapping has no key {field!r}.")
        return list(history[field])
    if not hasattr(history, field):
        raise TypeError(f"history must have the attributes .epoch, .train_loss and "
                        f".tune_loss (for example the History returned by training); got "
                        f"an object of type {type(history).__name__} without .{field}.")
    return list(getattr(history, field))


def plot_history(history, *, ax=None, title="Training history"):
    """Plot the training and tuning loss per epoch.

    Parameters
    ----------
    history : object or dict
        Anything with list-like ``epoch``, ``train_loss`` and ``tune_loss`` (attributes or
        dict keys) of equal length; ``tune_loss`` may be empty when no tuning set was used.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is created when omitted.
    title : str, default="Training history"
        Figure title (must not be empty).

    Returns
    -------
    ax : matplotlib.axes.Axes
        The axes holding the plot.  A dotted vertical line marks the epoch with the lowest
        tuning loss, the one early stopping would keep.

    Examples
    --------
    >>> history = {"epoch": [1, 2, 3], "train_loss": [0.9, 0.6, 0.4],
    ...            "tune_loss": [0.95, 0.7, 0.75]}
    >>> ax = plot_history(history)
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    epoch = _history_field(history, "epoch")
    train = _history_field(history, "train_loss")
    tune = _history_field(history, "tune_loss")
    title = _check_text(title, "title")
    if len(epoch) == 0:
        raise ValueError("history must hold at least one epoch; got an empty history "
                         "(was the model trained?).")
    if len(train) != len(epoch):
        raise ValueError(f"history.train_loss must have one value per epoch; got "
                         f"{len(train)} values for {len(epoch)} epochs.")
    if len(tune) not in (0, len(epoch)):
        raise ValueError(f"history.tune_loss must be empty or have one value per epoch; "
                         f"got {len(tune)} values for {len(epoch)} epochs.")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    else:
        _check_axes(ax)

    marker = "o" if len(epoch) <= 30 else None
    ax.plot(epoch, train, marker=marker, color=PALETTE["blue"], label="training loss")
    if tune:
        tune_values = np.asarray(tune, dtype=float)
        ax.plot(epoch, tune_values, marker=marker, color=PALETTE["vermillion"],
                label="tuning loss")
        if np.isfinite(tune_values).any():
            best = epoch[int(np.nanargmin(np.where(np.isfinite(tune_values),
                                                    tune_values, np.nan)))]
            ax.axvline(best, color=PALETTE["black"], linestyle=":", linewidth=1.2,
                       label=f"lowest tuning loss (epoch {best})")
    ax.legend()
    return label(ax, title, "Epoch", "Loss")
