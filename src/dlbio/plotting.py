"""One plotting style for the whole course.

* Colours come from the Okabe-Ito palette, which stays distinguishable for readers with
  the common forms of colour blindness.
* Every figure has a title and labelled axes: :func:`label` sets all three and refuses
  empty text.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["PALETTE", "COLORS", "STYLE", "set_style", "label", "plot_history",
           "plot_causal_diagram"]

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
        A loss list with no finite value at all is refused (a diverged run); single NaN
        values leave gaps in the curve.
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
    for name, values in (("train_loss", train), ("tune_loss", tune)):
        try:
            array = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"history.{name} must hold numbers (losses); got "
                            f"{values[:3]!r}...") from None
        if len(array) and not np.isfinite(array).any():
            raise ValueError(f"history.{name} holds no finite value ({len(array)} NaN or "
                             "infinite losses): the training diverged and there is nothing "
                             "to plot. Try a lower learning rate or standardised features.")
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


def plot_causal_diagram(edges, positions, *, hidden=(), edge_labels=None, ax=None,
                        title="Causal diagram"):
    """Draw a small causal diagram (a DAG): one box per variable, one arrow per direct cause.

    Parameters
    ----------
    edges : list of (str, str)
        ``(cause, effect)`` pairs.
    positions : dict
        ``name -> (x, y)`` for every variable that appears in ``edges`` (any units; the
        axes are fitted to them).
    hidden : collection of str, default=()
        Variables that the data do not record; drawn with a dashed grey box.
    edge_labels : dict, optional
        ``(cause, effect) -> text`` written beside the middle of that arrow (for example the
        true effect size).
    ax : matplotlib Axes, optional
        Where to draw; default a new figure.
    title : str, default="Causal diagram"
        The title.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = plot_causal_diagram([("smoking", "cancer")], {"smoking": (0, 0), "cancer": (1, 0)})
    >>> len(ax.patches) + len(ax.texts) >= 3
    True
    >>> plt.close(ax.figure)
    """
    import matplotlib.pyplot as plt

    if not isinstance(edges, (list, tuple)) or not all(
            isinstance(e, (list, tuple)) and len(e) == 2 and all(isinstance(n, str) for n in e)
            for e in edges):
        raise TypeError(f"edges must be a list of (cause, effect) pairs of names; got {edges!r}.")
    if not isinstance(positions, Mapping):
        raise TypeError(f"positions must be a dict name -> (x, y); got "
                        f"{type(positions).__name__}.")
    names = list(dict.fromkeys([n for e in edges for n in e] + list(positions)))
    missing = [n for n in names if n not in positions]
    if missing:
        raise ValueError(f"positions must give (x, y) for every variable; missing {missing}.")
    for name in names:
        xy = positions[name]
        if (not isinstance(xy, (list, tuple)) or len(xy) != 2
                or not all(np.isfinite(float(v)) for v in xy)):
            raise ValueError(f"positions[{name!r}] must be a pair of finite numbers (x, y); "
                             f"got {xy!r}.")
    hidden = set([hidden] if isinstance(hidden, str) else hidden)
    unknown = sorted(hidden - set(names))
    if unknown:
        raise ValueError(f"hidden must name variables of the diagram {names}; got {unknown}.")
    edge_labels = {} if edge_labels is None else dict(edge_labels)
    title = _check_text(title, "title")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 3.6))
    else:
        _check_axes(ax)

    boxes = {}
    for name in names:
        x, y = (float(v) for v in positions[name])
        style = dict(boxstyle="round,pad=0.4", linewidth=1.5)
        if name in hidden:
            style.update(facecolor="white", edgecolor="0.5", linestyle="--")
        else:
            style.update(facecolor="#E8F1F8", edgecolor=PALETTE["blue"])
        boxes[name] = ax.text(x, y, name.replace("_", " "), ha="center", va="center",
                              fontsize=11, bbox=style, zorder=3,
                              color="0.35" if name in hidden else "black")
    xs = [float(positions[n][0]) for n in names]
    ys = [float(positions[n][1]) for n in names]
    ax.set_xlim(min(xs) - 0.8, max(xs) + 0.8)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
    # The size of each box is known only once the text is drawn: draw, then end every arrow at
    # the edge of its boxes (in data coordinates).
    ax.figure.canvas.draw()
    to_data = ax.transData.inverted()
    half = {}
    for name, box in boxes.items():
        (x0, y0), (x1, y1) = to_data.transform(box.get_bbox_patch().get_window_extent())
        half[name] = (abs(x1 - x0) / 2 + 0.04, abs(y1 - y0) / 2 + 0.04)

    def _edge(name, towards):
        (cx, cy), (tx, ty) = positions[name], towards
        dx, dy = float(tx) - float(cx), float(ty) - float(cy)
        hw, hh = half[name]
        t = min(hw / abs(dx) if dx else np.inf, hh / abs(dy) if dy else np.inf, 1.0)
        return float(cx) + t * dx, float(cy) + t * dy

    for cause, effect in edges:
        ax.annotate("", xy=_edge(effect, positions[cause]), xytext=_edge(cause, positions[effect]),
                    arrowprops=dict(arrowstyle="-|>", color="0.2", lw=1.4, shrinkA=0,
                                    shrinkB=0, mutation_scale=16), zorder=2)
        text = edge_labels.get((cause, effect))
        if text:
            # Beside the middle of the visible part of the arrow (between the boxes), a fixed
            # distance in points away from the line, so that the label never touches it.
            (x0, y0), (x1, y1) = _edge(cause, positions[effect]), _edge(effect, positions[cause])
            (u0, v0), (u1, v1) = ax.transData.transform([(x0, y0), (x1, y1)])
            length = max(np.hypot(u1 - u0, v1 - v0), 1e-9)
            nx, ny = -(v1 - v0) / length, (u1 - u0) / length
            if ny < 0 or (ny == 0 and nx < 0):
                nx, ny = -nx, -ny
            ax.annotate(str(text), xy=((x0 + x1) / 2, (y0 + y1) / 2), xytext=(10 * nx, 10 * ny),
                        textcoords="offset points", ha="center", va="center", fontsize=9,
                        color=PALETTE["vermillion"], zorder=4,
                        bbox=dict(facecolor="white", edgecolor="none", pad=0.5))
    ax.set_axis_off()
    ax.set_title(title)
    return ax
