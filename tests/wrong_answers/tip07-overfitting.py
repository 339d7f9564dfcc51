"""Plausible wrong answers for tip07-overfitting; each must lose points (see README.md here)."""

_SPLIT = '''
def three_way_split(y, tune_fraction, test_fraction, seed):
    y = np.asarray(y)
    index = np.arange(len(y))
    rest, test_idx = train_test_split(index, test_size=test_fraction, stratify=STRAT1, random_state=SEED1)
    train_idx, tune_idx = train_test_split(rest, test_size=SHARE, stratify=STRAT2, random_state=SEED1)
    return train_idx, tune_idx, test_idx
'''


def _split(strat1="y", strat2="y[rest]", seed="seed", share="tune_fraction / (1 - test_fraction)"):
    return (_SPLIT.replace("STRAT1", strat1).replace("STRAT2", strat2).replace("SEED1", seed)
            .replace("SHARE", share))


_GAP = '''
def overfitting_gap(X_train, y_train, X_tune, y_tune, *, weight_decay=0.0, dropout=0.0, patience=None, seed=0):
    from sklearn.metrics import log_loss
    seed_everything(seed)
    model = build_network(X_train.shape[1], DROPOUT)
    fit(model, X_train, y_train, X_tune=X_tune, y_tune=y_tune, weight_decay=weight_decay, patience=patience,
        max_epochs=EPOCHS, batch_size=32, device=DEVICE)
    train_loss = log_loss(y_train, predict_proba(model, X_train), labels=[0, 1])
    tune_loss = log_loss(y_tune, predict_proba(model, TUNE_X), labels=[0, 1])
    return {"train_loss": float(train_loss), "tune_loss": float(tune_loss), "gap": float(tune_loss - train_loss),
            "model": model}
'''

_SHUFFLE = '''
def shuffle_control(model, X, y, cv, n_permutations, seed):
    rng = RNG
    score = cross_val_score(model, X, y, cv=cv, scoring="roc_auc").mean()
    null_scores = np.array([cross_val_score(model, X, rng.permutation(y), cv=cv, scoring="roc_auc").mean()
                            for _ in range(n_permutations)])
    p_value = PVALUE
    return {"score": float(score), "null_scores": null_scores, "p_value": float(p_value)}
'''

_SELECT_LEAKY = '''
    from sklearn.feature_selection import SelectKBest, f_classif
    X_selected = SelectKBest(f_classif, k=k).fit_transform(X, y)
    return float(cross_val_score(make_pipeline(StandardScaler(), LogisticRegression(solver="liblinear")),
                                 X_selected, y, cv=cv, scoring="roc_auc").mean())
'''
_SELECT_HONEST = '''
    from sklearn.feature_selection import SelectKBest, f_classif
    model = make_pipeline(StandardScaler(), SelectKBest(f_classif, k=k), LogisticRegression(solver="liblinear"))
    return float(cross_val_score(model, X, y, cv=cv, scoring="roc_auc").mean())
'''

_PLAN = '''
def screening_plan(model, X_dev, y_dev, target_recall, prevalence):
    y_dev = np.asarray(y_dev)
    scores = model.predict_proba(X_dev)[:, 1]
    positives = np.sort(scores[y_dev == 1])[::-1]
    threshold = THRESHOLD
    recall = np.mean(scores[y_dev == 1] >= threshold)
    false_positive_rate = np.mean(scores[y_dev == 0] >= threshold)
    ppv = PPV
    return {"threshold": float(threshold), "ppv": float(ppv)}
'''
_T_MARGIN = ("positives[int(np.ceil(min(1.0, target_recall + 1.645 * np.sqrt(target_recall * (1 - target_recall) "
             "/ len(positives))) * len(positives))) - 1]")
_T_NO_MARGIN = "positives[int(np.ceil(target_recall * len(positives))) - 1]"
_PPV_OK = "recall * prevalence / (recall * prevalence + false_positive_rate * (1 - prevalence))"

_COMPARE = '''
def compare_splits(X, y, identity, threshold, seed=0):
    from sklearn.model_selection import GroupKFold
    from sklearn.neighbors import KNeighborsClassifier
    knn = KNeighborsClassifier(n_neighbors=1)
    random = cross_val_score(knn, X, y, cv=StratifiedKFold(5, shuffle=True, random_state=seed)).mean()
    clusters = identity_clusters(identity, threshold)
    grouped = GROUPED
    return {"random": float(random), "grouped": float(grouped), "n_clusters": N_CLUSTERS}
'''

WRONG_ANSWERS = [
    {
        "name": "tuning fraction taken of what is left after the test split",
        "cell": "ex2-three-way-split",
        "source": _split(share="tune_fraction"),
        "loses": ["ex2-tests"],
    },
    {
        "name": "ignores the seed (always random_state=0)",
        "cell": "ex2-three-way-split",
        "source": _split(seed="0"),
        "loses": ["ex2-tests"],
    },
    {
        "name": "dropout argument ignored",
        "cell": "ex3-overfitting-gap",
        "source": _GAP.replace("DROPOUT", "0.0").replace("TUNE_X", "X_tune"),
        "loses": ["ex3-tests"],
    },
    {
        "name": "tuning loss computed on the training data",
        "cell": "ex3-overfitting-gap",
        "source": _GAP.replace("DROPOUT", "dropout").replace(
            "log_loss(y_tune, predict_proba(model, TUNE_X), labels=[0, 1])",
            "log_loss(y_train, predict_proba(model, X_train), labels=[0, 1])"),
        "loses": ["ex3-tests"],
    },
    {
        "name": "never seeds: seed argument ignored, runs not repeatable",
        "cell": "ex3-overfitting-gap",
        "source": _GAP.replace("DROPOUT", "dropout").replace("TUNE_X", "X_tune").replace(
            "    seed_everything(seed)\n", ""),
        "loses": ["ex3-tests"],
    },
    {
        "name": "always seeds with 0 whatever the seed argument",
        "cell": "ex3-overfitting-gap",
        "source": _GAP.replace("DROPOUT", "dropout").replace("TUNE_X", "X_tune").replace(
            "seed_everything(seed)", "seed_everything(0)"),
        "loses": ["ex3-tests"],
    },
    {
        "name": "fit with its default number of epochs (max_epochs=EPOCHS left out)",
        "cell": "ex3-overfitting-gap",
        "source": _GAP.replace("DROPOUT", "dropout").replace("TUNE_X", "X_tune").replace("max_epochs=EPOCHS, ", ""),
        "loses": ["ex3-tests"],
    },
    {
        "name": "losses read from the training history (dropout on, last epoch instead of the restored best)",
        "cell": "ex3-overfitting-gap",
        "source": _GAP.replace("DROPOUT", "dropout").replace("    fit(model,", "    history = fit(model,")
                      .replace("log_loss(y_train, predict_proba(model, X_train), labels=[0, 1])", "history.train_loss[-1]")
                      .replace("log_loss(y_tune, predict_proba(model, TUNE_X), labels=[0, 1])", "history.tune_loss[-1]"),
        "loses": ["ex3-tests"],
    },
    {
        "name": "p-value without the +1 (can be 0)",
        "cell": "ex4-shuffle-control",
        "source": _SHUFFLE.replace("RNG", "np.random.default_rng(seed)").replace(
            "PVALUE", "np.sum(null_scores >= score) / n_permutations"),
        "loses": ["ex4-tests"],
    },
    {
        "name": "ignored seed: an unseeded generator for the shuffles",
        "cell": "ex4-shuffle-control",
        "source": _SHUFFLE.replace("RNG", "np.random.default_rng()").replace(
            "PVALUE", "(1 + np.sum(null_scores >= score)) / (1 + n_permutations)"),
        "loses": ["ex4-tests"],
    },
    {
        "name": "generator fixed at seed 0 whatever the seed argument",
        "cell": "ex4-shuffle-control",
        "source": _SHUFFLE.replace("RNG", "np.random.default_rng(0)").replace(
            "PVALUE", "(1 + np.sum(null_scores >= score)) / (1 + n_permutations)"),
        "loses": ["ex4-tests"],
    },
    {
        "name": "one permutation reused for every shuffle",
        "cell": "ex4-shuffle-control",
        "source": _SHUFFLE.replace("RNG", "np.random.default_rng(seed)").replace(
            "PVALUE", "(1 + np.sum(null_scores >= score)) / (1 + n_permutations)").replace(
            "    score = cross_val_score", "    y_shuffled = rng.permutation(y)\n    score = cross_val_score").replace(
            "rng.permutation(y), cv=cv", "y_shuffled, cv=cv"),
        "loses": ["ex4-tests"],
    },
    {
        "name": "genes selected on all samples in both versions (preprocessing fitted on all data)",
        "cell": "ex5-selection-leak",
        "source": "def selection_cv_auroc(X, y, k, *, inside, cv):" + _SELECT_LEAKY,
        "loses": ["ex5-tests"],
    },
    {
        "name": "selection inside the folds in both versions",
        "cell": "ex5-selection-leak",
        "source": "def selection_cv_auroc(X, y, k, *, inside, cv):" + _SELECT_HONEST,
        "loses": ["ex5-tests"],
    },
    {
        "name": "default threshold 0.5",
        "cell": "ex6-screening",
        "source": _PLAN.replace("THRESHOLD", "0.5").replace("PPV", _PPV_OK),
        "loses": ["ex6-tests"],
    },
    {
        "name": "PPV of the development data quoted for the screened population",
        "cell": "ex6-screening",
        "source": _PLAN.replace("THRESHOLD", _T_MARGIN).replace("PPV", "np.mean(y_dev[scores >= threshold])"),
        "loses": ["ex6-tests"],
    },
    {
        "name": "flags everyone to be sure of the recall",
        "cell": "ex6-screening",
        "source": _PLAN.replace("THRESHOLD", "0.0").replace("PPV", _PPV_OK),
        "loses": ["ex6-tests"],
    },
    {
        "name": "no margin: the threshold reaches exactly the target recall on the development positives",
        "cell": "ex6-screening",
        "source": _PLAN.replace("THRESHOLD", _T_NO_MARGIN).replace("PPV", _PPV_OK),
        "loses": ["ex6-tests"],
    },
    {
        "name": "1.0-SE margin on the aim (a risk of about 1 in 6, not 1 in 20)",
        "cell": "ex6-screening",
        "source": _PLAN.replace("THRESHOLD", _T_MARGIN.replace("1.645", "1.0")).replace("PPV", _PPV_OK),
        "loses": ["ex6-tests"],
    },
    {
        "name": "fixed +0.02 on the aim whatever the number of development positives",
        "cell": "ex6-screening",
        "source": _PLAN.replace("THRESHOLD", "positives[int(np.ceil(min(1.0, target_recall + 0.02) * len(positives))) - 1]")
                       .replace("PPV", _PPV_OK),
        "loses": ["ex6-tests"],
    },
    {
        "name": "PPV by Bayes' rule with the recall left out",
        "cell": "ex6-screening",
        "source": _PLAN.replace("THRESHOLD", _T_MARGIN).replace(
            "PPV", "prevalence / (prevalence + false_positive_rate * (1 - prevalence))"),
        "loses": ["ex6-tests"],
    },
    {
        "name": "threshold and PPV hard-coded from the visible development data",
        "cell": "ex6-screening",
        "source": _PLAN.replace("THRESHOLD", "0.152").replace("PPV", "0.080"),
        "loses": ["ex6-tests"],
    },
    {
        "name": "recall counted over all samples instead of the positives",
        "cell": "ex6-screening",
        "source": _PLAN.replace("THRESHOLD", "np.sort(scores)[::-1][int(np.ceil(target_recall * len(scores))) - 1]")
                       .replace("PPV", _PPV_OK),
        "loses": ["ex6-tests"],
    },
    {
        "name": "grouped split that ignores the clusters",
        "cell": "ex7-homology-split",
        "source": _COMPARE.replace("GROUPED", "cross_val_score(knn, X, y, cv=GroupKFold(5), groups=np.arange(len(y))).mean()")
                          .replace("N_CLUSTERS", "int(len(np.unique(clusters)))"),
        "loses": ["ex7-tests"],
    },
    {
        "name": "number of clusters hard-coded from the visible example",
        "cell": "ex7-homology-split",
        "source": _COMPARE.replace("GROUPED", "cross_val_score(knn, X, y, cv=GroupKFold(5), groups=clusters).mean()")
                          .replace("N_CLUSTERS", "100 if threshold < 0.5 else 1000"),
        "loses": ["ex7-tests"],
    },
    {
        "name": "clusters at a fixed family-level identity (0.3) whatever the threshold asked for",
        "cell": "ex7-homology-split",
        "source": _COMPARE.replace("identity_clusters(identity, threshold)", "identity_clusters(identity, 0.3)")
                          .replace("GROUPED", "cross_val_score(knn, X, y, cv=GroupKFold(5), groups=clusters).mean()")
                          .replace("N_CLUSTERS", "int(len(np.unique(clusters)))"),
        "loses": ["ex7-tests"],
    },
]
