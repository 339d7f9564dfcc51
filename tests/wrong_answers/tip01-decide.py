"""Plausible wrong answers for tip01-decide; each must lose points (CURRICULUM.md section 6.4)."""

WRONG_ANSWERS = [
    {
        "name": "crossover at the first size where the network is ahead, ignoring later sizes",
        "cell": "ex1-crossover",
        "source": '''def crossover_size(sizes, baseline, network, margin=0.02):
    for size, b, n in zip(list(sizes), list(baseline), list(network)):
        if n - b > margin:
            return size
    return None
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "crossover that ignores the margin argument",
        "cell": "ex1-crossover",
        "source": '''def crossover_size(sizes, baseline, network, margin=0.02):
    sizes = list(sizes)
    gap = np.asarray(network, dtype=float) - np.asarray(baseline, dtype=float)
    crossover = None
    for size, difference in zip(reversed(sizes), gap[::-1]):
        if difference > 0.02:
            crossover = size
        else:
            break
    return crossover
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "normal approximation instead of the binomial",
        "cell": "ex2-small-test-sets",
        "source": '''def simulate_test_accuracies(true_accuracy, n_test, n_sets, random_state=None):
    rng = np.random.default_rng(random_state)
    sd = math.sqrt(true_accuracy * (1 - true_accuracy) / n_test)
    return np.round(rng.normal(true_accuracy, sd, n_sets) * n_test) / n_test
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "normal approximation clipped to [0, 1]",
        "cell": "ex2-small-test-sets",
        "source": '''def simulate_test_accuracies(true_accuracy, n_test, n_sets, random_state=None):
    rng = np.random.default_rng(random_state)
    sd = math.sqrt(true_accuracy * (1 - true_accuracy) / n_test)
    counts = np.clip(np.round(rng.normal(true_accuracy, sd, n_sets) * n_test), 0, n_test)
    return counts / n_test
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "ignored seed (a fresh generator on every call)",
        "cell": "ex2-small-test-sets",
        "source": '''def simulate_test_accuracies(true_accuracy, n_test, n_sets, random_state=None):
    rng = np.random.default_rng()
    return rng.binomial(n_test, true_accuracy, size=n_sets) / n_test
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "ceiling flag from the point estimates, without the test-set noise",
        "cell": "ex3-ceiling",
        "source": '''def bayes_ceiling(proba, y):
    proba = np.asarray(proba, dtype=float)
    return {"accuracy": float(np.mean(np.maximum(proba, 1 - proba))),
            "auroc": float(roc_auc_score(y, proba))}


def too_good_to_be_true(y, score, proba, random_state=0):
    return bool(roc_auc_score(y, score) > roc_auc_score(y, proba))
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "ceiling flag with an unpaired one-standard-error tolerance (0.01)",
        "cell": "ex3-ceiling",
        "source": '''def bayes_ceiling(proba, y):
    proba = np.asarray(proba, dtype=float)
    return {"accuracy": float(np.mean(np.maximum(proba, 1 - proba))),
            "auroc": float(roc_auc_score(y, proba))}


def too_good_to_be_true(y, score, proba, random_state=0):
    return bool(roc_auc_score(y, score) > roc_auc_score(y, proba) + 0.01)
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "ceiling flag from two separate (unpaired) bootstrap intervals that do not overlap",
        "cell": "ex3-ceiling",
        "source": '''def bayes_ceiling(proba, y):
    proba = np.asarray(proba, dtype=float)
    return {"accuracy": float(np.mean(np.maximum(proba, 1 - proba))),
            "auroc": float(roc_auc_score(y, proba))}


def too_good_to_be_true(y, score, proba, random_state=0):
    return bool(bootstrap_auroc(y, score, random_state=random_state).low
                > bootstrap_auroc(y, proba, random_state=random_state).high)
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "ceiling accuracy from the labels drawn (realised, not expected, accuracy of the best rule)",
        "cell": "ex3-ceiling",
        "source": '''def bayes_ceiling(proba, y):
    proba, y = np.asarray(proba, dtype=float), np.asarray(y)
    return {"accuracy": float(np.mean((proba > 0.5).astype(int) == y)),
            "auroc": float(roc_auc_score(y, proba))}


def too_good_to_be_true(y, score, proba, random_state=0):
    gap = bootstrap_auroc(y, score, proba, random_state=random_state)
    return bool(gap.low > 0)
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "advice without evidence: always the network",
        "cell": "ex4-advice",
        "source": '''advice = {lab: "network" for lab in cohorts}
evidence = {lab: "networks learn interactions" for lab in cohorts}
''',
        "loses": ["ex4-tests"],
    },
    {
        "name": "advice without evidence: always the simpler model",
        "cell": "ex4-advice",
        "source": '''advice = {lab: "logistic regression" for lab in cohorts}
evidence = {lab: "simple models usually tie" for lab in cohorts}
''',
        "loses": ["ex4-tests"],
    },
    {
        "name": "advice from the training-set AUROC (the network always fits its own samples better)",
        "cell": "ex4-advice",
        "source": '''advice, evidence = {}, {}
for lab, cohort in cohorts.items():
    logistic = tuned_logistic().fit(cohort.X, cohort.y)
    net = tuned_network().fit(cohort.X, cohort.y)
    gap = (roc_auc_score(cohort.y, net.predict_proba(cohort.X)[:, 1])
           - roc_auc_score(cohort.y, logistic.predict_proba(cohort.X)[:, 1]))
    evidence[lab] = gap
    advice[lab] = "network" if gap > 0.02 else "logistic regression"
''',
        "loses": ["ex4-tests"],
    },
]
