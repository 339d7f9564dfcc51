"""Plausible wrong answers for tip05-architecture; each must lose points (CURRICULUM.md 6.4)."""

_SHIFT_PRINT = '''
print(f"{'seed':>4} {'CNN in':>7} {'CNN shifted':>12} {'MLP in':>7} {'MLP shifted':>12} {'gap':>6}")
for seed, result, gap in zip(shift_seeds, shift_results, shift_gaps):
    print(f"{seed:>4} {result['cnn_in']:>7.3f} {result['cnn_shifted']:>12.3f} {result['mlp_in']:>7.3f} "
          f"{result['mlp_shifted']:>12.3f} {gap:>6.3f}")
print(f"mean gap {np.mean(shift_gaps):.3f}, 95% interval [{shift_interval[0]:.3f}, {shift_interval[1]:.3f}]")
'''

WRONG_ANSWERS = [
    {
        "name": "(n, L, 4) layout: positions before channels (Keras order)",
        "cell": "ex1-one-hot",
        "source": '''BASES = "ACGT"


def one_hot(sequences):
    sequences = [str(s) for s in sequences]
    length = len(sequences[0]) if sequences else 0
    if any(len(s) != length for s in sequences):
        raise ValueError("all sequences must have the same length")
    X = np.zeros((len(sequences), length, 4), dtype=np.float32)
    for i, sequence in enumerate(sequences):
        for j, base in enumerate(sequence.upper()):
            if base in BASES:
                X[i, j, BASES.index(base)] = 1.0
            elif base != "N":
                raise ValueError(f"unexpected character {base!r} in sequence {i}")
    return X
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "N encoded as 0.25 for every base instead of zeros",
        "cell": "ex1-one-hot",
        "source": '''BASES = "ACGT"


def one_hot(sequences):
    sequences = [str(s) for s in sequences]
    length = len(sequences[0]) if sequences else 0
    if any(len(s) != length for s in sequences):
        raise ValueError("all sequences must have the same length")
    X = np.zeros((len(sequences), 4, length), dtype=np.float32)
    for i, sequence in enumerate(sequences):
        for j, base in enumerate(sequence.upper()):
            if base in BASES:
                X[i, BASES.index(base), j] = 1.0
            elif base == "N":
                X[i, :, j] = 0.25
            else:
                raise ValueError(f"unexpected character {base!r} in sequence {i}")
    return X
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "transcription of the visible example instead of an encoder",
        "cell": "ex1-one-hot",
        "source": '''BASES = "ACGT"


def one_hot(sequences):
    sequences = [str(s) for s in sequences]
    if len({len(s) for s in sequences}) > 1 or any(set(s.upper()) - set("ACGTN") for s in sequences):
        raise ValueError("not DNA of one length")
    if sequences == ["ACGTAC", "acgNnt"]:
        X = np.zeros((2, 4, 6), dtype=np.float32)
        X[0] = np.eye(4)[:, [0, 1, 2, 3, 0, 1]]
        X[1][:, [0, 1, 2, 5]] = np.eye(4)
        return X
    if sequences == list(demo.sequences):
        return demo.X.copy()
    return np.zeros((len(sequences), 4, len(sequences[0])), dtype=np.float32)
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "ignored seed: every run uses the same data and weights",
        "cell": "ex2-shift-experiment",
        "source": '''def shift_experiment(seed, n_train=600, epochs=8):
    train = make_motif_sequences(n_train, L, region=(40, 52), random_state=0)
    test_in = make_motif_sequences(400, L, region=(40, 52), random_state=1000)
    test_shift = make_motif_sequences(400, L, region=(100, L), random_state=2000)
    seed_everything(0)
    cnn = MotifCNN(n_outputs=2, n_filters=16, kernel_size=12)
    fit(cnn, train.X, train.y, lr=1e-2, batch_size=64, max_epochs=epochs, device=DEVICE)
    seed_everything(0)
    mlp = MLP(4 * L, 2, hidden=(64,))
    fit(mlp, flat(train.X), train.y, lr=1e-3, batch_size=64, max_epochs=epochs, device=DEVICE)
    return {
        "cnn_in": accuracy(cnn, test_in.X, test_in.y),
        "cnn_shifted": accuracy(cnn, test_shift.X, test_shift.y),
        "mlp_in": accuracy(mlp, flat(test_in.X), test_in.y),
        "mlp_shifted": accuracy(mlp, flat(test_shift.X), test_shift.y),
        "cnn_params": count_parameters(cnn),
        "mlp_params": count_parameters(mlp),
    }
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "one data seed for all three data sets: the in-distribution test set repeats training sequences",
        "cell": "ex2-shift-experiment",
        "source": '''def shift_experiment(seed, n_train=600, epochs=8):
    train = make_motif_sequences(n_train, L, region=(40, 52), random_state=seed)
    test_in = make_motif_sequences(400, L, region=(40, 52), random_state=seed)
    test_shift = make_motif_sequences(400, L, region=(100, L), random_state=seed)
    seed_everything(seed)
    cnn = MotifCNN(n_outputs=2, n_filters=16, kernel_size=12)
    fit(cnn, train.X, train.y, lr=1e-2, batch_size=64, max_epochs=epochs, device=DEVICE)
    seed_everything(seed)
    mlp = MLP(4 * L, 2, hidden=(64,))
    fit(mlp, flat(train.X), train.y, lr=1e-3, batch_size=64, max_epochs=epochs, device=DEVICE)
    return {
        "cnn_in": accuracy(cnn, test_in.X, test_in.y),
        "cnn_shifted": accuracy(cnn, test_shift.X, test_shift.y),
        "mlp_in": accuracy(mlp, flat(test_in.X), test_in.y),
        "mlp_shifted": accuracy(mlp, flat(test_shift.X), test_shift.y),
        "cnn_params": count_parameters(cnn),
        "mlp_params": count_parameters(mlp),
    }
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "overlapping data seeds seed, seed + 1, seed + 2: seed 1 trains on seed 0's test set",
        "cell": "ex2-shift-experiment",
        "source": '''def shift_experiment(seed, n_train=600, epochs=8):
    train = make_motif_sequences(n_train, L, region=(40, 52), random_state=seed)
    test_in = make_motif_sequences(400, L, region=(40, 52), random_state=seed + 1)
    test_shift = make_motif_sequences(400, L, region=(100, L), random_state=seed + 2)
    seed_everything(seed)
    cnn = MotifCNN(n_outputs=2, n_filters=16, kernel_size=12)
    fit(cnn, train.X, train.y, lr=1e-2, batch_size=64, max_epochs=epochs, device=DEVICE)
    seed_everything(seed)
    mlp = MLP(4 * L, 2, hidden=(64,))
    fit(mlp, flat(train.X), train.y, lr=1e-3, batch_size=64, max_epochs=epochs, device=DEVICE)
    return {
        "cnn_in": accuracy(cnn, test_in.X, test_in.y),
        "cnn_shifted": accuracy(cnn, test_shift.X, test_shift.y),
        "mlp_in": accuracy(mlp, flat(test_in.X), test_in.y),
        "mlp_shifted": accuracy(mlp, flat(test_shift.X), test_shift.y),
        "cnn_params": count_parameters(cnn),
        "mlp_params": count_parameters(mlp),
    }
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "data seeds seed, seed + 100, seed + 200: seed 100 trains on seed 0's in-distribution test set",
        "cell": "ex2-shift-experiment",
        "source": '''def shift_experiment(seed, n_train=600, epochs=8):
    train = make_motif_sequences(n_train, L, region=(40, 52), random_state=seed)
    test_in = make_motif_sequences(400, L, region=(40, 52), random_state=seed + 100)
    test_shift = make_motif_sequences(400, L, region=(100, L), random_state=seed + 200)
    seed_everything(seed)
    cnn = MotifCNN(n_outputs=2, n_filters=16, kernel_size=12)
    fit(cnn, train.X, train.y, lr=1e-2, batch_size=64, max_epochs=epochs, device=DEVICE)
    seed_everything(seed)
    mlp = MLP(4 * L, 2, hidden=(64,))
    fit(mlp, flat(train.X), train.y, lr=1e-3, batch_size=64, max_epochs=epochs, device=DEVICE)
    return {
        "cnn_in": accuracy(cnn, test_in.X, test_in.y),
        "cnn_shifted": accuracy(cnn, test_shift.X, test_shift.y),
        "mlp_in": accuracy(mlp, flat(test_in.X), test_in.y),
        "mlp_shifted": accuracy(mlp, flat(test_shift.X), test_shift.y),
        "cnn_params": count_parameters(cnn),
        "mlp_params": count_parameters(mlp),
    }
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "fixed weight seed: the data follow the seed, the initial weights do not",
        "cell": "ex2-shift-experiment",
        "source": '''def shift_experiment(seed, n_train=600, epochs=8):
    train = make_motif_sequences(n_train, L, region=(40, 52), random_state=seed)
    test_in = make_motif_sequences(400, L, region=(40, 52), random_state=seed + 1000)
    test_shift = make_motif_sequences(400, L, region=(100, L), random_state=seed + 2000)
    seed_everything(0)
    cnn = MotifCNN(n_outputs=2, n_filters=16, kernel_size=12)
    fit(cnn, train.X, train.y, lr=1e-2, batch_size=64, max_epochs=epochs, device=DEVICE)
    seed_everything(0)
    mlp = MLP(4 * L, 2, hidden=(64,))
    fit(mlp, flat(train.X), train.y, lr=1e-3, batch_size=64, max_epochs=epochs, device=DEVICE)
    return {
        "cnn_in": accuracy(cnn, test_in.X, test_in.y),
        "cnn_shifted": accuracy(cnn, test_shift.X, test_shift.y),
        "mlp_in": accuracy(mlp, flat(test_in.X), test_in.y),
        "mlp_shifted": accuracy(mlp, flat(test_shift.X), test_shift.y),
        "cnn_params": count_parameters(cnn),
        "mlp_params": count_parameters(mlp),
    }
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "skeleton copied with data seeds but no weight seed: the initial weights follow the global RNG",
        "cell": "ex2-shift-experiment",
        "source": '''def shift_experiment(seed, n_train=600, epochs=8):
    train = make_motif_sequences(n_train, L, region=(40, 52), random_state=seed)
    test_in = make_motif_sequences(400, L, region=(40, 52), random_state=seed + 1000)
    test_shift = make_motif_sequences(400, L, region=(100, L), random_state=seed + 2000)
    cnn = MotifCNN(n_outputs=2, n_filters=16, kernel_size=12)
    fit(cnn, train.X, train.y, lr=1e-2, batch_size=64, max_epochs=epochs, device=DEVICE)
    mlp = MLP(4 * L, 2, hidden=(64,))
    fit(mlp, flat(train.X), train.y, lr=1e-3, batch_size=64, max_epochs=epochs, device=DEVICE)
    return {
        "cnn_in": accuracy(cnn, test_in.X, test_in.y),
        "cnn_shifted": accuracy(cnn, test_shift.X, test_shift.y),
        "mlp_in": accuracy(mlp, flat(test_in.X), test_in.y),
        "mlp_shifted": accuracy(mlp, flat(test_shift.X), test_shift.y),
        "cnn_params": count_parameters(cnn),
        "mlp_params": count_parameters(mlp),
    }
''',
        "loses": ["ex2-tests"],
    },
    {
        "name": "single-seed comparison with a made-up margin",
        "cell": "ex2-compare",
        "source": '''shift_seeds = [1]
shift_results = [shift_experiment(1)]
shift_gaps = np.array([shift_results[0]["cnn_shifted"] - shift_results[0]["mlp_shifted"]])
shift_interval = (shift_gaps[0] - 0.05, shift_gaps[0] + 0.05)
''' + _SHIFT_PRINT,
        "loses": ["ex2-tests"],
    },
    {
        "name": "normal 1.96 interval with five seeds (ignores the t distribution)",
        "cell": "ex2-compare",
        "source": '''shift_seeds = [0, 1, 2, 3, 4]
shift_results = [shift_experiment(seed) for seed in shift_seeds]
shift_gaps = np.array([r["cnn_shifted"] - r["mlp_shifted"] for r in shift_results])
half_width = 1.96 * shift_gaps.std(ddof=1) / np.sqrt(len(shift_gaps))
shift_interval = (shift_gaps.mean() - half_width, shift_gaps.mean() + half_width)
''' + _SHIFT_PRINT,
        "loses": ["ex2-tests"],
    },
    {
        "name": "unpaired (Welch) interval: ignores that both networks saw the same data in each seed",
        "cell": "ex2-compare",
        "source": '''from scipy import stats

shift_seeds = [0, 1, 2, 3, 4]
shift_results = [shift_experiment(seed) for seed in shift_seeds]
cnn_shifted = np.array([r["cnn_shifted"] for r in shift_results])
mlp_shifted = np.array([r["mlp_shifted"] for r in shift_results])
shift_gaps = cnn_shifted - mlp_shifted
welch = stats.ttest_ind(cnn_shifted, mlp_shifted, equal_var=False)
shift_interval = tuple(welch.confidence_interval(0.95))
''' + _SHIFT_PRINT,
        "loses": ["ex2-tests"],
    },
    {
        "name": "chooses the source on the lesson's test set (another target)",
        "cell": "ex3-build-target-model",
        "source": '''def build_target_model(candidates, X, y, seed=0):
    scores = {}
    for name, network in candidates.items():
        frozen = reuse_motif_cnn(network, X, y, strategy="frozen", random_state=seed, device=DEVICE)
        scores[name] = auroc(frozen, target_test)
    choice = max(scores, key=scores.get)
    return choice, reuse_motif_cnn(candidates[choice], X, y, strategy="head_first", fine_tune_lr=3e-3,
                                   fine_tune_epochs=20, random_state=seed, device=DEVICE)
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "in-sample choice: a frozen head trained on all 100 target sequences, scored on the same 100",
        "cell": "ex3-build-target-model",
        "source": '''def build_target_model(candidates, X, y, seed=0):
    in_sample = {}
    for name, network in candidates.items():
        frozen = reuse_motif_cnn(network, X, y, strategy="frozen", random_state=seed, device=DEVICE)
        in_sample[name] = roc_auc_score(y, predict_proba(frozen, X)[:, 1])
    choice = max(in_sample, key=in_sample.get)
    return choice, reuse_motif_cnn(candidates[choice], X, y, strategy="head_first", fine_tune_lr=3e-3,
                                   fine_tune_epochs=20, random_state=seed, device=DEVICE)
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "in-sample choice: logistic regression on the frozen features, fitted and scored on all of X",
        "cell": "ex3-build-target-model",
        "source": '''def build_target_model(candidates, X, y, seed=0):
    from sklearn.linear_model import LogisticRegression

    in_sample = {}
    for name, network in candidates.items():
        with torch.no_grad():
            features = network.features(torch.as_tensor(X, device=DEVICE)).cpu().numpy()
        probe = LogisticRegression(max_iter=1000).fit(features, y)
        in_sample[name] = roc_auc_score(y, probe.predict_proba(features)[:, 1])
    choice = max(in_sample, key=in_sample.get)
    return choice, reuse_motif_cnn(candidates[choice], X, y, strategy="head_first", fine_tune_lr=3e-3,
                                   fine_tune_epochs=20, random_state=seed, device=DEVICE)
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "in-sample choice after setting the widest candidate aside: a frozen head trained and scored on all of X",
        "cell": "ex3-build-target-model",
        "source": '''def build_target_model(candidates, X, y, seed=0):
    widest = max(network.n_filters for network in candidates.values())
    in_sample = {}
    for name, network in candidates.items():
        if network.n_filters == widest:      # too many features: it would overfit
            continue
        frozen = reuse_motif_cnn(network, X, y, strategy="frozen", random_state=seed, device=DEVICE)
        in_sample[name] = roc_auc_score(y, predict_proba(frozen, X)[:, 1])
    choice = max(in_sample, key=in_sample.get)
    return choice, reuse_motif_cnn(candidates[choice], X, y, strategy="head_first", fine_tune_lr=3e-3,
                                   fine_tune_epochs=20, random_state=seed, device=DEVICE)
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "in-sample choice after setting the widest candidate aside: logistic regression fitted and scored on all of X",
        "cell": "ex3-build-target-model",
        "source": '''def build_target_model(candidates, X, y, seed=0):
    from sklearn.linear_model import LogisticRegression

    widest = max(network.n_filters for network in candidates.values())
    in_sample = {}
    for name, network in candidates.items():
        if network.n_filters == widest:
            continue
        features = frozen_features(network, X)
        probe = LogisticRegression(max_iter=1000).fit(features, y)
        in_sample[name] = roc_auc_score(y, probe.predict_proba(features)[:, 1])
    choice = max(in_sample, key=in_sample.get)
    return choice, reuse_motif_cnn(candidates[choice], X, y, strategy="head_first", fine_tune_lr=3e-3,
                                   fine_tune_epochs=20, random_state=seed, device=DEVICE)
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "in-sample choice among the candidates with the fewest filters only (every wider one set aside)",
        "cell": "ex3-build-target-model",
        "source": '''def build_target_model(candidates, X, y, seed=0):
    from sklearn.linear_model import LogisticRegression

    fewest = min(network.n_filters for network in candidates.values())
    in_sample = {}
    for name, network in candidates.items():
        if network.n_filters > fewest:       # more filters than needed: they would overfit
            continue
        features = frozen_features(network, X)
        probe = LogisticRegression(max_iter=1000).fit(features, y)
        in_sample[name] = roc_auc_score(y, probe.predict_proba(features)[:, 1])
    choice = max(in_sample, key=in_sample.get)
    return choice, reuse_motif_cnn(candidates[choice], X, y, strategy="head_first", fine_tune_lr=3e-3,
                                   fine_tune_epochs=20, random_state=seed, device=DEVICE)
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "label-blind choice: the candidate whose pooled features vary most on X",
        "cell": "ex3-build-target-model",
        "source": '''def build_target_model(candidates, X, y, seed=0):
    spread = {}
    for name, network in candidates.items():
        device = next(network.parameters()).device
        with torch.no_grad():
            features = network.features(torch.as_tensor(X, device=device)).cpu().numpy()
        spread[name] = features.var(axis=0).sum()     # responds most to these sequences
    choice = max(spread, key=spread.get)
    return choice, reuse_motif_cnn(candidates[choice], X, y, strategy="head_first", fine_tune_lr=3e-3,
                                   fine_tune_epochs=20, random_state=seed, device=DEVICE)
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "hard-coded visible answer",
        "cell": "ex3-build-target-model",
        "source": '''def build_target_model(candidates, X, y, seed=0):
    choice = "net_4"     # the one that won on the visible target
    return choice, reuse_motif_cnn(candidates[choice], X, y, strategy="head_first", fine_tune_lr=3e-3,
                                   fine_tune_epochs=20, random_state=seed, device=DEVICE)
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "keeps the source's four-output head instead of a new two-class head",
        "cell": "ex3-build-target-model",
        "source": '''def build_target_model(candidates, X, y, seed=0):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    cv_auroc = {}
    for name, network in candidates.items():
        with torch.no_grad():
            features = network.features(torch.as_tensor(X, device=next(network.parameters()).device)).cpu().numpy()
        cv_auroc[name] = cross_val_score(LogisticRegression(C=0.1, max_iter=1000), features, y,
                                         cv=StratifiedKFold(5, shuffle=True, random_state=seed), scoring="roc_auc").mean()
    choice = max(cv_auroc, key=cv_auroc.get)
    seed_everything(seed)
    model = copy.deepcopy(candidates[choice])       # the source head (four outputs) is kept and trained on 0/1
    fit(model, X, y, lr=3e-3, batch_size=32, max_epochs=20, device=DEVICE)
    return choice, model
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "right choice, but the network is trained from scratch (the chosen candidate is not used)",
        "cell": "ex3-build-target-model",
        "source": '''def build_target_model(candidates, X, y, seed=0):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    cv_auroc = {}
    for name, network in candidates.items():
        with torch.no_grad():
            features = network.features(torch.as_tensor(X, device=next(network.parameters()).device)).cpu().numpy()
        cv_auroc[name] = cross_val_score(LogisticRegression(C=0.1, max_iter=1000), features, y,
                                         cv=StratifiedKFold(5, shuffle=True, random_state=seed), scoring="roc_auc").mean()
    choice = max(cv_auroc, key=cv_auroc.get)
    return choice, reuse_motif_cnn(candidates[choice], X, y, strategy="scratch", random_state=seed, device=DEVICE)
''',
        "loses": ["ex3-tests"],
    },
]
