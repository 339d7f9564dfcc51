"""Execute one notebook and measure it: ``python run_notebook.py --mode M IN OUT RECORD``.

Run as a child process of the test suite so that its peak memory can be told apart from
the suite's.  The peak RSS is the larger of (a) the sampled sum over every descendant
process (the kernel and anything the kernel starts) and (b) the largest single
descendant's own peak reported by the operating system.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import threading
import time
import traceback

import psutil


class TreeMemorySampler(threading.Thread):
    """Samples the summed RSS of all descendants of this process every ``interval`` s."""

    def __init__(self, interval: float = 0.05):
        super().__init__(daemon=True)
        self.interval = interval
        self.peak_bytes = 0
        self._stop_event = threading.Event()
        self._me = psutil.Process(os.getpid())

    def run(self):
        while not self._stop_event.is_set():
            total = 0
            for child in self._me.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    pass
            self.peak_bytes = max(self.peak_bytes, total)
            self._stop_event.wait(self.interval)

    def stop(self):
        self._stop_event.set()
        self.join()


def execute_solution(source: str, output: str) -> None:
    import papermill

    papermill.execute_notebook(source, output, kernel_name="python3", progress_bar=False,
                               log_output=False, cwd=os.path.dirname(source) or ".",
                               execution_timeout=180)


def execute_student(source: str, output: str) -> None:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(source, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=180,
                            resources={"metadata": {"path": os.path.dirname(source) or "."}})
    client.execute()
    nbformat.write(nb, output)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["solution", "student"], required=True)
    parser.add_argument("source")
    parser.add_argument("output")
    parser.add_argument("record")
    args = parser.parse_args()

    sampler = TreeMemorySampler()
    sampler.start()
    start = time.perf_counter()
    status, error = "ok", ""
    try:
        (execute_solution if args.mode == "solution" else execute_student)(args.source, args.output)
    except Exception:  # the record says what went wrong; the test decides
        status, error = "error", traceback.format_exc()[-6000:]
    wall = time.perf_counter() - start
    sampler.stop()
    # ru_maxrss is in KiB on Linux: the largest single finished descendant (the kernel).
    largest_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    peak = max(sampler.peak_bytes, largest_child)
    with open(args.record, "w") as fh:
        json.dump({"status": status, "error": error, "wall_s": round(wall, 2),
                   "peak_rss_mb": round(peak / 2**20, 1)}, fh)


if __name__ == "__main__":
    main()
