"""Plausible wrong answers for tip02-baselines; each must lose points (CURRICULUM.md section 6.4)."""

WRONG_ANSWERS = [
    {
        "name": 'naive Bayes without a scaler although var_smoothing will be tuned',
        "cell": 'ex1-baselines',
        "source": '''def make_baselines():
    return {
        "logistic regression": make_pipeline(SelectKBest(k="all"), StandardScaler(), LogisticRegression()),
        "random forest": make_pipeline(SelectKBest(k="all"), RandomForestClassifier(random_state=0)),
        "kNN": make_pipeline(SelectKBest(k="all"), StandardScaler(), KNeighborsClassifier()),
        "naive Bayes": make_pipeline(SelectKBest(k="all"), GaussianNB()),
        "SVM": make_pipeline(SelectKBest(k="all"), StandardScaler(), SVC()),
    }
''',
        "loses": ['ex1-tests'],
    },
    {
        "name": 'one shared dictionary of pipelines, fitted in place and reused',
        "cell": 'ex1-baselines',
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
        "loses": ['ex1-tests'],
    },
    {
        "name": "a different random_state for each model's search",
        "cell": 'ex2-tune-all',
        "source": '''def tune_all(models, spaces, X, y, *, cv, n_iter, scoring="roc_auc", random_state=0):
    searches = {}
    for i, (name, model) in enumerate(models.items()):
        search = RandomizedSearchCV(model, spaces[name], n_iter=n_iter, cv=cv, scoring=scoring,
                                    random_state=random_state + i)
        searches[name] = search.fit(X, y)
    return searches
''',
        "loses": ['ex2-tests'],
    },
    {
        "name": 'ignored seed: random_state hard-coded to the visible value',
        "cell": 'ex2-tune-all',
        "source": '''def tune_all(models, spaces, X, y, *, cv, n_iter, scoring="roc_auc", random_state=0):
    return {name: RandomizedSearchCV(model, spaces[name], n_iter=n_iter, cv=cv, scoring=scoring,
                                     random_state=0).fit(X, y)
            for name, model in models.items()}
''',
        "loses": ['ex2-tests'],
    },
    {
        "name": "the search's default budget instead of n_iter",
        "cell": 'ex2-tune-all',
        "source": '''def tune_all(models, spaces, X, y, *, cv, n_iter, scoring="roc_auc", random_state=0):
    return {name: RandomizedSearchCV(model, spaces[name], cv=cv, scoring=scoring,
                                     random_state=random_state).fit(X, y)
            for name, model in models.items()}
''',
        "loses": ['ex2-tests'],
    },
    {
        "name": 'the highest best_score_, as the searches reported it (unequal searches compared as if equal)',
        "cell": 'ex3-choose',
        "source": '''final_test = LockedTestSet(X_test, y_test, name="test cohort")  # the locked test cohort: one evaluation


def choose_model(candidates, X, y):
    return max(candidates, key=lambda name: candidates[name].best_score_)


chosen = choose_model(candidates, X_train, y_train)
reported_auroc = final_test.evaluate(candidates[chosen], metric=roc_auc_score, note=chosen)
''',
        "loses": ['ex3-tests'],
    },
    {
        "name": "the searches' own scores, after dropping the largest search",
        "cell": 'ex3-choose',
        "source": '''final_test = LockedTestSet(X_test, y_test, name="test cohort")  # the locked test cohort: one evaluation


def choose_model(candidates, X, y):
    largest = max(candidates, key=lambda name: len(candidates[name].cv_results_["params"]))
    return max((name for name in candidates if name != largest), key=lambda name: candidates[name].best_score_)


chosen = choose_model(candidates, X_train, y_train)
reported_auroc = final_test.evaluate(candidates[chosen], metric=roc_auc_score, note=chosen)
''',
        "loses": ['ex3-tests'],
    },
    {
        "name": 'only the searches scored with the AUROC, by their best_score_',
        "cell": 'ex3-choose',
        "source": '''final_test = LockedTestSet(X_test, y_test, name="test cohort")  # the locked test cohort: one evaluation


def choose_model(candidates, X, y):
    auroc = [name for name in candidates if candidates[name].scoring == "roc_auc"]
    return max(auroc, key=lambda name: candidates[name].best_score_)


chosen = choose_model(candidates, X_train, y_train)
reported_auroc = final_test.evaluate(candidates[chosen], metric=roc_auc_score, note=chosen)
''',
        "loses": ['ex3-tests'],
    },
    {
        "name": "re-scored with the AUROC, but on each search's own splitter (the lucky split again)",
        "cell": 'ex3-choose',
        "source": '''final_test = LockedTestSet(X_test, y_test, name="test cohort")  # the locked test cohort: one evaluation


def choose_model(candidates, X, y):
    scores = {name: cross_val_score(clone(search.best_estimator_), X, y, cv=search.cv, scoring="roc_auc").mean()
              for name, search in candidates.items()}
    return max(scores, key=scores.get)


chosen = choose_model(candidates, X_train, y_train)
reported_auroc = final_test.evaluate(candidates[chosen], metric=roc_auc_score, note=chosen)
''',
        "loses": ['ex3-tests'],
    },
    {
        "name": "re-estimated on new folds, but each with its own search's score (log loss against AUROC)",
        "cell": 'ex3-choose',
        "source": '''final_test = LockedTestSet(X_test, y_test, name="test cohort")  # the locked test cohort: one evaluation


def choose_model(candidates, X, y):
    fresh = StratifiedKFold(n_splits=5, shuffle=True, random_state=1)
    scores = {name: cross_val_score(clone(search.best_estimator_), X, y, cv=fresh, scoring=search.scoring).mean()
              for name, search in candidates.items()}
    return max(scores, key=scores.get)


chosen = choose_model(candidates, X_train, y_train)
reported_auroc = final_test.evaluate(candidates[chosen], metric=roc_auc_score, note=chosen)
''',
        "loses": ['ex3-tests'],
    },
    {
        "name": 'the comparison cohort used to choose',
        "cell": 'ex3-choose',
        "source": '''final_test = LockedTestSet(X_test, y_test, name="test cohort")  # the locked test cohort: one evaluation


def choose_model(candidates, X, y):
    compare_scores = {name: get_scorer("roc_auc")(search.best_estimator_, X_compare, y_compare)
                      for name, search in candidates.items()}
    return max(compare_scores, key=compare_scores.get)


chosen = choose_model(candidates, X_train, y_train)
reported_auroc = final_test.evaluate(candidates[chosen], metric=roc_auc_score, note=chosen)
''',
        "loses": ['ex3-tests'],
    },
    {
        "name": 'the test set used to choose the model to report',
        "cell": 'ex3-choose',
        "source": '''final_test = LockedTestSet(X_test, y_test, name="test cohort")  # the locked test cohort: one evaluation


def choose_model(candidates, X, y):
    test_scores = {name: get_scorer("roc_auc")(search.best_estimator_, X_test, y_test)
                   for name, search in candidates.items()}
    return max(test_scores, key=test_scores.get)


chosen = choose_model(candidates, X_train, y_train)
reported_auroc = final_test.evaluate(candidates[chosen], metric=roc_auc_score, note=chosen)
''',
        "loses": ['ex3-tests'],
    },
    {
        "name": 'every candidate evaluated on the locked test cohort, then the best one reported',
        "cell": 'ex3-choose',
        "source": '''final_test = LockedTestSet(X_test, y_test, name="test cohort")  # the locked test cohort: one evaluation


def choose_model(candidates, X, y):
    results = {name: final_test.evaluate(search, metric=roc_auc_score) for name, search in candidates.items()}
    return max(results, key=results.get)


chosen = choose_model(candidates, X_train, y_train)
reported_auroc = final_test.log[-1]["result"]
''',
        "loses": ['ex3-tests'],
    },
    {
        "name": 'the model chosen from the default-settings table, before tuning',
        "cell": 'ex3-choose',
        "source": '''final_test = LockedTestSet(X_test, y_test, name="test cohort")  # the locked test cohort: one evaluation


def choose_model(candidates, X, y):
    default_scores = {name: np.mean(default_cv[name]) for name in candidates if name in default_cv}
    return max(default_scores, key=default_scores.get)


chosen = choose_model(candidates, X_train, y_train)
reported_auroc = final_test.evaluate(candidates[chosen], metric=roc_auc_score, note=chosen)
''',
        "loses": ['ex3-tests'],
    },
    {
        "name": 'hard-coded name: the candidate that won on the visible study',
        "cell": 'ex3-choose',
        "source": '''final_test = LockedTestSet(X_test, y_test, name="test cohort")  # the locked test cohort: one evaluation


def choose_model(candidates, X, y):
    return "model 2"


chosen = choose_model(candidates, X_train, y_train)
reported_auroc = final_test.evaluate(candidates[chosen], metric=roc_auc_score, note=chosen)
''',
        "loses": ['ex3-tests'],
    },
    {
        "name": 'hard-coded by model type: the candidate whose pipeline ends in a logistic regression',
        "cell": 'ex3-choose',
        "source": '''final_test = LockedTestSet(X_test, y_test, name="test cohort")  # the locked test cohort: one evaluation


def choose_model(candidates, X, y):
    return next(name for name, search in candidates.items()
                if isinstance(search.best_estimator_[-1], LogisticRegression))


chosen = choose_model(candidates, X_train, y_train)
reported_auroc = final_test.evaluate(candidates[chosen], metric=roc_auc_score, note=chosen)
''',
        "loses": ['ex3-tests'],
    },
    {
        "name": 'hard-coded by model type: the candidate whose pipeline ends in an SVC',
        "cell": 'ex3-choose',
        "source": '''final_test = LockedTestSet(X_test, y_test, name="test cohort")  # the locked test cohort: one evaluation


def choose_model(candidates, X, y):
    return next(name for name, search in candidates.items() if isinstance(search.best_estimator_[-1], SVC))


chosen = choose_model(candidates, X_train, y_train)
reported_auroc = final_test.evaluate(candidates[chosen], metric=roc_auc_score, note=chosen)
''',
        "loses": ['ex3-tests'],
    },
]
