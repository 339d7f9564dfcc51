"""Plausible wrong answers to lesson tip08-transparency; each must lose points (CURRICULUM.md 6.4)."""

WRONG_ANSWERS = [
    {
        "name": "ties broken by the last gene first (unstable sort, reversed)",
        "cell": "ex1-precision",
        "source": '''
def precision_at_k(scores, relevant, k):
    scores = np.asarray(scores, dtype=float)
    relevant = np.asarray(relevant, dtype=bool)
    if scores.shape != relevant.shape:
        raise ValueError("scores and relevant must have the same length")
    if not 1 <= k <= len(scores):
        raise ValueError("k must be between 1 and the number of genes")
    return float(relevant[np.argsort(scores)[::-1][:k]].mean())
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "descending sort with NumPy's default (unstable) kind: ties out of order beyond a few genes",
        "cell": "ex1-precision",
        "source": '''
def precision_at_k(scores, relevant, k):
    scores = np.asarray(scores, dtype=float)
    relevant = np.asarray(relevant, dtype=bool)
    if scores.shape != relevant.shape:
        raise ValueError("scores and relevant must have the same length")
    if not 1 <= k <= len(scores):
        raise ValueError("k must be between 1 and the number of genes")
    return float(relevant[np.argsort(-scores)[:k]].mean())
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "no check of k",
        "cell": "ex1-precision",
        "source": '''
def precision_at_k(scores, relevant, k):
    scores = np.asarray(scores, dtype=float)
    relevant = np.asarray(relevant, dtype=bool)
    if scores.shape != relevant.shape:
        raise ValueError("scores and relevant must have the same length")
    return float(relevant[np.argsort(-scores, kind="stable")[:k]].mean())
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "integrated gradients of the probability instead of the logit",
        "cell": "ex2-integrated-gradients",
        "source": '''
def integrated_gradients(model, X, target=1, baseline=None, n_steps=50):
    X = torch.as_tensor(X, dtype=torch.float32)
    baseline = torch.zeros_like(X) if baseline is None else torch.as_tensor(baseline, dtype=torch.float32).expand_as(X)
    total = torch.zeros_like(X)
    for k in range(n_steps):
        point = (baseline + (k + 0.5) / n_steps * (X - baseline)).clone().requires_grad_(True)
        torch.softmax(model(point), dim=1)[:, target].sum().backward()
        total += point.grad
    return ((X - baseline) * total / n_steps).numpy()
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "integrated gradients with the left Riemann rule, not the midpoint",
        "cell": "ex2-integrated-gradients",
        "source": '''
def integrated_gradients(model, X, target=1, baseline=None, n_steps=50):
    X = torch.as_tensor(X, dtype=torch.float32)
    baseline = torch.zeros_like(X) if baseline is None else torch.as_tensor(baseline, dtype=torch.float32).expand_as(X)
    total = torch.zeros_like(X)
    for k in range(n_steps):
        total += input_gradient(model, baseline + (k / n_steps) * (X - baseline), target)[1]
    return ((X - baseline) * total / n_steps).numpy()
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "integrated gradients that ignore the baseline argument",
        "cell": "ex2-integrated-gradients",
        "source": '''
def integrated_gradients(model, X, target=1, baseline=None, n_steps=50):
    X = torch.as_tensor(X, dtype=torch.float32)
    total = torch.zeros_like(X)
    for k in range(n_steps):
        total += input_gradient(model, (k + 0.5) / n_steps * X, target)[1]
    return (X * total / n_steps).numpy()
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "ISM with the sign reversed (original minus mutant)",
        "cell": "ex3-ism",
        "source": '''
def ism(model, X, target=1):
    X = torch.as_tensor(X, dtype=torch.float32)
    effects = torch.zeros_like(X)
    with torch.no_grad():
        original = model(X)[:, target]
        for position, base, mutant in single_base_mutants(X):
            effects[:, base, position] = original - model(mutant)[:, target]
    return effects.numpy()
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "ISM handed to the library's reference instead of written",
        "cell": "ex3-ism",
        "source": '''
def ism(model, X, target=1):
    return in_silico_mutagenesis(model, X, target=target)
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "integrated gradients handed to Captum instead of written",
        "cell": "ex2-integrated-gradients",
        "source": '''
def integrated_gradients(model, X, target=1, baseline=None, n_steps=50):
    from captum.attr import IntegratedGradients
    X = torch.as_tensor(X, dtype=torch.float32)
    baseline = torch.zeros_like(X) if baseline is None else torch.as_tensor(baseline, dtype=torch.float32).expand_as(X)
    return IntegratedGradients(model).attribute(X, baselines=baseline, target=target, n_steps=n_steps,
                                                method="riemann_middle").detach().numpy()
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "ISM handed to the library module's reference (dlbio.interpret) instead of written",
        "cell": "ex3-ism",
        "source": '''
def ism(model, X, target=1):
    import dlbio.interpret
    return dlbio.interpret.in_silico_mutagenesis(model, X, target=target)
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "the old sanity check: scores each stage against the planted motif, not the trained explanation",
        "cell": "ex4-sanity",
        "source": '''
def sanity_check(model, X, methods, n_repeats=3, random_state=0):
    mask = mask_exp[:len(X)]
    table = {}
    for stage, layers in STAGES.items():
        copies = [randomize_layers(model, layers, random_state=random_state + r) for r in range(n_repeats)]
        table[stage] = {name: float(np.mean([np.median(attribution_auroc(method(c, X), mask)) for c in copies]))
                        for name, method in methods.items()}
    return pd.DataFrame.from_dict(table, orient="index")
''',
        "loses": ["ex4-tests"],
    },
    {
        "name": "Pearson correlation of the scores instead of rank correlation",
        "cell": "ex4-sanity",
        "source": '''
def sanity_check(model, X, methods, n_repeats=3, random_state=0):
    def pearson(a, b):
        a = a - a.mean(axis=1, keepdims=True)
        b = b - b.mean(axis=1, keepdims=True)
        norm = np.sqrt((a ** 2).sum(axis=1) * (b ** 2).sum(axis=1))
        return np.where(norm > 0, (a * b).sum(axis=1) / np.where(norm > 0, norm, 1), 0.0)
    trained = {name: method(model, X) for name, method in methods.items()}
    table = {}
    for stage, layers in STAGES.items():
        copies = [randomize_layers(model, layers, random_state=random_state + r) for r in range(n_repeats)]
        table[stage] = {name: float(np.mean([np.median(pearson(trained[name], method(c, X))) for c in copies]))
                        for name, method in methods.items()}
    return pd.DataFrame.from_dict(table, orient="index")
''',
        "loses": ["ex4-tests"],
    },
    {
        "name": "ignores the seed: every copy drawn with random_state 0",
        "cell": "ex4-sanity",
        "source": '''
def sanity_check(model, X, methods, n_repeats=3, random_state=0):
    trained = {name: method(model, X) for name, method in methods.items()}
    table = {}
    for stage, layers in STAGES.items():
        copies = [randomize_layers(model, layers, random_state=r) for r in range(n_repeats)]
        table[stage] = {name: float(np.mean([np.median(rank_similarity(trained[name], method(c, X))) for c in copies]))
                        for name, method in methods.items()}
    return pd.DataFrame.from_dict(table, orient="index")
''',
        "loses": ["ex4-tests"],
    },
    {
        "name": "scipy's spearmanr row by row: NaN (and a warning) for a map without a ranking, not 0",
        "cell": "ex4-sanity",
        "source": '''
from scipy.stats import spearmanr

def sanity_check(model, X, methods, n_repeats=3, random_state=0):
    def similarity(a, b):
        return np.array([spearmanr(row_a, row_b)[0] for row_a, row_b in zip(a, b)])
    trained = {name: method(model, X) for name, method in methods.items()}
    table = {}
    for stage, layers in STAGES.items():
        copies = [randomize_layers(model, layers, random_state=random_state + r) for r in range(n_repeats)]
        table[stage] = {name: float(np.mean([np.median(similarity(trained[name], method(c, X))) for c in copies]))
                        for name, method in methods.items()}
    return pd.DataFrame.from_dict(table, orient="index")
''',
        "loses": ["ex4-tests"],
    },
    {
        "name": "decides on the fully randomised stage only",
        "cell": "ex5-decide",
        "source": '''
def passes_sanity_check(method, model, X):
    return bool(sanity_check(model, X, {"m": method}, n_repeats=2).loc["all randomised", "m"] < 0.5)
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "signed similarity: a reversed copy counted as unlike the trained explanation",
        "cell": "ex5-decide",
        "source": '''
def passes_sanity_check(method, model, X):
    similarity = sanity_check(model, X, {"m": method}, n_repeats=3)["m"]
    return bool((similarity < 0.8).all())
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "decides by agreement with the planted motif (plausibility)",
        "cell": "ex5-decide",
        "source": '''
def passes_sanity_check(method, model, X):
    return bool(np.median(attribution_auroc(method(model, X), mask_exp[:len(X)])) > 0.9)
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "compares absolute maps, dropping the sign the statement keeps",
        "cell": "ex5-decide",
        "source": '''
def passes_sanity_check(method, model, X):
    unsigned = lambda m, X: np.abs(method(m, X))
    similarity = sanity_check(model, X, {"m": unsigned}, n_repeats=3)["m"]
    return bool((similarity.abs() < 0.8).all())
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "mean of the signed similarity over copies, then its size: a reversed copy cancels a kept one",
        "cell": "ex5-decide",
        "source": '''
def passes_sanity_check(method, model, X):
    # reuse exercise 4: mean over three copies, then the size of that mean against 0.8
    similarity = sanity_check(model, X, {"m": method}, n_repeats=3)["m"]
    return bool((similarity.abs() < 0.8).all())
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "the criterion applied to the mean signed similarity over copies (stage by stage)",
        "cell": "ex5-decide",
        "source": '''
def passes_sanity_check(method, model, X):
    similarity = sanity_check(model, X, {"m": method}, n_repeats=3)["m"]
    survives = (similarity >= 0.8) | ((similarity <= -0.8) & (similarity.index != "head randomised"))
    return bool(not survives.any())
''',
        "loses": ["ex5-tests"],
    },
    {
        "name": "absolute value at every stage: a reversal by a random head counted as survival",
        "cell": "ex5-decide",
        "source": '''
def passes_sanity_check(method, model, X):
    # judge three copies, each on its own; a reversed map is the same structure, so use the size of the similarity
    for seed in range(3):
        similarity = sanity_check(model, X, {"method": method}, n_repeats=1, random_state=seed)["method"]
        if (similarity.abs() >= 0.8).any():
            return False
    return True
''',
        "loses": ["ex5-tests"],
    },
]
