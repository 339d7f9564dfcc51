"""Plausible wrong answers for tip02-baselines; each must lose points (CURRICULUM.md section 6.4)."""

WRONG_ANSWERS = [
    {
        "name": "naive Bayes without a scaler although var_smoothing will be tuned",
        "cell": "ex1-baselines",
        "source": '''def make_baselines():
    return {
        "logistic regression": make_pipeline(SelectKBest(k="all"), StandardScaler(), LogisticRegression()),
        "random forest": make_pipeline(SelectKBest(k="all"), RandomForestClassifier(random_state=0)),
        "kNN": make_pipeline(SelectKBest(k="all"), StandardScaler(), KNeighborsClassifier()),
        "naive Bayes": make_pipeline(SelectKBest(k="all"), GaussianNB()),
        "SVM": make_pipeline(SelectKBest(k="all"), StandardScaler(), SVC()),
    }
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "one shared dictionary of pipelines, fitted in place and reused",
        "cell": "ex1-baselines",
        "source": '''_BASELINES = {
    "logistic regression": make_pipeline(SelectKBest(k="all"), StandardScaler(), LogisticRegression()),
    "random forest": make_pipeline(SelectKBest(k="all"), RandomForestClassifier(random_state=0)),
    "kNN": make_pipeline(SelectKBest(k="all"), StandardScaler(), KNeighborsClassifier()),
    "naive Bayes": make_pipeline(SelectKBest(k="all"), StandardScaler(), GaussianNB()),
    "SVM": make_pipeline(SelectKBest(k="all"), StandardScaler(), SVC()),
}


def make_baselines():
    return _BASELINES
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "cross-validation with the model's default score (accuracy) instead of the given scoring",
        "cell": "ex2-cross-validate",
        "source": '''def cross_validate_models(models, X, y, cv, scoring="roc_auc"):
    return {name: cross_val_score(model, X, y, cv=cv) for name, model in models.items()}
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "a different random_state for each model's search",
        "cell": "ex3-tune-all",
        "source": '''def tune_all(models, spaces, X, y, *, cv, n_iter, scoring="roc_auc", random_state=0):
    searches = {}
    for i, (name, model) in enumerate(models.items()):
        search = RandomizedSearchCV(model, spaces[name], n_iter=n_iter, cv=cv, scoring=scoring,
                                    random_state=random_state + i)
        searches[name] = search.fit(X, y)
    return searches
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "ignored seed: random_state hard-coded to the visible value",
        "cell": "ex3-tune-all",
        "source": '''def tune_all(models, spaces, X, y, *, cv, n_iter, scoring="roc_auc", random_state=0):
    return {name: RandomizedSearchCV(model, spaces[name], n_iter=n_iter, cv=cv, scoring=scoring,
                                     random_state=0).fit(X, y)
            for name, model in models.items()}
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "the search's default budget instead of n_iter",
        "cell": "ex3-tune-all",
        "source": '''def tune_all(models, spaces, X, y, *, cv, n_iter, scoring="roc_auc", random_state=0):
    return {name: RandomizedSearchCV(model, spaces[name], cv=cv, scoring=scoring,
                                     random_state=random_state).fit(X, y)
            for name, model in models.items()}
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "ordinary paired t-test on the ten differences instead of Dietterich's statistic",
        "cell": "ex4-five-by-two",
        "source": '''def five_by_two_cv(estimator_a, estimator_b, X, y, *, scoring="roc_auc", random_state=0):
    scorer = get_scorer(scoring)
    differences = np.zeros((5, 2))
    for i in range(5):
        halves = StratifiedKFold(n_splits=2, shuffle=True, random_state=random_state + i)
        for j, (train, held_out) in enumerate(halves.split(X, y)):
            model_a = clone(estimator_a).fit(X[train], y[train])
            model_b = clone(estimator_b).fit(X[train], y[train])
            differences[i, j] = (scorer(model_a, X[held_out], y[held_out])
                                 - scorer(model_b, X[held_out], y[held_out]))
    flat = differences.ravel()
    if flat.std(ddof=1) == 0:
        return {"t": 0.0, "p_value": 1.0, "differences": differences}
    t = flat.mean() / (flat.std(ddof=1) / np.sqrt(10))
    return {"t": float(t), "p_value": float(2 * stats.t.sf(abs(t), df=9)), "differences": differences}
''',
        "loses": ["ex4-tests"],
    },
    {
        "name": "the test set used to choose the model to report",
        "cell": "ex5-choose",
        "source": '''final_test = LockedTestSet(X_test, y_test, name="test cohort")  # the locked test cohort: one evaluation


def choose_model(candidates):
    test_scores = {name: search.score(X_test, y_test) for name, search in candidates.items()}
    return max(test_scores, key=test_scores.get)


chosen = choose_model(candidates)
reported_auroc = final_test.evaluate(candidates[chosen], metric=roc_auc_score, note=chosen)
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "every candidate evaluated on the locked test cohort, then the best one reported",
        "cell": "ex5-choose",
        "source": '''final_test = LockedTestSet(X_test, y_test, name="test cohort")  # the locked test cohort: one evaluation


def choose_model(candidates):
    results = {name: final_test.evaluate(search, metric=roc_auc_score) for name, search in candidates.items()}
    return max(results, key=results.get)


chosen = choose_model(candidates)
reported_auroc = final_test.log[-1]["result"]
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "the model chosen from the default-settings table, before tuning",
        "cell": "ex5-choose",
        "source": '''final_test = LockedTestSet(X_test, y_test, name="test cohort")  # the locked test cohort: one evaluation


def choose_model(candidates):
    default_scores = {name: np.mean(default_cv[name]) for name in candidates if name in default_cv}
    return max(default_scores, key=default_scores.get)


chosen = choose_model(candidates)
reported_auroc = final_test.evaluate(candidates[chosen], metric=roc_auc_score, note=chosen)
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "hard-coded name: always the SVM (the best on the visible study's test cohort)",
        "cell": "ex5-choose",
        "source": '''final_test = LockedTestSet(X_test, y_test, name="test cohort")  # the locked test cohort: one evaluation


def choose_model(candidates):
    return "SVM"


chosen = choose_model(candidates)
reported_auroc = final_test.evaluate(candidates[chosen], metric=roc_auc_score, note=chosen)
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "hard-coded name: always the logistic regression",
        "cell": "ex5-choose",
        "source": '''final_test = LockedTestSet(X_test, y_test, name="test cohort")  # the locked test cohort: one evaluation


def choose_model(candidates):
    return "logistic regression"


chosen = choose_model(candidates)
reported_auroc = final_test.evaluate(candidates[chosen], metric=roc_auc_score, note=chosen)
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "hard-coded name: always the network",
        "cell": "ex5-choose",
        "source": '''final_test = LockedTestSet(X_test, y_test, name="test cohort")  # the locked test cohort: one evaluation


def choose_model(candidates):
    return "network"


chosen = choose_model(candidates)
reported_auroc = final_test.evaluate(candidates[chosen], metric=roc_auc_score, note=chosen)
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "hard-coded by model type: the candidate whose pipeline ends in an SVC",
        "cell": "ex5-choose",
        "source": '''final_test = LockedTestSet(X_test, y_test, name="test cohort")  # the locked test cohort: one evaluation


def choose_model(candidates):
    return next(name for name, search in candidates.items() if isinstance(search.best_estimator_[-1], SVC))


chosen = choose_model(candidates)
reported_auroc = final_test.evaluate(candidates[chosen], metric=roc_auc_score, note=chosen)
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "hard-coded by model type: the candidate whose pipeline ends in a logistic regression",
        "cell": "ex5-choose",
        "source": '''final_test = LockedTestSet(X_test, y_test, name="test cohort")  # the locked test cohort: one evaluation


def choose_model(candidates):
    return next(name for name, search in candidates.items()
                if isinstance(search.best_estimator_[-1], LogisticRegression))


chosen = choose_model(candidates)
reported_auroc = final_test.evaluate(candidates[chosen], metric=roc_auc_score, note=chosen)
''',
        "loses": ["ex5-tests"],
    },
]
