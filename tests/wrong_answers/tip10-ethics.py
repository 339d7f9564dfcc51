"""Plausible wrong answers for tip10-ethics; each must lose points (CURRICULUM.md section 6.4)."""

WRONG_ANSWERS = [
    # ---- Exercise 1 (decision): the clinic's rule ------------------------------------------
    {
        "name": "default 0.5 threshold: the stated costs are ignored",
        "cell": "ex1-decision-rule",
        "source": '''def choose_thresholds(risk, y, group, cost_miss, cost_false_alarm):
    return {g: 0.5 for g in np.unique(group)}
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "textbook cost threshold for everyone, on uncalibrated risks",
        "cell": "ex1-decision-rule",
        "source": '''def choose_thresholds(risk, y, group, cost_miss, cost_false_alarm):
    t = cost_false_alarm / (cost_miss + cost_false_alarm)
    return {g: t for g in np.unique(group)}
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "one threshold tuned on both groups pooled",
        "cell": "ex1-decision-rule",
        "source": '''def choose_thresholds(risk, y, group, cost_miss, cost_false_alarm):
    risk, y = np.asarray(risk, dtype=float), np.asarray(y)
    grid = np.linspace(0.01, 0.99, 99)
    costs = [cost_miss * np.sum((risk < t) & (y == 1)) + cost_false_alarm * np.sum((risk >= t) & (y == 0)) for t in grid]
    best = float(grid[int(np.argmin(costs))])
    return {g: best for g in np.unique(group)}
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "the two costs swapped",
        "cell": "ex1-decision-rule",
        "source": '''def choose_thresholds(risk, y, group, cost_miss, cost_false_alarm):
    risk, y, group = np.asarray(risk, dtype=float), np.asarray(y), np.asarray(group)
    grid = np.linspace(0.01, 0.99, 99)
    out = {}
    for g in np.unique(group):
        r, t = risk[group == g], y[group == g]
        costs = [cost_false_alarm * np.sum((r < c) & (t == 1)) + cost_miss * np.sum((r >= c) & (t == 0)) for c in grid]
        out[g] = float(grid[int(np.argmin(costs))])
    return out
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "minimises cost_miss * FNR + cost_false_alarm * FPR: the rates ignore how common the disease is",
        "cell": "ex1-decision-rule",
        "source": '''def choose_thresholds(risk, y, group, cost_miss, cost_false_alarm):
    risk, y, group = np.asarray(risk, dtype=float), np.asarray(y), np.asarray(group)
    thresholds = {}
    for g in np.unique(group):
        r, t = risk[group == g], y[group == g]
        candidates = np.r_[np.unique(r), np.inf]
        costs = [cost_miss * np.mean(r[t == 1] < c) + cost_false_alarm * np.mean(r[t == 0] >= c) for c in candidates]
        thresholds[g] = float(candidates[int(np.argmin(costs))])
    return thresholds
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "thresholds tuned on the clinic's test set instead of the sample passed in",
        "cell": "ex1-decision-rule",
        "source": '''def choose_thresholds(risk, y, group, cost_miss, cost_false_alarm):
    r_all, y_all, g_all = globals()["risk"][test_idx], cohort.y[test_idx], cohort.subgroup[test_idx]
    grid = np.linspace(0.01, 0.99, 99)
    out = {}
    for g in np.unique(g_all):
        r, t = r_all[g_all == g], y_all[g_all == g]
        costs = [cost_miss * np.sum((r < c) & (t == 1)) + cost_false_alarm * np.sum((r >= c) & (t == 0)) for c in grid]
        out[g] = float(grid[int(np.argmin(costs))])
    return out
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "hard-coded thresholds read off the visible example",
        "cell": "ex1-decision-rule",
        "source": '''def choose_thresholds(risk, y, group, cost_miss, cost_false_alarm):
    return {"A": 0.097, "B": 0.398}
''',
        "loses": ["ex1-tests"],
    },
    # ---- Exercise 2: TPR at low FPR --------------------------------------------------------
    {
        "name": "AUC-only reporting: TPR and FPR at the mean training loss, not at the FPR budget",
        "cell": "ex2-attack",
        "source": '''def loss_attack(member_losses, nonmember_losses, fpr):
    member_losses = np.asarray(member_losses, dtype=float)
    nonmember_losses = np.asarray(nonmember_losses, dtype=float)
    if len(nonmember_losses) < np.ceil(1 / fpr):
        raise ValueError("too few non-members")
    threshold = member_losses.mean()
    return {"auc": attack_auc(-member_losses, -nonmember_losses), "threshold": float(threshold),
            "fpr": float(np.mean(nonmember_losses <= threshold)), "tpr": float(np.mean(member_losses <= threshold))}
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "threshold set on the members' losses instead of the non-members'",
        "cell": "ex2-attack",
        "source": '''def loss_attack(member_losses, nonmember_losses, fpr):
    member_losses = np.asarray(member_losses, dtype=float)
    nonmember_losses = np.asarray(nonmember_losses, dtype=float)
    if len(nonmember_losses) < np.ceil(1 / fpr):
        raise ValueError("too few non-members")
    threshold = float(np.quantile(member_losses, 1 - fpr))
    return {"auc": attack_auc(-member_losses, -nonmember_losses), "threshold": threshold,
            "fpr": float(np.mean(nonmember_losses <= threshold)), "tpr": float(np.mean(member_losses <= threshold))}
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "attack scored by the loss instead of the negative loss",
        "cell": "ex2-attack",
        "source": '''def loss_attack(member_losses, nonmember_losses, fpr):
    member_losses = np.asarray(member_losses, dtype=float)
    nonmember_losses = np.asarray(nonmember_losses, dtype=float)
    if len(nonmember_losses) < np.ceil(1 / fpr):
        raise ValueError("too few non-members")
    k = int(np.floor(fpr * len(nonmember_losses)))
    threshold = float(np.sort(nonmember_losses)[k]) - 1e-12
    return {"auc": attack_auc(member_losses, nonmember_losses), "threshold": threshold,
            "fpr": float(np.mean(nonmember_losses <= threshold)), "tpr": float(np.mean(member_losses <= threshold))}
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "accepts too few non-members to resolve the false-positive rate",
        "cell": "ex2-attack",
        "source": '''def loss_attack(member_losses, nonmember_losses, fpr):
    member_losses = np.asarray(member_losses, dtype=float)
    nonmember_losses = np.asarray(nonmember_losses, dtype=float)
    candidates = np.unique(np.r_[member_losses, nonmember_losses])
    flagged = np.searchsorted(np.sort(nonmember_losses), candidates, side="right")
    admissible = candidates[flagged <= fpr * len(nonmember_losses) + 1e-9]
    threshold = float(admissible.max()) if len(admissible) else -np.inf
    return {"auc": attack_auc(-member_losses, -nonmember_losses), "threshold": threshold,
            "fpr": float(np.mean(nonmember_losses <= threshold)), "tpr": float(np.mean(member_losses <= threshold))}
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "interpolated quantile threshold that can flag more non-members than the budget",
        "cell": "ex2-attack",
        "source": '''def loss_attack(member_losses, nonmember_losses, fpr):
    member_losses = np.asarray(member_losses, dtype=float)
    nonmember_losses = np.asarray(nonmember_losses, dtype=float)
    if len(nonmember_losses) < np.ceil(1 / fpr):
        raise ValueError("too few non-members")
    threshold = float(np.quantile(nonmember_losses, fpr, method="higher"))
    return {"auc": attack_auc(-member_losses, -nonmember_losses), "threshold": threshold,
            "fpr": float(np.mean(nonmember_losses <= threshold)), "tpr": float(np.mean(member_losses <= threshold))}
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "default (linear) quantile of the non-members' losses as the threshold",
        "cell": "ex2-attack",
        "source": '''def loss_attack(member_losses, nonmember_losses, fpr):
    member_losses = np.asarray(member_losses, dtype=float)
    nonmember_losses = np.asarray(nonmember_losses, dtype=float)
    if len(nonmember_losses) < 1 / fpr:
        raise ValueError("too few non-members for this fpr")
    threshold = float(np.quantile(nonmember_losses, fpr))
    return {"auc": attack_auc(-member_losses, -nonmember_losses), "threshold": threshold,
            "fpr": float(np.mean(nonmember_losses <= threshold)), "tpr": float(np.mean(member_losses <= threshold))}
''',
        "loses": ["ex2-tests"],
    },
    # ---- Exercise 3 (decision): the release budget -----------------------------------------
    {
        "name": "budget chosen from the measured attack (a lower bound) instead of the DP guarantee",
        "cell": "ex3-release-budget",
        "source": '''def release_epsilon(max_tpr, at_fpr, delta):
    # The loss attack caught few members of the epsilon = 8 model at 1% FPR, so 8 is enough.
    ok = [eps for eps, row in ((8.0, table.loc["DP-SGD ε = 8"]), (1.0, table.loc["DP-SGD ε = 1"]))
          if row["loss_caught_1.0%"] / n_members <= max_tpr]
    return max(ok) if ok else None
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "bound without the exponential (TPR <= eps * FPR + delta)",
        "cell": "ex3-release-budget",
        "source": '''def release_epsilon(max_tpr, at_fpr, delta):
    if max_tpr - delta <= at_fpr:
        return None
    return (max_tpr - delta) / at_fpr
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "stricter than needed: epsilon = 1 whatever the limit",
        "cell": "ex3-release-budget",
        "source": '''def release_epsilon(max_tpr, at_fpr, delta):
    return 1.0
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "the +delta term of the DP bound forgotten (epsilon = log(max_tpr / at_fpr))",
        "cell": "ex3-release-budget",
        "source": '''def release_epsilon(max_tpr, at_fpr, delta):
    if max_tpr <= at_fpr:
        return None
    return float(np.log(max_tpr / at_fpr))
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "base-10 logarithm",
        "cell": "ex3-release-budget",
        "source": '''def release_epsilon(max_tpr, at_fpr, delta):
    if max_tpr - delta <= at_fpr:
        return None
    return float(np.log10((max_tpr - delta) / at_fpr))
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "no answer for a limit that no training run can meet",
        "cell": "ex3-release-budget",
        "source": '''def release_epsilon(max_tpr, at_fpr, delta):
    return float(np.log(max(max_tpr - delta, 1e-12) / at_fpr))
''',
        "loses": ["ex3-tests"],
    },
    # ---- Exercise 4: the model card --------------------------------------------------------
    {
        "name": "dishonest card: claims epsilon = 8 for a model trained without DP",
        "cell": "ex4-model-card",
        "source": '''def build_model_card(subgroup_table, member_losses, nonmember_losses, member_groups, nonmember_groups, epsilon):
    _like = matched_sample(np.asarray(member_groups), np.asarray(nonmember_groups))
    _ms, _ns = -np.asarray(member_losses, float), -np.asarray(nonmember_losses, float)[_like]
    _a, _n1, _n0 = attack_auc(_ms, _ns), len(_ms), len(_ns)
    _se = np.sqrt((_a * (1 - _a) + (_n1 - 1) * (_a / (2 - _a) - _a ** 2) + (_n0 - 1) * (2 * _a ** 2 / (1 + _a) - _a ** 2)) / (_n1 * _n0))
    _extra = {"attack_auc_interval": (_a - 1.96 * _se, _a + 1.96 * _se), "tpr_at_1pct_fpr": tpr_at_fpr(_ms, _ns, 0.01)["tpr"]}
    per_group = lambda column: {str(g): float(v) for g, v in subgroup_table[column].items()}
    return {"model_details": "MLP, 20 -> 64 -> 2.", "intended_use": "Flag patients for a confirmatory test.",
            "data": "1,000 simulated patients.", "limitations": "Simulated data only.",
            "ethical_considerations": "Trained with differential privacy, so membership cannot leak.",
            "evaluation": {"n_test": int(subgroup_table["n"].sum()), "error_rate": per_group("error_rate"),
                           "fpr": per_group("fpr"), "fnr": per_group("fnr")},
            "privacy": {"epsilon": 8.0, "attack_auc": attack_auc(-np.asarray(member_losses), -np.asarray(nonmember_losses)), **_extra}}
''',
        "loses": ["ex4-tests"],
    },
    {
        "name": "group-confounded attack AUC: members compared with non-members of another group mix",
        "cell": "ex4-model-card",
        "source": '''def build_model_card(subgroup_table, member_losses, nonmember_losses, member_groups, nonmember_groups, epsilon):
    _like = np.arange(len(nonmember_groups))   # all non-members, whatever their group mix
    _ms, _ns = -np.asarray(member_losses, float), -np.asarray(nonmember_losses, float)[_like]
    _a, _n1, _n0 = attack_auc(_ms, _ns), len(_ms), len(_ns)
    _se = np.sqrt((_a * (1 - _a) + (_n1 - 1) * (_a / (2 - _a) - _a ** 2) + (_n0 - 1) * (2 * _a ** 2 / (1 + _a) - _a ** 2)) / (_n1 * _n0))
    _extra = {"attack_auc_interval": (_a - 1.96 * _se, _a + 1.96 * _se), "tpr_at_1pct_fpr": tpr_at_fpr(_ms, _ns, 0.01)["tpr"]}
    per_group = lambda column: {str(g): float(v) for g, v in subgroup_table[column].items()}
    return {"model_details": "MLP, 20 -> 64 -> 2.", "intended_use": "Flag patients for a confirmatory test.",
            "data": "1,000 simulated patients, 10% group B.", "limitations": "Simulated data only.",
            "ethical_considerations": "False alarms in B, misses in A; no privacy guarantee.",
            "evaluation": {"n_test": int(subgroup_table["n"].sum()), "error_rate": per_group("error_rate"),
                           "fpr": per_group("fpr"), "fnr": per_group("fnr")},
            "privacy": {"epsilon": float(epsilon),
                        "attack_auc": attack_auc(-np.asarray(member_losses), -np.asarray(nonmember_losses)), **_extra}}
''',
        "loses": ["ex4-tests"],
    },
    {
        "name": "numbers typed into the card (rounded) instead of taken from the table",
        "cell": "ex4-model-card",
        "source": '''def build_model_card(subgroup_table, member_losses, nonmember_losses, member_groups, nonmember_groups, epsilon):
    _like = matched_sample(np.asarray(member_groups), np.asarray(nonmember_groups))
    _ms, _ns = -np.asarray(member_losses, float), -np.asarray(nonmember_losses, float)[_like]
    _a, _n1, _n0 = attack_auc(_ms, _ns), len(_ms), len(_ns)
    _se = np.sqrt((_a * (1 - _a) + (_n1 - 1) * (_a / (2 - _a) - _a ** 2) + (_n0 - 1) * (2 * _a ** 2 / (1 + _a) - _a ** 2)) / (_n1 * _n0))
    _extra = {"attack_auc_interval": (_a - 1.96 * _se, _a + 1.96 * _se), "tpr_at_1pct_fpr": tpr_at_fpr(_ms, _ns, 0.01)["tpr"]}
    return {"model_details": "MLP, 20 -> 64 -> 2.", "intended_use": "Flag patients for a confirmatory test.",
            "data": "1,000 simulated patients, 10% group B.", "limitations": "Simulated data only.",
            "ethical_considerations": "False alarms in B, misses in A; no privacy guarantee.",
            "evaluation": {"n_test": 4000, "error_rate": {"A": 0.189, "B": 0.262},
                           "fpr": {"A": 0.125, "B": 0.499}, "fnr": {"A": 0.252, "B": 0.021}},
            "privacy": {"epsilon": float(epsilon), "attack_auc": 0.506, **_extra}}
''',
        "loses": ["ex4-tests"],
    },
    {
        "name": "card reports false alarms only: the misses (FNR) are left out",
        "cell": "ex4-model-card",
        "source": '''def build_model_card(subgroup_table, member_losses, nonmember_losses, member_groups, nonmember_groups, epsilon):
    _like = matched_sample(np.asarray(member_groups), np.asarray(nonmember_groups))
    _ms, _ns = -np.asarray(member_losses, float), -np.asarray(nonmember_losses, float)[_like]
    _a, _n1, _n0 = attack_auc(_ms, _ns), len(_ms), len(_ns)
    _se = np.sqrt((_a * (1 - _a) + (_n1 - 1) * (_a / (2 - _a) - _a ** 2) + (_n0 - 1) * (2 * _a ** 2 / (1 + _a) - _a ** 2)) / (_n1 * _n0))
    _extra = {"attack_auc_interval": (_a - 1.96 * _se, _a + 1.96 * _se), "tpr_at_1pct_fpr": tpr_at_fpr(_ms, _ns, 0.01)["tpr"]}
    per_group = lambda column: {str(g): float(v) for g, v in subgroup_table[column].items()}
    m, n = np.asarray(member_groups), np.asarray(nonmember_groups)
    lm, ln = np.asarray(member_losses, float), np.asarray(nonmember_losses, float)
    w = {g: np.mean(m == g) for g in np.unique(m)}
    auc = sum(w[g] * attack_auc(-lm[m == g], -ln[n == g]) for g in w)
    return {"model_details": "MLP, 20 -> 64 -> 2.", "intended_use": "Flag patients for a confirmatory test.",
            "data": "1,000 simulated patients, 10% group B.", "limitations": "Group B gets more false alarms.",
            "ethical_considerations": "Group B pays for the model's errors; no privacy guarantee.",
            "evaluation": {"n_test": int(subgroup_table["n"].sum()), "error_rate": per_group("error_rate"),
                           "fpr": per_group("fpr")},
            "privacy": {"epsilon": float(epsilon), "attack_auc": float(auc), **_extra}}
''',
        "loses": ["ex4-tests"],
    },
]
