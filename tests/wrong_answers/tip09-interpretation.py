"""Plausible wrong answers to lesson tip09-interpretation; each must lose points (CURRICULUM.md 6.4)."""

WRONG_ANSWERS = [
    {
        "name": "conditioning instead of intervening: compares asthmatics with the other patients",
        "cell": "ex1-flip-effect",
        "source": '''
def asthma_flip_effect(model, X):
    risk = model.predict_proba(X)[:, 1]
    asthma = X["asthma"].to_numpy() == 1
    return float(risk[asthma].mean() - risk[~asthma].mean())
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "probability of survival (column 0) instead of death",
        "cell": "ex1-flip-effect",
        "source": '''
def asthma_flip_effect(model, X):
    return float(np.mean(model.predict_proba(X.assign(asthma=1))[:, 0]
                         - model.predict_proba(X.assign(asthma=0))[:, 0]))
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "stump leaves summed without the learning rate",
        "cell": "ex2-stump-effect",
        "source": '''
def stump_effect(model, feature_names, feature):
    index = list(feature_names).index(feature)
    total = 0.0
    for tree in model.estimators_[:, 0]:
        t = tree.tree_
        if t.feature[0] == index:
            total += t.value[t.children_right[0], 0, 0] - t.value[t.children_left[0], 0, 0]
    return float(total)
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "probing the model only on the lesson's own test records (breaks on other columns)",
        "cell": "ex2-stump-effect",
        "source": '''
def stump_effect(model, feature_names, feature):
    shift = model.decision_function(X_test.assign(**{feature: 1})) - model.decision_function(X_test.assign(**{feature: 0}))
    return float(shift.mean())
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "denies care to every low-risk patient, not only asthmatics",
        "cell": "ex3-harm",
        "source": '''
def harm_of_policy(predicted_risk, records, hidden, fraction=0.3):
    predicted_risk = np.asarray(predicted_risk, dtype=float)
    denied = predicted_risk <= np.quantile(predicted_risk, fraction)
    return {"n_denied_care": int(denied.sum()),
            "deaths_today": float(hidden["risk"].to_numpy()[denied].sum()),
            "deaths_under_policy": float(hidden["risk_untreated"].to_numpy()[denied].sum())}
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "wrong counterfactual: treats every denied patient as treated today (risk_treated vs risk_untreated)",
        "cell": "ex3-harm",
        "source": '''
def harm_of_policy(predicted_risk, records, hidden, fraction=0.3):
    predicted_risk = np.asarray(predicted_risk, dtype=float)
    denied = (predicted_risk <= np.quantile(predicted_risk, fraction)) & (records["asthma"].to_numpy() == 1)
    return {"n_denied_care": int(denied.sum()),
            "deaths_today": float(hidden["risk_treated"].to_numpy()[denied].sum()),
            "deaths_under_policy": float(hidden["risk_untreated"].to_numpy()[denied].sum())}
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "wrong counterfactual: today's deaths taken from the model's predicted risk",
        "cell": "ex3-harm",
        "source": '''
def harm_of_policy(predicted_risk, records, hidden, fraction=0.3):
    predicted_risk = np.asarray(predicted_risk, dtype=float)
    denied = (predicted_risk <= np.quantile(predicted_risk, fraction)) & (records["asthma"].to_numpy() == 1)
    return {"n_denied_care": int(denied.sum()),
            "deaths_today": float(predicted_risk[denied].sum()),
            "deaths_under_policy": float(hidden["risk_untreated"].to_numpy()[denied].sum())}
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "ignores fraction (always the lowest 30%)",
        "cell": "ex3-harm",
        "source": '''
def harm_of_policy(predicted_risk, records, hidden, fraction=0.3):
    predicted_risk = np.asarray(predicted_risk, dtype=float)
    denied = (predicted_risk <= np.quantile(predicted_risk, 0.3)) & (records["asthma"].to_numpy() == 1)
    return {"n_denied_care": int(denied.sum()),
            "deaths_today": float(hidden["risk"].to_numpy()[denied].sum()),
            "deaths_under_policy": float(hidden["risk_untreated"].to_numpy()[denied].sum())}
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "ignores the seed (always the lesson's cohort 15)",
        "cell": "ex4-adjustment",
        "source": '''
def asthma_estimates(seed, n_patients=8000):
    plain = make_clinical(n_patients, random_state=15)
    with_care = make_clinical(n_patients, include_treatment=True, random_state=15)
    naive = logistic_summary(plain.X, plain.y)["coef"]
    adjusted = logistic_summary(with_care.X, with_care.y)["coef"]
    return {"naive": float(naive["asthma"]), "adjusted": float(adjusted["asthma"]),
            "care": float(adjusted["aggressive_care"]), "true": 0.7}
''',
        "loses": ["ex4-tests"],
    },
    {
        "name": "penalised fits (scikit-learn's default LogisticRegression) instead of unpenalised ones",
        "cell": "ex4-adjustment",
        "source": '''
def asthma_estimates(seed, n_patients=8000):
    plain = make_clinical(n_patients, random_state=seed)
    with_care = make_clinical(n_patients, include_treatment=True, random_state=seed)
    naive = LogisticRegression(max_iter=10000).fit(plain.X, plain.y)
    adjusted = LogisticRegression(max_iter=10000).fit(with_care.X, with_care.y)
    columns = list(with_care.X.columns)
    return {"naive": float(naive.coef_[0][list(plain.X.columns).index("asthma")]),
            "adjusted": float(adjusted.coef_[0][columns.index("asthma")]),
            "care": float(adjusted.coef_[0][columns.index("aggressive_care")]),
            "true": float(plain.truth.coef["asthma"])}
''',
        "loses": ["ex4-tests"],
    },
    {
        "name": "hard-coded visible answer",
        "cell": "ex4-adjustment",
        "source": '''
def asthma_estimates(seed, n_patients=8000):
    return {"naive": float(logistic_summary(X, y).loc["asthma", "coef"]), "adjusted": 0.6, "care": -1.88, "true": 0.7}
''',
        "loses": ["ex4-tests"],
    },
    {
        "name": "withdraws care from the lowest predicted risk of a model without the care (the total-effect model)",
        "cell": "ex5-withdraw",
        "source": '''
def choose_withdrawals(records, outcomes, candidates, n):
    model = LogisticRegression(C=np.inf, solver="newton-cholesky").fit(records.drop(columns="aggressive_care"), outcomes)
    risk = model.predict_proba(candidates.drop(columns="aggressive_care"))[:, 1]
    return np.argsort(risk)[:n]
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "spares the asthmatics by rule and otherwise picks at random",
        "cell": "ex5-withdraw",
        "source": '''
def choose_withdrawals(records, outcomes, candidates, n):
    rng = np.random.default_rng(0)
    pool = np.flatnonzero(candidates["asthma"].to_numpy() == 0)
    return rng.choice(pool, size=n, replace=False)
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "returns the candidates' patient labels (candidates.index) instead of positions",
        "cell": "ex5-withdraw",
        "source": '''
def choose_withdrawals(records, outcomes, candidates, n):
    model = LogisticRegression(C=np.inf, solver="newton-cholesky").fit(records, outcomes)
    gain = (model.predict_proba(candidates.assign(aggressive_care=0))[:, 1]
            - model.predict_proba(candidates.assign(aggressive_care=1))[:, 1])
    return candidates.index.to_numpy()[np.argsort(gain)[:n]]
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "withdraws care from the patients the model expects to die (largest risk)",
        "cell": "ex5-withdraw",
        "source": '''
def choose_withdrawals(records, outcomes, candidates, n):
    model = LogisticRegression(C=np.inf, solver="newton-cholesky").fit(records, outcomes)
    return np.argsort(-model.predict_proba(candidates)[:, 1])[:n]
''',
        "loses": ["ex5-tests"],
    },
]
