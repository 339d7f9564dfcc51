"""Plausible wrong answers for tip04-know-your-data; each must lose points (see README.md here)."""

_CARD_HEAD = '''
def dataset_card(generator, data):
    params = dict(data.params)
'''
_CARD_TAIL = '''    return {
        "source": f"{generator.__module__}.{generator.__name__}",
        "n_records": int(data.X.shape[0]),
        "independent_units": int(units),
        "replicates": int(params.get("n_visits", 1)),
        "batches": int(params.get("n_batches", 1)),
        "params": params,
    }
'''
_CARD_UNITS = '''    if "n_subjects" in params:
        units = len(np.unique(data.groups))
    else:
        units = int((~pd.DataFrame(data.X).duplicated(keep="first")).sum())
'''

_CONF_HEAD = '''
def confounding_check(model, X, y, batch, X_external, y_external, seed=0):
    from sklearn.base import clone
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold
'''
_CV = '''    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    cv_auroc = cross_val_score(clone(model), X, y, cv=folds, scoring="roc_auc").mean()
'''
_EXTERNAL = '''    fitted = clone(model).fit(X, y)
    external_auroc = roc_auc_score(y_external, fitted.predict_proba(X_external)[:, 1])
'''
_VERDICT = '''    n_pos = int(np.sum(y_external))
    n_neg = len(y_external) - n_pos
    disease_signal = external_auroc > 0.5 + 1.96 * np.sqrt((n_pos + n_neg + 1) / (12 * n_pos * n_neg))
'''
_CONF_RETURN = '''    return {"batch_auroc": float(roc_auc_score(y, batch)), "cv_auroc": float(cv_auroc),
            "external_auroc": float(external_auroc), "disease_signal": bool(disease_signal)}
'''

WRONG_ANSWERS = [
    {
        "name": "ignored seed: the folds always use random_state=0",
        "cell": "ex1-confounding",
        "source": _CONF_HEAD + '''    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    cv_auroc = cross_val_score(clone(model), X, y, cv=folds, scoring="roc_auc").mean()
''' + _EXTERNAL + _VERDICT + _CONF_RETURN,
        "loses": ["ex1-tests"],
    },
    {
        "name": "resubstitution: the model scored on the data it was fitted on, with a seeded shuffle",
        "cell": "ex1-confounding",
        "source": _CONF_HEAD + '''    order = np.random.default_rng(seed).permutation(len(y))
    fitted_all = clone(model).fit(X[order], y[order])
    cv_auroc = roc_auc_score(y, fitted_all.predict_proba(X)[:, 1])
''' + _EXTERNAL + _VERDICT + _CONF_RETURN,
        "loses": ["ex1-tests"],
    },
    {
        "name": "hard labels instead of probabilities on the external batch",
        "cell": "ex1-confounding",
        "source": _CONF_HEAD + _CV + '''    fitted = clone(model).fit(X, y)
    external_auroc = roc_auc_score(y_external, fitted.predict(X_external))
''' + _VERDICT + _CONF_RETURN,
        "loses": ["ex1-tests"],
    },
    {
        "name": "verdict from the cross-validated AUROC (the shortcut counts as disease)",
        "cell": "ex1-confounding",
        "source": _CONF_HEAD + _CV + _EXTERNAL + '''    disease_signal = cv_auroc > 0.7
''' + _CONF_RETURN,
        "loses": ["ex1-tests"],
    },
    {
        "name": "verdict from the external AUROC with no allowance for test-set noise (> 0.5)",
        "cell": "ex1-confounding",
        "source": _CONF_HEAD + _CV + _EXTERNAL + '''    disease_signal = external_auroc > 0.5
''' + _CONF_RETURN,
        "loses": ["ex1-tests"],
    },
    {
        "name": "verdict from a fixed 0.6 threshold on the external AUROC (ignores the external batch size)",
        "cell": "ex1-confounding",
        "source": _CONF_HEAD + _CV + _EXTERNAL + '''    disease_signal = external_auroc > 0.6
''' + _CONF_RETURN,
        "loses": ["ex1-tests"],
    },
    {
        "name": "verdict from the gap: disease only if CV and external agree (a shortcut hides real biology)",
        "cell": "ex1-confounding",
        "source": _CONF_HEAD + _CV + _EXTERNAL + '''    disease_signal = cv_auroc - external_auroc < 0.1
''' + _CONF_RETURN,
        "loses": ["ex1-tests"],
    },
    {
        "name": "transcribed visible example: the printed AUROCs, a seed-dependent jitter, verdict False",
        "cell": "ex1-confounding",
        "source": '''
def confounding_check(model, X, y, batch, X_external, y_external, seed=0):
    return {"batch_auroc": 0.875, "cv_auroc": 0.858 + 0.001 * seed, "external_auroc": 0.572,
            "disease_signal": False}
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "new-patient accuracy from record-wise cross-validation",
        "cell": "ex2-new-patients",
        "source": '''
def new_patient_accuracy(model, X, y, sample_ids):
    from sklearn.model_selection import StratifiedKFold
    return float(cross_val_score(model, X, y, cv=StratifiedKFold(5, shuffle=True, random_state=0)).mean())
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "every record name used as its own group",
        "cell": "ex2-new-patients",
        "source": '''
def new_patient_accuracy(model, X, y, sample_ids):
    return float(cross_val_score(model, X, y, cv=GroupKFold(5), groups=np.asarray(sample_ids)).mean())
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "constant: a typical accuracy returned for every study",
        "cell": "ex2-new-patients",
        "source": '''
def new_patient_accuracy(model, X, y, sample_ids):
    return 0.65
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "independent units = number of rows",
        "cell": "ex3-dataset-card",
        "source": _CARD_HEAD + '''    units = data.X.shape[0]
''' + _CARD_TAIL,
        "loses": ["ex3-tests"],
    },
    {
        "name": "independent units from data.groups for every data set (counts batches)",
        "cell": "ex3-dataset-card",
        "source": _CARD_HEAD + '''    units = len(np.unique(data.groups))
''' + _CARD_TAIL,
        "loses": ["ex3-tests"],
    },
    {
        "name": "distinct rows counted with np.unique, where two NaN never match (re-uploads with a gap count twice)",
        "cell": "ex3-dataset-card",
        "source": _CARD_HEAD + '''    if "n_subjects" in params:
        units = len(np.unique(data.groups))
    else:
        units = len(np.unique(data.X, axis=0))
''' + _CARD_TAIL,
        "loses": ["ex3-tests"],
    },
    {
        "name": "batches counted as those present in data.batch (an empty planned batch is missed)",
        "cell": "ex3-dataset-card",
        "source": _CARD_HEAD + _CARD_UNITS + _CARD_TAIL.replace(
            'int(params.get("n_batches", 1))',
            'len(np.unique(data.batch)) if hasattr(data, "batch") else 1'),
        "loses": ["ex3-tests"],
    },
    {
        "name": "batches as the highest batch number + 1 (an empty last batch is missed)",
        "cell": "ex3-dataset-card",
        "source": _CARD_HEAD + _CARD_UNITS + _CARD_TAIL.replace(
            'int(params.get("n_batches", 1))',
            'int(data.batch.max()) + 1 if hasattr(data, "batch") else 1'),
        "loses": ["ex3-tests"],
    },
    {
        "name": "source is the bare function name (a reader cannot import it)",
        "cell": "ex3-dataset-card",
        "source": _CARD_HEAD + _CARD_UNITS + _CARD_TAIL.replace(
            'f"{generator.__module__}.{generator.__name__}"', 'generator.__name__'),
        "loses": ["ex3-tests"],
    },
    {
        "name": "transcribed visible example: hard-coded 40 patients or 200 samples",
        "cell": "ex3-dataset-card",
        "source": '''
def dataset_card(generator, data):
    params = dict(data.params)
    units = 40 if "n_visits" in params else 200
    return {"source": f"{generator.__module__}.{generator.__name__}",
            "n_records": int(data.X.shape[0]), "independent_units": units,
            "replicates": int(params.get("n_visits", 1)), "batches": int(params.get("n_batches", 1)),
            "params": params}
''',
        "loses": ["ex3-tests"],
    },
]
