"""Plausible wrong answers for tip06-hyperparameters; each must lose points (see README.md here)."""

_RANDOM_OK = '''
        for name, dist in space.items():
            if isinstance(dist, CategoricalDistribution):
                config[name] = dist.choices[rng.integers(len(dist.choices))]
            elif dist.log:
                config[name] = float(np.exp(rng.uniform(np.log(dist.low), np.log(dist.high))))
            else:
                config[name] = float(rng.uniform(dist.low, dist.high))
'''

def _random(body):
    return ("def random_configs(n, rng, space=SEARCH_SPACE):\n    configs = []\n    for _ in range(n):\n"
            "        config = {}\n" + body + "        configs.append(config)\n    return configs\n")


_CV_OK = '''
def cv_objective(trial, X, y, n_splits=3, seed=0):
    setting = suggest_network_params(trial)
    scores = []
    folds = StratifiedKFold(n_splits, shuffle=True, random_state=seed).split(X, y)
    for step, (train, val) in enumerate(folds):
        scores.append(holdout_score(setting, X[train], y[train], X[val], y[val], device=DEVICE))
        REPORT
        if trial.should_prune():
            raise optuna.TrialPruned()
    return float(np.mean(scores))
'''

_NESTED = '''
def nested_cv(X, y, configs, outer_splits=3, inner_splits=3, seed=0):
    inner_best, outer, chosen = [], [], []
    for train, test in StratifiedKFold(outer_splits, shuffle=True, random_state=seed).split(X, y):
        X_out, y_out = X[train], y[train]
        INNER
        k = int(np.argmax(means))
        best = float(means[k])
        inner_best.append(float(best))
        chosen.append(configs[k])
        outer.append(holdout_score(configs[k], X[train], y[train], X[test], y[test], device=DEVICE))
    inner_best, outer = np.array(inner_best), np.array(outer)
    return {"inner_best": inner_best, "outer": outer, "chosen": chosen,
            "optimism": float(inner_best.mean() - outer.mean())}
'''

WRONG_ANSWERS = [
    {
        "name": "categorical values turned into floats (width 64.0)",
        "cell": "ex1-sampling",
        "source": _random('''
        for name, dist in space.items():
            if isinstance(dist, CategoricalDistribution):
                config[name] = float(dist.choices[rng.integers(len(dist.choices))])
            elif dist.log:
                config[name] = float(np.exp(rng.uniform(np.log(dist.low), np.log(dist.high))))
            else:
                config[name] = float(rng.uniform(dist.low, dist.high))
'''),
        "loses": ["ex1-tests"],
    },
    {
        "name": "learning rate drawn on a linear scale",
        "cell": "ex1-sampling",
        "source": _random('''
        for name, dist in space.items():
            if isinstance(dist, CategoricalDistribution):
                config[name] = dist.choices[rng.integers(len(dist.choices))]
            else:
                config[name] = float(rng.uniform(dist.low, dist.high))
'''),
        "loses": ["ex1-tests"],
    },
    {
        "name": "ignores the generator it is given (an unseeded one of its own)",
        "cell": "ex1-sampling",
        "source": _random("        rng = np.random.default_rng()\n" + _RANDOM_OK),
        "loses": ["ex1-tests"],
    },
    {
        "name": "categorical value drawn with rng.choice (a NumPy integer, not the choice itself)",
        "cell": "ex1-sampling",
        "source": _random(_RANDOM_OK.replace("dist.choices[rng.integers(len(dist.choices))]",
                                             "rng.choice(dist.choices)")),
        "loses": ["ex1-tests"],
    },
    {
        "name": "settings scored on the training data instead of the validation data",
        "cell": "ex2-search",
        "source": '''
def run_search(configs, X_train, y_train, X_val, y_val):
    scores = np.array([holdout_score(c, X_train, y_train, X_train, y_train, device=DEVICE) for c in configs])
    best = int(np.argmax(scores))
    return {"scores": scores, "best_score": float(scores[best]), "best_params": configs[best],
            "distinct": {name: len({c[name] for c in configs}) for name in configs[0]}}
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "distinct values hard-coded from the visible example",
        "cell": "ex2-search",
        "source": '''
def run_search(configs, X_train, y_train, X_val, y_val):
    scores = np.array([holdout_score(c, X_train, y_train, X_val, y_val, device=DEVICE) for c in configs])
    best = int(np.argmax(scores))
    return {"scores": scores, "best_score": float(scores[best]), "best_params": configs[best],
            "distinct": {"lr": 3, "dropout": 3} if len(configs) == 9 and configs[0]["lr"] == 1e-4
                        else {"lr": 9, "dropout": 9}}
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "per-fold score reported to the pruner instead of the running mean",
        "cell": "ex3-optuna",
        "source": _CV_OK.replace("REPORT", "trial.report(float(scores[-1]), step)"),
        "loses": ["ex3-tests"],
    },
    {
        "name": "folds not shuffled with the seed",
        "cell": "ex3-optuna",
        "source": _CV_OK.replace("REPORT", "trial.report(float(np.mean(scores)), step)").replace(
            "StratifiedKFold(n_splits, shuffle=True, random_state=seed)", "StratifiedKFold(n_splits)"),
        "loses": ["ex3-tests"],
    },
    {
        "name": "no pruning: never asks the pruner",
        "cell": "ex3-optuna",
        "source": _CV_OK.replace("REPORT", "trial.report(float(np.mean(scores)), step)").replace(
            "if trial.should_prune():\n            raise optuna.TrialPruned()", "pass"),
        "loses": ["ex3-tests"],
    },
    {
        "name": "a pruned trial returns its current mean instead of raising TrialPruned",
        "cell": "ex3-optuna",
        "source": _CV_OK.replace("REPORT", "trial.report(float(np.mean(scores)), step)").replace(
            "raise optuna.TrialPruned()", "return float(np.mean(scores))"),
        "loses": ["ex3-tests"],
    },
    {
        "name": "the outer test fold used to choose the setting",
        "cell": "ex4-nested",
        "source": _NESTED.replace("INNER", '''means = [holdout_score(c, X_out, y_out, X[test], y[test], device=DEVICE) for c in configs]'''),
        "loses": ["ex4-tests"],
    },
    {
        "name": "inner folds split the whole data set, outer test fold included",
        "cell": "ex4-nested",
        "source": _NESTED.replace("INNER", '''inner = list(StratifiedKFold(inner_splits, shuffle=True, random_state=seed).split(X, y))
        means = [np.mean([holdout_score(c, X[a], y[a], X[b], y[b], device=DEVICE) for a, b in inner]) for c in configs]'''),
        "loses": ["ex4-tests"],
    },
    {
        "name": "no inner split: each setting scored on the outer training data it was trained on",
        "cell": "ex4-nested",
        "source": _NESTED.replace("INNER", '''means = [holdout_score(c, X_out, y_out, X_out, y_out, device=DEVICE) for c in configs]'''),
        "loses": ["ex4-tests"],
    },
    {
        "name": "no search: the default setting for the new pipeline",
        "cell": "ex5-decision",
        "source": '''
def choose_setting(X, y, score, seed):
    return {"lr": 0.1, "weight_decay": 0.0, "width": 64, "dropout": 0.0}
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "reuses the setting tuned for the mini-batch pipeline",
        "cell": "ex5-decision",
        "source": '''
def choose_setting(X, y, score, seed):
    return dict(tpe_study.best_params)
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "a 3-value log grid over the learning rate",
        "cell": "ex5-decision",
        "source": '''
def choose_setting(X, y, score, seed):
    from sklearn.model_selection import train_test_split
    X_fit, X_check, y_fit, y_check = train_test_split(X, y, test_size=1 / 3, stratify=y, random_state=seed)
    results = {float(lr): score({"lr": float(lr)}, X_fit, y_fit, X_check, y_check) for lr in np.geomspace(1e-4, 10, 3)}
    return {"lr": max(results, key=results.get)}
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "ignores the budget (a 40-setting random search)",
        "cell": "ex5-decision",
        "source": '''
def choose_setting(X, y, score, seed):
    from sklearn.model_selection import train_test_split
    X_fit, X_check, y_fit, y_check = train_test_split(X, y, test_size=1 / 3, stratify=y, random_state=seed)
    rng = np.random.default_rng(seed)
    results = {}
    for _ in range(40):
        lr = float(10 ** rng.uniform(-4, 1))
        results[lr] = score({"lr": lr}, X_fit, y_fit, X_check, y_check)
    return {"lr": max(results, key=results.get)}
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "hard-coded learning rate (no training at all)",
        "cell": "ex5-decision",
        "source": '''
def choose_setting(X, y, score, seed):
    return {"lr": 1.0}
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "resubstitution: settings scored on the data they were trained on",
        "cell": "ex5-decision",
        "source": '''
def choose_setting(X, y, score, seed):
    tried = {}
    for lr in np.geomspace(1e-3, 10, 9):
        tried[float(lr)] = score({"lr": float(lr)}, X, y, X, y)
    centre = max(tried, key=tried.get)
    for lr in centre * np.geomspace(0.5, 2.0, 5):
        if float(lr) not in tried and len(tried) < 15:
            tried[float(lr)] = score({"lr": float(lr)}, X, y, X, y)
    return {"lr": max(tried, key=tried.get)}
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "trains around the budget with holdout_score directly",
        "cell": "ex5-decision",
        "source": '''
def choose_setting(X, y, score, seed):
    from sklearn.model_selection import train_test_split
    X_fit, X_check, y_fit, y_check = train_test_split(X, y, test_size=1 / 3, stratify=y, random_state=seed)
    tried = {float(lr): holdout_score({"lr": float(lr)}, X_fit, y_fit, X_check, y_check, batch_size=len(y_fit),
                                      device=DEVICE) for lr in np.geomspace(1e-3, 10, 30)}
    return {"lr": max(tried, key=tried.get)}
''',
        "loses": ["ex5-tests"],
    },
]
