"""Plausible wrong answers for tip10-ethics; each must lose points (CURRICULUM.md section 6.4)."""

# Exercise 3 gives the facts, the intended use and the measured rates of the card (before the student's part)
# and the wording of the privacy statement (after it); a wrong answer replaces only the student's part.
_CARD_HEAD = '''def build_model_card(rule, rule_rates, member_losses, nonmember_losses, member_groups, nonmember_groups, epsilon):
    # Given: the facts, the intended use and the measured error rates of the deployed rule.
    card = {
        "model_details": "A multilayer perceptron (20 lab markers -> 64 hidden units -> 2 classes) trained with Adam "
                         "for 20 epochs. Deployed rule: a patient is sent for a confirmatory test when the risk is at "
                         "least " + ", ".join(f"{float(t):.3f} in group {g}" for g, t in rule.items())
                         + " (exercise 1: a miss costs as much as five false alarms).",
        "data": "Trained on 1,000 simulated patients, about 10% from group B; evaluated on 4,000 clinic patients "
                "who were not in the training set, about half from group B.",
        "evaluation": {"n_test": int(rule_rates["n"].sum()),
                       **{kind: {str(g): float(v) for g, v in rule_rates[kind].items()}
                          for kind in ("error_rate", "fpr", "fnr")}},
        "intended_use": "Flagging clinic patients for a confirmatory test with the rule above, where a miss costs far "
                        "more than an extra test. Not for diagnosis, not for ruling disease out (sending patients "
                        "home), and not for other populations or marker assays without a new per-group audit.",
    }
    # Your part: card["limitations"] and card["privacy"].
'''
_CARD_TAIL = '''    privacy = card["privacy"]
    low, high = privacy["attack_auc_interval"]
    guarantee = ("trained without differential privacy, so there is no privacy guarantee"
                 if np.isinf(privacy["epsilon"]) else f"trained with DP-SGD at ε = {privacy['epsilon']:.2g}")
    card["ethical_considerations"] = (
        f"The training records are sensitive; the model was {guarantee}. The loss attack, scored so that telling the "
        f"groups apart earns it nothing, reached an AUC of {privacy['attack_auc']:.3f} (95% CI {low:.3f} to "
        f"{high:.3f}) and caught {privacy['tpr_at_1pct_fpr']:.1%} of the members at 1% false positives (blind "
        "guess: 1%): a lower bound on the leak from one attack, not a proof of privacy. The decision rule uses the "
        "recorded group, as approved by the ethics committee.")
    return card
'''
_TEXTS = '''    card["limitations"] = ("False alarms in " + ", ".join(f"{v:.0%} of healthy group {g} patients"
                                                         for g, v in rule_rates["fpr"].items()) + "; simulated data only.")
'''


def _card(privacy_part):
    # The full source of the card cell with a student's part that computes card["privacy"] as given.
    return _CARD_HEAD + _TEXTS + privacy_part + _CARD_TAIL



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
        "source": '''def _auc(lower_losses, higher_losses):
    # AUROC of the attack "a lower loss is more likely a member", with sklearn (as a student would).
    from sklearn.metrics import roc_auc_score
    labels = np.r_[np.ones(len(lower_losses)), np.zeros(len(higher_losses))]
    return float(roc_auc_score(labels, -np.r_[lower_losses, higher_losses]))


def loss_attack(member_losses, nonmember_losses, fpr):
    member_losses = np.asarray(member_losses, dtype=float)
    nonmember_losses = np.asarray(nonmember_losses, dtype=float)
    if len(nonmember_losses) < np.ceil(1 / fpr):
        raise ValueError("too few non-members")
    threshold = member_losses.mean()
    return {"auc": _auc(member_losses, nonmember_losses), "threshold": float(threshold),
            "fpr": float(np.mean(nonmember_losses <= threshold)), "tpr": float(np.mean(member_losses <= threshold))}
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "threshold set on the members' losses instead of the non-members'",
        "cell": "ex2-attack",
        "source": '''def _auc(lower_losses, higher_losses):
    # AUROC of the attack "a lower loss is more likely a member", with sklearn (as a student would).
    from sklearn.metrics import roc_auc_score
    labels = np.r_[np.ones(len(lower_losses)), np.zeros(len(higher_losses))]
    return float(roc_auc_score(labels, -np.r_[lower_losses, higher_losses]))


def loss_attack(member_losses, nonmember_losses, fpr):
    member_losses = np.asarray(member_losses, dtype=float)
    nonmember_losses = np.asarray(nonmember_losses, dtype=float)
    if len(nonmember_losses) < np.ceil(1 / fpr):
        raise ValueError("too few non-members")
    threshold = float(np.quantile(member_losses, 1 - fpr))
    return {"auc": _auc(member_losses, nonmember_losses), "threshold": threshold,
            "fpr": float(np.mean(nonmember_losses <= threshold)), "tpr": float(np.mean(member_losses <= threshold))}
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "attack_auc given the losses instead of the negative losses",
        "cell": "ex2-attack",
        "source": '''def loss_attack(member_losses, nonmember_losses, fpr):
    member_losses = np.asarray(member_losses, dtype=float)
    nonmember_losses = np.asarray(nonmember_losses, dtype=float)
    if len(nonmember_losses) < np.ceil(1 / fpr):
        raise ValueError("too few non-members")
    k = int(np.floor(fpr * len(nonmember_losses)))
    threshold = float(np.sort(nonmember_losses)[k]) - 1e-12
    return {"auc": float(attack_auc(member_losses, nonmember_losses)), "threshold": threshold,
            "fpr": float(np.mean(nonmember_losses <= threshold)), "tpr": float(np.mean(member_losses <= threshold))}
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "accepts too few non-members to resolve the false-positive rate",
        "cell": "ex2-attack",
        "source": '''def _auc(lower_losses, higher_losses):
    # AUROC of the attack "a lower loss is more likely a member", with sklearn (as a student would).
    from sklearn.metrics import roc_auc_score
    labels = np.r_[np.ones(len(lower_losses)), np.zeros(len(higher_losses))]
    return float(roc_auc_score(labels, -np.r_[lower_losses, higher_losses]))


def loss_attack(member_losses, nonmember_losses, fpr):
    member_losses = np.asarray(member_losses, dtype=float)
    nonmember_losses = np.asarray(nonmember_losses, dtype=float)
    candidates = np.unique(np.r_[member_losses, nonmember_losses])
    flagged = np.searchsorted(np.sort(nonmember_losses), candidates, side="right")
    admissible = candidates[flagged <= fpr * len(nonmember_losses) + 1e-9]
    threshold = float(admissible.max()) if len(admissible) else -np.inf
    return {"auc": _auc(member_losses, nonmember_losses), "threshold": threshold,
            "fpr": float(np.mean(nonmember_losses <= threshold)), "tpr": float(np.mean(member_losses <= threshold))}
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "interpolated quantile threshold that can flag more non-members than the budget",
        "cell": "ex2-attack",
        "source": '''def _auc(lower_losses, higher_losses):
    # AUROC of the attack "a lower loss is more likely a member", with sklearn (as a student would).
    from sklearn.metrics import roc_auc_score
    labels = np.r_[np.ones(len(lower_losses)), np.zeros(len(higher_losses))]
    return float(roc_auc_score(labels, -np.r_[lower_losses, higher_losses]))


def loss_attack(member_losses, nonmember_losses, fpr):
    member_losses = np.asarray(member_losses, dtype=float)
    nonmember_losses = np.asarray(nonmember_losses, dtype=float)
    if len(nonmember_losses) < np.ceil(1 / fpr):
        raise ValueError("too few non-members")
    threshold = float(np.quantile(nonmember_losses, fpr, method="higher"))
    return {"auc": _auc(member_losses, nonmember_losses), "threshold": threshold,
            "fpr": float(np.mean(nonmember_losses <= threshold)), "tpr": float(np.mean(member_losses <= threshold))}
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "default (linear) quantile of the non-members' losses as the threshold",
        "cell": "ex2-attack",
        "source": '''def _auc(lower_losses, higher_losses):
    # AUROC of the attack "a lower loss is more likely a member", with sklearn (as a student would).
    from sklearn.metrics import roc_auc_score
    labels = np.r_[np.ones(len(lower_losses)), np.zeros(len(higher_losses))]
    return float(roc_auc_score(labels, -np.r_[lower_losses, higher_losses]))


def loss_attack(member_losses, nonmember_losses, fpr):
    member_losses = np.asarray(member_losses, dtype=float)
    nonmember_losses = np.asarray(nonmember_losses, dtype=float)
    if len(nonmember_losses) < 1 / fpr:
        raise ValueError("too few non-members for this fpr")
    threshold = float(np.quantile(nonmember_losses, fpr))
    return {"auc": _auc(member_losses, nonmember_losses), "threshold": threshold,
            "fpr": float(np.mean(nonmember_losses <= threshold)), "tpr": float(np.mean(member_losses <= threshold))}
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "threshold rule taken from dlbio.privacy.tpr_at_fpr instead of written (the statement forbids it)",
        "cell": "ex2-attack",
        "source": '''import dlbio.privacy


def loss_attack(member_losses, nonmember_losses, fpr):
    from sklearn.metrics import roc_auc_score
    member_losses = np.asarray(member_losses, dtype=float)
    nonmember_losses = np.asarray(nonmember_losses, dtype=float)
    result = dlbio.privacy.tpr_at_fpr(-member_losses, -nonmember_losses, fpr)   # flags -loss >= t
    threshold = -float(result["threshold"])                                     # i.e. loss <= -t
    labels = np.r_[np.ones(len(member_losses)), np.zeros(len(nonmember_losses))]
    return {"auc": float(roc_auc_score(labels, -np.r_[member_losses, nonmember_losses])), "threshold": threshold,
            "fpr": float(np.mean(nonmember_losses <= threshold)), "tpr": float(np.mean(member_losses <= threshold))}
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "library's tpr_at_fpr imported by name in the cell and called for the threshold",
        "cell": "ex2-attack",
        "source": '''from dlbio.privacy import attack_auc, tpr_at_fpr


def loss_attack(member_losses, nonmember_losses, fpr):
    member_losses = np.asarray(member_losses, dtype=float)
    nonmember_losses = np.asarray(nonmember_losses, dtype=float)
    result = tpr_at_fpr(-member_losses, -nonmember_losses, fpr)
    threshold = -float(result["threshold"])
    return {"auc": float(attack_auc(-member_losses, -nonmember_losses)), "threshold": threshold,
            "fpr": float(np.mean(nonmember_losses <= threshold)), "tpr": float(np.mean(member_losses <= threshold))}
''',
        "loses": ["ex2-tests"],
    },
    # ---- Exercise 3: the model card of the deployed rule ------------------------------------
    {
        "name": "group-confounded attack AUC: members compared with all non-members, whatever their group mix",
        "cell": "ex3-model-card",
        "source": _card('''    ms, ns = -np.asarray(member_losses, float), -np.asarray(nonmember_losses, float)
    a, n1, n0 = attack_auc(ms, ns), len(ms), len(ns)
    se = np.sqrt((a * (1 - a) + (n1 - 1) * (a / (2 - a) - a ** 2) + (n0 - 1) * (2 * a ** 2 / (1 + a) - a ** 2)) / (n1 * n0))
    card["privacy"] = {"epsilon": float(epsilon), "attack_auc": a, "attack_auc_interval": (a - 1.96 * se, a + 1.96 * se),
                       "tpr_at_1pct_fpr": tpr_at_fpr(ms, ns, 0.01)["tpr"]}
'''),
        "loses": ["ex3-tests"],
    },
    {
        "name": "dishonest card: claims epsilon = 8 for a model trained without DP",
        "cell": "ex3-model-card",
        "source": _card('''    like = matched_sample(np.asarray(member_groups), np.asarray(nonmember_groups))
    ms, ns = -np.asarray(member_losses, float), -np.asarray(nonmember_losses, float)[like]
    a, n1, n0 = attack_auc(ms, ns), len(ms), len(ns)
    se = np.sqrt((a * (1 - a) + (n1 - 1) * (a / (2 - a) - a ** 2) + (n0 - 1) * (2 * a ** 2 / (1 + a) - a ** 2)) / (n1 * n0))
    card["privacy"] = {"epsilon": 8.0, "attack_auc": a, "attack_auc_interval": (a - 1.96 * se, a + 1.96 * se),
                       "tpr_at_1pct_fpr": tpr_at_fpr(ms, ns, 0.01)["tpr"]}
'''),
        "loses": ["ex3-tests"],
    },
    {
        "name": "attack results typed into the card instead of computed from the arguments",
        "cell": "ex3-model-card",
        "source": _card('''    card["privacy"] = {"epsilon": float(epsilon), "attack_auc": 0.506, "attack_auc_interval": (0.485, 0.528),
                       "tpr_at_1pct_fpr": 0.009}
'''),
        "loses": ["ex3-tests"],
    },
    {
        "name": "interval that treats every member/non-member pair as an independent observation",
        "cell": "ex3-model-card",
        "source": _card('''    like = matched_sample(np.asarray(member_groups), np.asarray(nonmember_groups))
    ms, ns = -np.asarray(member_losses, float), -np.asarray(nonmember_losses, float)[like]
    a = attack_auc(ms, ns)
    half = 1.96 * np.sqrt(a * (1 - a) / (len(ms) * len(ns)))
    card["privacy"] = {"epsilon": float(epsilon), "attack_auc": a, "attack_auc_interval": (a - half, a + half),
                       "tpr_at_1pct_fpr": tpr_at_fpr(ms, ns, 0.01)["tpr"]}
'''),
        "loses": ["ex3-tests"],
    },
    {
        "name": "TPR reported in percent, not as a fraction of the members",
        "cell": "ex3-model-card",
        "source": _card('''    like = matched_sample(np.asarray(member_groups), np.asarray(nonmember_groups))
    ms, ns = -np.asarray(member_losses, float), -np.asarray(nonmember_losses, float)[like]
    a, n1, n0 = attack_auc(ms, ns), len(ms), len(ns)
    se = np.sqrt((a * (1 - a) + (n1 - 1) * (a / (2 - a) - a ** 2) + (n0 - 1) * (2 * a ** 2 / (1 + a) - a ** 2)) / (n1 * n0))
    card["privacy"] = {"epsilon": float(epsilon), "attack_auc": a, "attack_auc_interval": (a - 1.96 * se, a + 1.96 * se),
                       "tpr_at_1pct_fpr": 100 * tpr_at_fpr(ms, ns, 0.01)["tpr"]}
'''),
        "loses": ["ex3-tests"],
    },
    {
        "name": "bootstrap interval that resamples only the members (ignores the non-members' noise)",
        "cell": "ex3-model-card",
        "source": _card('''    like = matched_sample(np.asarray(member_groups), np.asarray(nonmember_groups))
    ms, ns = -np.asarray(member_losses, float), -np.asarray(nonmember_losses, float)[like]
    a = attack_auc(ms, ns)
    boot_rng = np.random.default_rng(0)
    boots = [attack_auc(ms[boot_rng.integers(0, len(ms), len(ms))], ns) for _ in range(400)]
    low, high = np.percentile(boots, [2.5, 97.5])
    card["privacy"] = {"epsilon": float(epsilon), "attack_auc": a, "attack_auc_interval": (float(low), float(high)),
                       "tpr_at_1pct_fpr": tpr_at_fpr(ms, ns, 0.01)["tpr"]}
'''),
        "loses": ["ex3-tests"],
    },
    {
        "name": "tpr_at_fpr given the losses (lower means member) instead of scores where higher means member",
        "cell": "ex3-model-card",
        "source": _card('''    like = matched_sample(np.asarray(member_groups), np.asarray(nonmember_groups))
    ml, nl = np.asarray(member_losses, float), np.asarray(nonmember_losses, float)[like]
    a = attack_auc(-ml, -nl)
    boot = bootstrap_auroc(np.r_[np.ones(len(ml)), np.zeros(len(nl))], np.r_[-ml, -nl], random_state=0)
    card["privacy"] = {"epsilon": float(epsilon), "attack_auc": a, "attack_auc_interval": (boot["low"], boot["high"]),
                       "tpr_at_1pct_fpr": tpr_at_fpr(ml, nl, 0.01)["tpr"]}
'''),
        "loses": ["ex3-tests"],
    },
]
