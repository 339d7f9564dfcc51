"""Tests for dlbio.plotting (Agg backend, no display needed)."""
import re
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from dlbio.plotting import (  # noqa: E402
    COLORS,
    PALETTE,
    STYLE,
    label,
    plot_causal_diagram,
    plot_history,
    set_style,
)


@pytest.fixture(autouse=True)
def _clean_matplotlib():
    with matplotlib.rc_context():  # restores rcParams changed by set_style
        yield
    plt.close("all")


def _history(tune=True):
    return SimpleNamespace(epoch=[1, 2, 3, 4], train_loss=[0.9, 0.6, 0.45, 0.4],
                           tune_loss=[0.95, 0.7, 0.65, 0.72] if tune else [])


def test_palette_is_okabe_ito():
    assert len(PALETTE) == 8
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in PALETTE.values())
    assert PALETTE["orange"] == "#E69F00" and PALETTE["blue"] == "#0072B2"
    assert sorted(COLORS) == sorted(PALETTE.values())  # the same colours, as a list
    assert COLORS[-1] == PALETTE["yellow"]  # hardest to see on white, used last


def test_set_style_applies_the_course_style_and_is_idempotent():
    set_style()
    rc = matplotlib.rcParams
    assert [c.upper() for c in rc["axes.prop_cycle"].by_key()["color"]] == COLORS
    assert rc["axes.spines.top"] is False and rc["axes.spines.right"] is False
    assert rc["axes.grid"] is True and rc["figure.constrained_layout.use"] is True
    assert rc["font.size"] >= 10
    snapshot = dict(rc)
    set_style()
    assert dict(rc) == snapshot
    for key, value in STYLE.items():
        assert rc[key] == (list(value) if isinstance(value, tuple) else value)


def test_new_lines_use_the_palette():
    set_style()
    _, ax = plt.subplots()
    line, = ax.plot([0, 1], [0, 1])
    assert line.get_color().upper() == COLORS[0]


def test_label_sets_title_and_axis_labels():
    _, ax = plt.subplots()
    assert label(ax, "Expression by class", "Class", "log2 CPM") is ax
    assert ax.get_title() == "Expression by class"
    assert ax.get_xlabel() == "Class" and ax.get_ylabel() == "log2 CPM"


@pytest.mark.parametrize("position, name", [(0, "title"), (1, "xlabel"), (2, "ylabel")])
@pytest.mark.parametrize("empty", ["", "   "])
def test_label_refuses_empty_text(position, name, empty):
    _, ax = plt.subplots()
    texts = ["A title", "x", "y"]
    texts[position] = empty
    with pytest.raises(ValueError, match=name):
        label(ax, *texts)


def test_label_checks_types():
    _, ax = plt.subplots()
    with pytest.raises(TypeError, match="xlabel"):
        label(ax, "A title", None, "y")
    with pytest.raises(TypeError, match="ax"):
        label("not axes", "A title", "x", "y")


def test_plot_history_draws_train_and_tune_loss():
    ax = plot_history(_history())
    assert isinstance(ax, plt.Axes)
    labels = [line.get_label() for line in ax.get_lines()]
    assert "training loss" in labels and "tuning loss" in labels
    train = ax.get_lines()[0]
    assert list(train.get_xdata()) == [1, 2, 3, 4]
    assert list(train.get_ydata()) == [0.9, 0.6, 0.45, 0.4]
    assert any("epoch 3" in lab for lab in labels)  # lowest tuning loss marked
    assert ax.get_title() == "Training history"
    assert ax.get_xlabel() and ax.get_ylabel()


def test_plot_history_without_tuning_set_uses_given_axes():
    _, ax = plt.subplots()
    out = plot_history(_history(tune=False), ax=ax, title="No tuning set")
    assert out is ax
    assert [line.get_label() for line in ax.get_lines()] == ["training loss"]
    assert ax.get_title() == "No tuning set"


def test_plot_history_accepts_a_dict():
    h = _history()
    ax = plot_history({"epoch": h.epoch, "train_loss": h.train_loss,
                       "tune_loss": h.tune_loss})
    assert len(ax.get_lines()) == 3


@pytest.mark.parametrize("history, error, match", [
    (SimpleNamespace(epoch=[1, 2], train_loss=[1.0]), TypeError, "tune_loss"),
    ({"epoch": [1], "train_loss": [1.0]}, TypeError, "tune_loss"),
    (SimpleNamespace(epoch=[1, 2], train_loss=[1.0], tune_loss=[]), ValueError, "train_loss"),
    (SimpleNamespace(epoch=[1, 2], train_loss=[1.0, 0.5], tune_loss=[1.0]), ValueError,
     "tune_loss"),
    (SimpleNamespace(epoch=[], train_loss=[], tune_loss=[]), ValueError, "epoch"),
])
def test_plot_history_rejects_bad_histories(history, error, match):
    with pytest.raises(error, match=match):
        plot_history(history)


def test_plot_history_rejects_an_empty_title():
    with pytest.raises(ValueError, match="title"):
        plot_history(_history(), title="")


def test_plot_causal_diagram_draws_every_variable_and_arrow():
    edges = [("asthma", "care"), ("severity", "care"), ("care", "death"), ("asthma", "death")]
    pos = {"asthma": (0, 1), "severity": (0, -1), "care": (1, 0), "death": (2, 0)}
    ax = plot_causal_diagram(edges, pos, hidden=["severity"], edge_labels={("care", "death"): "-2.0"},
                             title="Pneumonia")
    texts = [t.get_text() for t in ax.texts]
    assert {"asthma", "severity", "care", "death", "-2.0"} <= set(texts)
    arrows = [t for t in ax.texts if getattr(t, "arrow_patch", None) is not None]
    assert len(arrows) == len(edges)              # one arrow per edge
    assert ax.get_title() == "Pneumonia"
    plt.close(ax.figure)


@pytest.mark.parametrize("edges, pos, hidden, error, match", [
    ([("a", "b")], {"a": (0, 0)}, (), ValueError, "missing"),
    ([("a", "b", "c")], {"a": (0, 0), "b": (1, 0)}, (), TypeError, "pairs"),
    ([("a", "b")], {"a": (0, 0), "b": (1, 0)}, ["z"], ValueError, "hidden"),
    ([("a", "b")], {"a": (0, 0), "b": (1,)}, (), ValueError, "finite"),
])
def test_plot_causal_diagram_rejects_bad_input(edges, pos, hidden, error, match):
    with pytest.raises(error, match=match):
        plot_causal_diagram(edges, pos, hidden=hidden)
    plt.close("all")
