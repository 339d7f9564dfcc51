"""Plausible wrong answers for tip04-know-your-data; each must lose points (see README.md here)."""

_CARD_HEAD = '''
def dataset_card(generator, data):
    params = dict(data.params)
'''
_CARD_TAIL = '''    return {
        "source": f"{generator.__module__}.{generator.__name__}",
        "version": dlbio.__version__,
        "date": date.today().isoformat(),
        "n_records": int(data.X.shape[0]),
        "independent_units": int(units),
        "replicates": int(params.get("n_visits", 1)),
        "batches": int(params.get("n_batches", 1)),
        "seed": int(params["random_state"]),
        "params": params,
    }
'''

WRONG_ANSWERS = [
    {
        "name": "ignored seed: the folds always use random_state=0",
        "cell": "ex3-confounding",
        "source": '''
def confounding_check(model, X, y, batch, X_external, y_external, seed=0):
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    cv_auroc = cross_val_score(clone(model), X, y, cv=folds, scoring="roc_auc").mean()
    fitted = clone(model).fit(X, y)
    external_auroc = roc_auc_score(y_external, fitted.predict_proba(X_external)[:, 1])
    return {"batch_auroc": float(roc_auc_score(y, batch)), "cv_auroc": float(cv_auroc),
            "external_auroc": float(external_auroc)}
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "folds not shuffled",
        "cell": "ex3-confounding",
        "source": '''
def confounding_check(model, X, y, batch, X_external, y_external, seed=0):
    cv_auroc = cross_val_score(clone(model), X, y, cv=StratifiedKFold(5), scoring="roc_auc").mean()
    fitted = clone(model).fit(X, y)
    external_auroc = roc_auc_score(y_external, fitted.predict_proba(X_external)[:, 1])
    return {"batch_auroc": float(roc_auc_score(y, batch)), "cv_auroc": float(cv_auroc),
            "external_auroc": float(external_auroc)}
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "ignored seed in record-wise CV",
        "cell": "ex4-record-vs-subject",
        "source": '''
def record_vs_subject_cv(model, X, y, groups, n_splits=5, seed=0):
    record = cross_val_score(model, X, y, cv=KFold(n_splits, shuffle=True, random_state=0))
    subject = cross_val_score(model, X, y, cv=GroupKFold(n_splits), groups=groups)
    return {"record_wise": float(record.mean()), "subject_wise": float(subject.mean())}
''',
        "loses": ["ex4-tests"],
    },
    {
        "name": "subject-wise CV that ignores the groups (stratified records)",
        "cell": "ex4-record-vs-subject",
        "source": '''
def record_vs_subject_cv(model, X, y, groups, n_splits=5, seed=0):
    record = cross_val_score(model, X, y, cv=KFold(n_splits, shuffle=True, random_state=seed))
    subject = cross_val_score(model, X, y, cv=StratifiedKFold(n_splits, shuffle=True, random_state=seed))
    return {"record_wise": float(record.mean()), "subject_wise": float(subject.mean())}
''',
        "loses": ["ex4-tests"],
    },
    {
        "name": "design effect of the outcome taken from the markers' average ICC",
        "cell": "ex5-effective-n",
        "source": '''
def effective_sample_size(values, groups):
    # One ICC for the data set: the average over the markers.
    labels, index = np.unique(groups, return_inverse=True)
    k, n = len(labels), len(values)
    m = n / k
    iccs = []
    for j in range(rm.X.shape[1]):
        x = rm.X[:, j].astype(float)
        means = np.array([x[index == s].mean() for s in range(k)])
        msb = m * ((means - x.mean()) ** 2).sum() / (k - 1)
        msw = ((x - means[index]) ** 2).sum() / (n - k)
        iccs.append((msb - msw) / (msb + (m - 1) * msw))
    icc = float(np.mean(iccs))
    return {"icc": icc, "design_effect": 1 + (m - 1) * icc, "n_eff": n / (1 + (m - 1) * icc)}
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "naive ICC: variance of the patient means over the total variance",
        "cell": "ex5-effective-n",
        "source": '''
def effective_sample_size(values, groups):
    values = np.asarray(values, dtype=float)
    labels, index = np.unique(groups, return_inverse=True)
    m = len(values) / len(labels)
    means = np.array([values[index == s].mean() for s in range(len(labels))])
    icc = float(means.var() / values.var())
    return {"icc": icc, "design_effect": 1 + (m - 1) * icc, "n_eff": len(values) / (1 + (m - 1) * icc)}
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "design effect 1 + m * ICC",
        "cell": "ex5-effective-n",
        "source": '''
def effective_sample_size(values, groups):
    values = np.asarray(values, dtype=float)
    labels, index = np.unique(groups, return_inverse=True)
    k, n = len(labels), len(values)
    m = n / k
    means = np.array([values[index == s].mean() for s in range(k)])
    msb = m * ((means - values.mean()) ** 2).sum() / (k - 1)
    msw = ((values - means[index]) ** 2).sum() / (n - k)
    icc = float((msb - msw) / (msb + (m - 1) * msw))
    return {"icc": icc, "design_effect": 1 + m * icc, "n_eff": n / (1 + m * icc)}
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "new-patient accuracy from record-wise cross-validation",
        "cell": "ex6-new-patients",
        "source": '''
def new_patient_accuracy(model, X, y, sample_ids):
    return float(cross_val_score(clone(model), X, y, cv=StratifiedKFold(5, shuffle=True, random_state=0)).mean())
''',
        "loses": ["ex6-tests"],
    },
    {
        "name": "every record name used as its own group",
        "cell": "ex6-new-patients",
        "source": '''
def new_patient_accuracy(model, X, y, sample_ids):
    return float(cross_val_score(clone(model), X, y, cv=GroupKFold(5), groups=np.asarray(sample_ids)).mean())
''',
        "loses": ["ex6-tests"],
    },
    {
        "name": "accuracy on the training records",
        "cell": "ex6-new-patients",
        "source": '''
def new_patient_accuracy(model, X, y, sample_ids):
    return float(clone(model).fit(X, y).score(X, y))
''',
        "loses": ["ex6-tests"],
    },
    {
        "name": "constant: a typical accuracy returned for every study",
        "cell": "ex6-new-patients",
        "source": '''
def new_patient_accuracy(model, X, y, sample_ids):
    return 0.65
''',
        "loses": ["ex6-tests"],
    },
    {
        "name": "independent units = number of rows",
        "cell": "ex7-dataset-card",
        "source": _CARD_HEAD + '''    units = data.X.shape[0]
''' + _CARD_TAIL,
        "loses": ["ex7-tests"],
    },
    {
        "name": "independent units from data.groups for every data set (counts batches)",
        "cell": "ex7-dataset-card",
        "source": _CARD_HEAD + '''    units = len(np.unique(data.groups))
''' + _CARD_TAIL,
        "loses": ["ex7-tests"],
    },
    {
        "name": "transcribed visible example: hard-coded source and 40 patients",
        "cell": "ex7-dataset-card",
        "source": '''
def dataset_card(generator, data):
    params = dict(data.params)
    units = 40 if "n_visits" in params else 200
    return {"source": "dlbio.datasets.repeated.make_repeated_measures" if "n_visits" in params
            else "dlbio.datasets.batches.make_batch_expression",
            "version": dlbio.__version__, "date": date.today().isoformat(),
            "n_records": int(data.X.shape[0]), "independent_units": units,
            "replicates": int(params.get("n_visits", 1)), "batches": int(params.get("n_batches", 1)),
            "seed": int(params["random_state"]), "params": params}
''',
        "loses": ["ex7-tests"],
    },
]
