"""How fast is ``dlbio.training.fit`` compared with a hand-written PyTorch loop?

Trains the same MLP (100 -> 64 -> 64 -> 2) on the same 20,000 x 100 float32 data with Adam
and mini-batches of 64, three ways, all in this one process:

  (a) ``dlbio.training.fit``;
  (b) a minimal hand-written loop over tensors already on the device
      (``torch.randperm`` + index slices, no loss bookkeeping at all);
  (c) the textbook ``DataLoader(TensorDataset(X, y), batch_size, shuffle=True)`` loop.

Each way is timed ``--repeats`` times after one warm-up epoch (the three ways take turns,
each repeat starting with a different one, so that a slow moment of the machine hits all of
them), and the best time is kept.  Timings
cover ``--epochs`` full epochs; on a GPU the clock stops only after a device sync.

Target: ``fit`` reaches at least 0.95x the samples/second of the hand-written loop.

Usage::

    .venv/bin/python benchmarks/training_loop.py [--epochs 3] [--repeats 3] [--device cpu]
"""
from __future__ import annotations

import argparse
import time

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from dlbio.models import MLP
from dlbio.training import fit, limit_threads, select_device

N_SAMPLES, N_FEATURES, BATCH_SIZE, SEED = 20_000, 100, 64, 0
TARGET_RATIO = 0.95


def make_data(device):
    generator = torch.Generator().manual_seed(SEED)
    X = torch.randn(N_SAMPLES, N_FEATURES, generator=generator)
    y = (X[:, :5].sum(dim=1) > 0).long()  # binary labels that depend on 5 features
    return X.to(device), y.to(device)


def make_model(device):
    torch.manual_seed(SEED)
    return MLP(N_FEATURES, 2, hidden=(64, 64)).to(device)


def run_dlbio(X, y, device, epochs):
    model = make_model(device)
    fit(model, X, y, optimizer="adam", batch_size=BATCH_SIZE, max_epochs=epochs,
        device=device)
    return model


def run_hand_written(X, y, device, epochs):
    model = make_model(device)
    optimizer = torch.optim.Adam(model.parameters())
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    n = len(X)
    for _ in range(epochs):
        order = torch.randperm(n).to(device)
        for start in range(0, n, BATCH_SIZE):
            batch = order[start:start + BATCH_SIZE]
            optimizer.zero_grad()
            loss = loss_fn(model(X[batch]), y[batch])
            loss.backward()
            optimizer.step()
    return model


def run_dataloader(X, y, device, epochs):
    model = make_model(device)
    optimizer = torch.optim.Adam(model.parameters())
    loss_fn = nn.CrossEntropyLoss()
    loader = DataLoader(TensorDataset(X, y), batch_size=BATCH_SIZE, shuffle=True)
    model.train()
    for _ in range(epochs):
        for X_batch, y_batch in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(X_batch), y_batch)
            loss.backward()
            optimizer.step()
    return model


LOOPS = {
    "dlbio fit": run_dlbio,
    "hand-written": run_hand_written,
    "DataLoader": run_dataloader,
}


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


def benchmark(device, epochs, repeats):
    X, y = make_data(device)
    for loop in LOOPS.values():  # warm-up: allocators, kernels, first-call overheads
        loop(X, y, device, 1)
    sync(device)

    best = {name: float("inf") for name in LOOPS}
    names = list(LOOPS)
    for repeat in range(repeats):
        # Take turns, starting with a different loop each time, so that neither a slow
        # moment of the machine nor the loop run just before favours one of them.
        shift = repeat % len(names)
        for name in names[shift:] + names[:shift]:
            loop = LOOPS[name]
            torch.manual_seed(SEED)  # same shuffling for every loop
            sync(device)
            start = time.perf_counter()
            loop(X, y, device, epochs)
            sync(device)
            best[name] = min(best[name], time.perf_counter() - start)

    samples = N_SAMPLES * epochs
    speed = {name: samples / seconds for name, seconds in best.items()}
    print(f"\nDevice {device}: MLP {N_FEATURES}->64->64->2, {N_SAMPLES:,} samples, batch "
          f"{BATCH_SIZE}, Adam, {epochs} epochs, best of {repeats}, "
          f"{torch.get_num_threads()} thread(s)")
    for name in LOOPS:
        print(f"  {name:<13} {speed[name]:>12,.0f} samples/s  ({best[name]:.3f} s)")
    fit_ratio = speed["dlbio fit"] / speed["hand-written"]
    loader_ratio = speed["DataLoader"] / speed["hand-written"]
    verdict = "meets" if fit_ratio >= TARGET_RATIO else "MISSES"
    print(f"  fit / hand-written        = {fit_ratio:.3f}  ({verdict} the target "
          f">= {TARGET_RATIO})")
    print(f"  DataLoader / hand-written = {loader_ratio:.3f}")
    return fit_ratio


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3, help="epochs per timing (default 3)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="timings per loop; the best is kept (default 3)")
    parser.add_argument("--device", default=None,
                        help="'cpu', 'cuda', ... (default: the CPU, then CUDA if available)")
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.repeats < 1:
        parser.error("--epochs and --repeats must be at least 1")

    limit_threads(1)
    if args.device is not None:
        devices = [select_device(args.device)]
    else:
        devices = [torch.device("cpu")]
        if torch.cuda.is_available():
            devices.append(torch.device("cuda"))

    ratios = [benchmark(device, args.epochs, args.repeats) for device in devices]
    return 0 if all(ratio >= TARGET_RATIO for ratio in ratios) else 1


if __name__ == "__main__":
    raise SystemExit(main())
