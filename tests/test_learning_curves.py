"""Tests for dlbio.learning_curves."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from sklearn.base import BaseEstimator, ClassifierMixin  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score, roc_auc_score  # noqa: E402

from dlbio.learning_curves import curve_means, learning_curve, plot_learning_curves  # noqa: E402

SEEN = []  # (model name, training rows) for every fit of a RecordingClassifier


class RecordingClassifier(ClassifierMixin, BaseEstimator):
    """Remembers the row ids (column 0 of X) it was trained on; predicts column 1."""

    def __init__(self, name="recorder"):
        self.name = name

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        SEEN.append((self.name, np.asarray(X)[:, 0].astype(int).copy()))
        return self

    def predict_proba(self, X):
        p = 1 / (1 + np.exp(-np.asarray(X)[:, 1]))
        return np.column_stack([1 - p, p])

    def predict(self, X):
        return self.classes_[(self.predict_proba(X)[:, 1] > 0.5).astype(int)]


def _data(n_pool=300, n_test=200, seed=0):
    rng = np.random.default_rng(seed)
    n = n_pool + n_test
    signal = rng.normal(size=n)
    y = (signal + 0.8 * rng.normal(size=n) > 0).astype(int)
    X = np.column_stack([np.arange(n), signal, rng.normal(size=(n, 3))])
    return X[:n_pool], y[:n_pool], X[n_pool:], y[n_pool:]


@pytest.fixture
def data():
    return _data()


@pytest.fixture(autouse=True)
def _clear_seen():
    SEEN.clear()
    yield
    SEEN.clear()


# ----------------------------------------------------------------------------------------
# The table
# ----------------------------------------------------------------------------------------
def test_table_layout(data):
    table = learning_curve({"a": RecordingClassifier("a"), "b": RecordingClassifier("b")},
                           *data, [20, 50, 200], n_repeats=[3, 2, 1], random_state=0)
    assert list(table.columns) == ["model", "n_train", "repeat", "auroc", "accuracy",
                                   "fit_seconds"]
    assert len(table) == 2 * (3 + 2 + 1)
    counts = table.groupby(["model", "n_train"]).size()
    assert counts[("a", 20)] == 3 and counts[("b", 50)] == 2 and counts[("a", 200)] == 1
    assert (table["fit_seconds"] >= 0).all()
    assert table["auroc"].between(0, 1).all() and table["accuracy"].between(0, 1).all()


def test_every_model_trains_on_the_same_fresh_subset_of_the_pool(data):
    X_pool, y_pool, X_test, y_test = data
    learning_curve({"a": RecordingClassifier("a"), "b": RecordingClassifier("b")},
                   X_pool, y_pool, X_test, y_test, [20, 50], n_repeats=[3, 1], random_state=1)
    assert [name for name, _ in SEEN] == ["a", "b"] * 4
    subsets = [rows for _, rows in SEEN]
    for first, second in zip(subsets[0::2], subsets[1::2]):
        np.testing.assert_array_equal(first, second)  # paired: same rows for both models
    for rows, size in zip(subsets[0::2], [20, 20, 20, 50]):
        assert len(rows) == size and len(set(rows)) == size  # without replacement
        assert rows.max() < len(y_pool)  # never a test row
    assert len({tuple(sorted(rows)) for rows in subsets[0:6:2]}) == 3  # repeats differ


def test_scores_are_those_of_the_fitted_model_on_the_whole_test_set(data):
    X_pool, y_pool, X_test, y_test = data
    table = learning_curve({"lr": LogisticRegression()}, X_pool[:, 1:], y_pool,
                           X_test[:, 1:], y_test, [300], random_state=0)
    model = LogisticRegression().fit(X_pool[:, 1:], y_pool)  # n_train = whole pool
    assert table["auroc"].iloc[0] == pytest.approx(
        roc_auc_score(y_test, model.predict_proba(X_test[:, 1:])[:, 1]))
    assert table["accuracy"].iloc[0] == pytest.approx(
        accuracy_score(y_test, model.predict(X_test[:, 1:])))


def test_auroc_uses_the_positive_class_for_string_labels(data):
    X_pool, y_pool, X_test, y_test = data
    names = np.array(["control", "disease"])
    # A model that scores with the true signal must get an AUROC well above 0.5 (not its
    # mirror image, which would mean the wrong probability column was used).
    table = learning_curve({"r": RecordingClassifier()}, X_pool, names[y_pool], X_test,
                           names[y_test], [100], random_state=0)
    assert table["auroc"].iloc[0] > 0.75


def test_estimator_objects_are_cloned_and_factories_get_the_size(data):
    original = LogisticRegression()
    sizes_seen = []

    def factory(n_train):
        sizes_seen.append(n_train)
        return LogisticRegression(C=1.0)

    learning_curve({"plain": original, "made": factory}, *data, [30, 90],
                   n_repeats=[2, 1], random_state=0)
    assert not hasattr(original, "coef_")  # the caller's estimator is never fitted
    assert sizes_seen == [30, 30, 90]


def test_same_seed_same_table_other_seed_other_subsets(data):
    kwargs = dict(train_sizes=[25, 100], n_repeats=2)
    a = learning_curve({"lr": LogisticRegression()}, *data, random_state=3, **kwargs)
    b = learning_curve({"lr": LogisticRegression()}, *data, random_state=3, **kwargs)
    c = learning_curve({"lr": LogisticRegression()}, *data, random_state=4, **kwargs)
    cols = ["auroc", "accuracy"]
    pd.testing.assert_frame_equal(a[cols], b[cols])
    assert not a[cols].equals(c[cols])


def test_global_numpy_state_is_untouched(data):
    np.random.seed(5)
    before = np.random.get_state()[1].copy()
    learning_curve({"lr": LogisticRegression()}, *data, [50], random_state=0)
    np.testing.assert_array_equal(np.random.get_state()[1], before)


def test_curves_rise_with_the_training_size():
    X_pool, y_pool, X_test, y_test = _data(n_pool=2000, n_test=2000, seed=2)
    noisy = np.column_stack([X_pool[:, 1:], np.random.default_rng(0).normal(size=(2000, 40))])
    noisy_test = np.column_stack([X_test[:, 1:],
                                  np.random.default_rng(1).normal(size=(2000, 40))])
    table = learning_curve({"lr": LogisticRegression(C=10.0)}, noisy, y_pool, noisy_test,
                           y_test, [45, 2000], n_repeats=[5, 1], random_state=0)
    means = curve_means(table)["lr"]
    assert means[2000] - means[45] > 0.03


# ----------------------------------------------------------------------------------------
# curve_means and plotting
# ----------------------------------------------------------------------------------------
def test_curve_means_averages_the_repeats_and_keeps_the_model_order():
    table = pd.DataFrame({
        "model": ["z", "z", "a", "a", "z", "a"],
        "n_train": [10, 10, 10, 10, 40, 40],
        "repeat": [0, 1, 0, 1, 0, 0],
        "auroc": [0.5, 0.75, 0.25, 0.5, 0.875, 0.625],
        "accuracy": [0.5] * 6,
        "fit_seconds": [1.0, 3.0, 0.5, 0.5, 2.0, 1.0],
    })
    means = curve_means(table)
    assert list(means.columns) == ["z", "a"] and list(means.index) == [10, 40]
    assert means.loc[10, "z"] == 0.625 and means.loc[10, "a"] == 0.375
    assert curve_means(table, "fit_seconds").loc[10, "z"] == 2.0


def test_plot_learning_curves_draws_one_line_per_model_and_the_ceiling(data):
    table = learning_curve({"a": RecordingClassifier("a"), "b": LogisticRegression()},
                           *data, [30, 100], random_state=0)
    ax = plot_learning_curves(table, ceiling=0.9, title="Two models")
    assert ax.get_title() == "Two models" and ax.get_xscale() == "log"
    assert ax.get_xlabel() and ax.get_ylabel() == "test AUROC"
    assert len(ax.lines) == 3  # two models and the ceiling
    assert ax.lines[-1].get_ydata()[0] == 0.9
    assert list(ax.get_xticks()) == [30, 100]  # ticks at the training sizes measured
    assert [t.get_text() for t in ax.get_xticklabels()] == ["30", "100"]
    ax2 = plot_learning_curves(table, "accuracy")
    assert ax2.get_ylabel() == "test accuracy" and len(ax2.lines) == 2
    plt.close("all")


# ----------------------------------------------------------------------------------------
# Argument validation
# ----------------------------------------------------------------------------------------
def _call(data, **changes):
    X_pool, y_pool, X_test, y_test = data
    arguments = dict(estimators={"lr": LogisticRegression()}, X_pool=X_pool, y_pool=y_pool,
                     X_test=X_test, y_test=y_test, train_sizes=[20, 40], random_state=0)
    arguments.update(changes)
    return learning_curve(**arguments)


@pytest.mark.parametrize("changes, error, match", [
    (dict(estimators={}), TypeError, "estimators"),
    (dict(estimators=[LogisticRegression()]), TypeError, "estimators"),
    (dict(estimators={"": LogisticRegression()}), TypeError, "estimators"),
    (dict(estimators={"lr": 3}), TypeError, r"estimators\['lr'\]"),
    (dict(estimators={"f": lambda n: "not a model"}), TypeError, r"estimators\['f'\]"),
    (dict(X_pool=np.zeros(300)), ValueError, "X_pool"),
    (dict(y_pool=np.zeros((300, 2))), ValueError, "y_pool"),
    (dict(y_test=np.zeros(10)), ValueError, "X_test and y_test"),
    (dict(X_test=np.zeros((200, 4))), ValueError, "same number of features"),
    (dict(y_test=np.ones(200, dtype=int)), ValueError, "y_test"),
    (dict(train_sizes=[40, 20]), ValueError, "increasing"),
    (dict(train_sizes=[20, 20]), ValueError, "increasing"),
    (dict(train_sizes=[1, 20]), ValueError, "train_sizes"),
    (dict(train_sizes=[20, 301]), ValueError, "train_sizes"),
    (dict(train_sizes=[20.0]), TypeError, "train_sizes"),
    (dict(train_sizes=[]), ValueError, "train_sizes"),
    (dict(train_sizes=100), TypeError, "train_sizes"),
    (dict(n_repeats=0), ValueError, "n_repeats"),
    (dict(n_repeats=True), TypeError, "n_repeats"),
    (dict(n_repeats=[1]), ValueError, "n_repeats"),
    (dict(n_repeats=[1, 0]), ValueError, "n_repeats"),
    (dict(n_repeats="2"), TypeError, "n_repeats"),
    (dict(random_state=-1), ValueError, "random_state"),
    (dict(random_state=1.5), TypeError, "random_state"),
])
def test_invalid_arguments_raise_clear_errors(data, changes, error, match):
    with pytest.raises(error, match=match):
        _call(data, **changes)


def test_a_single_class_subset_says_what_to_do(data):
    X_pool, y_pool, X_test, y_test = data
    y_rare = np.zeros_like(y_pool)
    y_rare[0] = 1
    with pytest.raises(ValueError, match="single class"):
        _call(data, y_pool=y_rare, train_sizes=[5])


@pytest.mark.parametrize("changes, error, match", [
    (dict(metric="auc"), ValueError, "metric"),
    (dict(table="not a table"), TypeError, "table"),
    (dict(table=pd.DataFrame({"x": [1]})), ValueError, "model"),
])
def test_curve_means_validates(changes, error, match):
    arguments = dict(table=pd.DataFrame({"model": ["a"], "n_train": [5], "auroc": [0.5]}),
                     metric="auroc")
    arguments.update(changes)
    with pytest.raises(error, match=match):
        curve_means(**arguments)


def test_plot_validates_metric_and_ceiling():
    table = pd.DataFrame({"model": ["a"], "n_train": [5], "repeat": [0], "auroc": [0.5],
                          "accuracy": [0.5], "fit_seconds": [0.1]})
    with pytest.raises(ValueError, match="metric"):
        plot_learning_curves(table, "fit_seconds")
    with pytest.raises(TypeError, match="ceiling"):
        plot_learning_curves(table, ceiling="high")
    plt.close("all")


def test_curve_gaps_pairs_the_repeats_and_reports_their_spread():
    from dlbio.learning_curves import curve_gaps

    table = pd.DataFrame({"model": ["net", "lr"] * 3, "n_train": [10, 10, 10, 10, 20, 20],
                          "repeat": [0, 0, 1, 1, 0, 0],
                          "auroc": [0.70, 0.60, 0.62, 0.60, 0.9, 0.7]})
    gaps = curve_gaps(table, "net", "lr")
    assert list(gaps.index) == [10, 20]
    assert gaps.loc[10, "gap"] == pytest.approx(0.06)
    assert gaps.loc[10, "sd"] == pytest.approx(np.std([0.10, 0.02], ddof=1))
    assert gaps.loc[10, "min"] == pytest.approx(0.02) and gaps.loc[10, "max"] == pytest.approx(0.10)
    assert gaps.loc[20, "repeats"] == 1 and np.isnan(gaps.loc[20, "sd"])
    with pytest.raises(ValueError, match="baseline"):
        curve_gaps(table, "net", "forest")
    with pytest.raises(ValueError, match="metric"):
        curve_gaps(table, "net", "lr", metric="f1")


# ----------------------------------------------------------------------------------------
# Fitted models and the labs of the decision exercise
# ----------------------------------------------------------------------------------------
def test_return_models_gives_the_fitted_model_behind_every_row(data):
    X_pool, y_pool, X_test, y_test = data
    table, models = learning_curve({"lr": LogisticRegression()}, X_pool, y_pool, X_test, y_test,
                                   [50, 300], n_repeats=[2, 1], random_state=0, return_models=True)
    assert sorted(models) == [("lr", 50, 0), ("lr", 50, 1), ("lr", 300, 0)]
    for (name, n_train, repeat), model in models.items():
        row = table[(table.model == name) & (table.n_train == n_train) & (table.repeat == repeat)]
        assert row.auroc.item() == pytest.approx(roc_auc_score(y_test, model.predict_proba(X_test)[:, 1]))
    plain = learning_curve({"lr": LogisticRegression()}, X_pool, y_pool, X_test, y_test, [50, 300],
                           n_repeats=[2, 1], random_state=0)
    pd.testing.assert_frame_equal(plain.drop(columns="fit_seconds"), table.drop(columns="fit_seconds"))
    with pytest.raises(TypeError, match="return_models"):
        learning_curve({"lr": LogisticRegression()}, X_pool, y_pool, X_test, y_test, [50],
                       return_models="yes")
