"""Plausible wrong answers for tip03-training; each must lose points (see README.md here)."""

_FIXED_FIT = '''

def fixed_fit(model, X, y, steps=150, lr=1e-2):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    losses = []
    for step in range(steps):
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
'''

_PROBE = '''
def loop_is_broken(fit_fn):
    X = torch.tensor(X_train[:32])
    y = torch.tensor(np.random.default_rng(0).integers(0, 10, size=32))
    seed_everything(0)
    model = MLP(X.shape[1], 10, hidden=(64, 64))
    losses = fit_fn(model, X, y)
'''

_TUNE = '''
def tuned_comparison(X_train, y_train, X_tune, y_tune, seeds):
    X_fit, X_val, y_fit, y_val = train_test_split(X_train, y_train, test_size=0.25, stratify=y_train,
                                                  random_state=0)
    result = {}
    for name in ("adam", "sgd"):
        val_scores = [accuracy(train_seeded(0, X_fit, y_fit, optimizer=name, lr=lr), X_val, y_val)
                      for lr in LR_GRID]
        best = float(LR_GRID[int(np.argmax(val_scores))])
'''

WRONG_ANSWERS = [
    {
        "name": "ignored seed: a fixed seed instead of the argument",
        "cell": "ex1-train-seeded",
        "source": '''
def train_seeded(seed, X, y, optimizer="adam", epochs=10, lr=None):
    seed_everything(0)
    model = MLP(X.shape[1], 2, hidden=(64, 64))
    fit(model, X, y, optimizer=optimizer, lr=lr, max_epochs=epochs, batch_size=32, device=DEVICE)
    return model
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "seeded after the model is built",
        "cell": "ex1-train-seeded",
        "source": '''
def train_seeded(seed, X, y, optimizer="adam", epochs=10, lr=None):
    model = MLP(X.shape[1], 2, hidden=(64, 64))
    seed_everything(seed)
    fit(model, X, y, optimizer=optimizer, lr=lr, max_epochs=epochs, batch_size=32, device=DEVICE)
    return model
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "learning rate argument dropped (always the default)",
        "cell": "ex1-train-seeded",
        "source": '''
def train_seeded(seed, X, y, optimizer="adam", epochs=10, lr=None):
    seed_everything(seed)
    model = MLP(X.shape[1], 2, hidden=(64, 64))
    fit(model, X, y, optimizer=optimizer, max_epochs=epochs, batch_size=32, device=DEVICE)
    return model
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "epochs argument ignored (always fit's 10)",
        "cell": "ex1-train-seeded",
        "source": '''
def train_seeded(seed, X, y, optimizer="adam", epochs=10, lr=None):
    seed_everything(seed)
    model = MLP(X.shape[1], 2, hidden=(64, 64))
    fit(model, X, y, optimizer=optimizer, lr=lr, batch_size=32, device=DEVICE)
    return model
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "optimizer argument ignored (always Adam)",
        "cell": "ex1-train-seeded",
        "source": '''
def train_seeded(seed, X, y, optimizer="adam", epochs=10, lr=None):
    seed_everything(seed)
    model = MLP(X.shape[1], 2, hidden=(64, 64))
    fit(model, X, y, lr=lr, max_epochs=epochs, batch_size=32, device=DEVICE)
    return model
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "number of genes hard-coded (the visible data's 50)",
        "cell": "ex1-train-seeded",
        "source": '''
def train_seeded(seed, X, y, optimizer="adam", epochs=10, lr=None):
    seed_everything(seed)
    model = MLP(50, 2, hidden=(64, 64))
    fit(model, X, y, optimizer=optimizer, lr=lr, max_epochs=epochs, batch_size=32, device=DEVICE)
    return model
''',
        "loses": ["ex1-tests"],
    },
    {
        "name": "a loop whose loss goes down is called working",
        "cell": "ex2-overfit-one-batch",
        "source": _PROBE + '''    return bool(losses[-1] >= losses[0])
''' + _FIXED_FIT,
        "loses": ["ex2a-tests"],
    },
    {
        "name": "high accuracy on the batch is called working",
        "cell": "ex2-overfit-one-batch",
        "source": _PROBE + '''    accuracy_on_batch = (model(X).argmax(1) == y).float().mean().item()
    return bool(accuracy_on_batch < 0.8)
''' + _FIXED_FIT,
        "loses": ["ex2a-tests"],
    },
    {
        "name": "loss recomputed after training, below chance (ln 10), is called working",
        "cell": "ex2-overfit-one-batch",
        "source": _PROBE + '''    with torch.no_grad():
        recomputed = torch.nn.functional.cross_entropy(model(X), y).item()
    return bool(recomputed >= np.log(10))
''' + _FIXED_FIT,
        "loses": ["ex2a-tests"],
    },
    {
        "name": "hard-coded diagnosis: every loop is broken",
        "cell": "ex2-overfit-one-batch",
        "source": '''
def loop_is_broken(fit_fn):
    return True
''' + _FIXED_FIT,
        "loses": ["ex2a-tests"],
    },
    {
        "name": "threshold too strict for a correct loop (loss must be exactly 0)",
        "cell": "ex2-overfit-one-batch",
        "source": _PROBE + '''    return bool(losses[-1] > 1e-6)
''' + _FIXED_FIT,
        "loses": ["ex2a-tests"],
    },
    {
        "name": "fix drops zero_grad along with the softmax",
        "cell": "ex2-overfit-one-batch",
        "source": _PROBE + '''    return bool(losses[-1] > 0.1)


def fixed_fit(model, X, y, steps=150, lr=1e-2):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    losses = []
    for step in range(steps):
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
''',
        "loses": ["ex2b-tests"],
    },
    {
        "name": "optimisers compared at their shared default learning rate",
        "cell": "ex3-optimizers",
        "source": '''
def tuned_comparison(X_train, y_train, X_tune, y_tune, seeds):
    return {name: {"lr": 1e-3,
                   "scores": np.array([accuracy(train_seeded(s, X_train, y_train, optimizer=name), X_tune, y_tune)
                                       for s in seeds])}
            for name in ("adam", "sgd")}
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "hard-coded learning rates (the visible example's best), scores computed",
        "cell": "ex3-optimizers",
        "source": '''
def tuned_comparison(X_train, y_train, X_tune, y_tune, seeds):
    rates = {"adam": 1e-3, "sgd": 3e-2}
    return {name: {"lr": lr,
                   "scores": np.array([accuracy(train_seeded(s, X_train, y_train, optimizer=name, lr=lr), X_tune, y_tune)
                                       for s in seeds])}
            for name, lr in rates.items()}
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "the tuning set used to choose the learning rate",
        "cell": "ex3-optimizers",
        "source": '''
def tuned_comparison(X_train, y_train, X_tune, y_tune, seeds):
    result = {}
    for name in ("adam", "sgd"):
        tune_scores = [accuracy(train_seeded(0, X_train, y_train, optimizer=name, lr=lr), X_tune, y_tune)
                       for lr in LR_GRID]
        best = float(LR_GRID[int(np.argmax(tune_scores))])
        scores = np.array([accuracy(train_seeded(s, X_train, y_train, optimizer=name, lr=best), X_tune, y_tune)
                           for s in seeds])
        result[name] = {"lr": best, "scores": scores}
    return result
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "Adam's scores never computed (placeholder ones)",
        "cell": "ex3-optimizers",
        "source": _TUNE + '''        scores = np.array([accuracy(train_seeded(s, X_train, y_train, optimizer=name, lr=best), X_tune, y_tune)
                           for s in seeds]) if name == "sgd" else np.ones(len(seeds))
        result[name] = {"lr": best, "scores": scores}
    return result
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "ignored seeds: every score from seed 0",
        "cell": "ex3-optimizers",
        "source": _TUNE + '''        score = accuracy(train_seeded(0, X_train, y_train, optimizer=name, lr=best), X_tune, y_tune)
        result[name] = {"lr": best, "scores": np.full(len(seeds), score)}
    return result
''',
        "loses": ["ex3-tests"],
    },
    {
        "name": "scores on the validation split, not the tuning set",
        "cell": "ex3-optimizers",
        "source": _TUNE + '''        scores = np.array([accuracy(train_seeded(s, X_fit, y_fit, optimizer=name, lr=best), X_val, y_val)
                           for s in seeds])
        result[name] = {"lr": best, "scores": scores}
    return result
''',
        "loses": ["ex3-tests"],
    },
]
