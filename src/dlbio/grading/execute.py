"""A crash-proof replacement for nbgrader's ``Execute`` preprocessor.

nbgrader executes a submission with nbclient in one kernel.  When that kernel dies (``os._exit``,
a segfault, the machine running out of memory) nbclient raises ``DeadKernelError``, nbgrader marks
the whole notebook as failed and every point earned before the crash is lost.
:class:`CrashProofExecute` is a subclass of nbgrader's ``Execute`` that runs the notebook cell by
cell, like its parent, and

* gives every cell a wall-clock limit (the inherited ``Execute.timeout``).  A cell that runs past
  it is interrupted; when the interrupt does not stop it, the kernel is restarted;
* watches the memory of the kernel and its child processes (resident set size, polled several
  times a second) and stops the kernel when it exceeds ``memory_limit``;
* makes ``os._exit`` in the kernel's own process raise ``KernelExitRefused`` (a
  ``BaseException``, so ``except Exception`` does not hide it) instead of ending the kernel: the cell fails and scores 0, as a crash would,
  but the kernel and its state survive, so nothing has to be restarted or re-run.  Child
  processes (multiprocessing, forked workers) still exit normally.  Turn it off with
  ``guard_exit = False``;
* stops a finished kernel at once (``shutdown_kernel = "immediate"``) rather than asking it to
  shut down and waiting, since nothing it holds is needed any more;
* when the kernel died, writes an error into the cell that killed it (so that cell scores 0,
  and the student sees why in the feedback), starts a new kernel, re-runs the earlier cells
  quietly to rebuild their state (skipping the cells that crashed or timed out), and carries on
  with the next cell.  Tests that passed before the crash keep their outputs and points; later
  tests that do not depend on the crashed cell earn theirs.

It is plugged into nbgrader through configuration, with no fork or patch::

    c.Autograde.autograde_preprocessors = [CrashProofExecute, IgnorePattern, ...]

(:func:`dlbio.grading.worker.grading_config` does this).  The error outputs it writes have the
names ``KernelDied``, ``KernelExitRefused``, ``MemoryLimitExceeded`` and ``CellTimeoutError``,
which the class report counts.
"""
from __future__ import annotations

import resource
import signal
import subprocess
import threading
import time

from jupyter_core.utils import ensure_async, run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Bool, Enum, Float, Integer

__all__ = ["CrashProofExecute", "KERNEL_EVENTS"]

#: Error names that :class:`CrashProofExecute` writes into a cell when the grader intervened.
KERNEL_EVENTS = ("KernelDied", "KernelExitRefused", "MemoryLimitExceeded", "CellTimeoutError")

GB = 1024 ** 3

#: Run silently in every new kernel when ``guard_exit`` is on.  It replaces ``os._exit`` in the
#: kernel's own process only: a forked child (multiprocessing, Optuna's workers) has another pid
#: and exits as usual.
EXIT_GUARD = """
def _dlbio_guard_exit():
    import os

    real_exit, kernel_pid = os._exit, os.getpid()

    class KernelExitRefused(BaseException):  # not caught by `except Exception`
        pass

    def guarded_exit(status, _real=real_exit, _pid=kernel_pid):
        if os.getpid() != _pid:
            _real(status)
        raise KernelExitRefused(f"os._exit({status}) would have ended the kernel; the grader "
                                "stopped it here, so this cell scores 0 and the cells below run.")

    os._exit = guarded_exit


_dlbio_guard_exit()
del _dlbio_guard_exit
"""


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class CrashProofExecute(Execute):
    """nbgrader's ``Execute``, restarting a dead kernel and carrying on with the next cell."""

    memory_limit = Float(
        2.0, help="Most memory (GB, resident set size of the kernel and its children) that one "
                  "submission may use; the kernel is stopped when it uses more.  0 turns it off.",
    ).tag(config=True)

    address_space_factor = Float(
        4.0, help="The kernel's address space (RLIMIT_AS) is capped at this many times "
                  "memory_limit, so that a single huge allocation fails at once with MemoryError.  "
                  "0 turns the cap off (do so on CUDA machines, where the driver reserves a lot of "
                  "virtual memory).",
    ).tag(config=True)

    max_restarts = Integer(
        5, help="Most kernel restarts per notebook; after that the remaining cells are not run.",
    ).tag(config=True)

    poll_interval = Float(0.05, help="Seconds between two memory measurements.").tag(config=True)

    guard_exit = Bool(
        True, help="Make os._exit in the kernel's process fail the cell (KernelExitRefused) "
                   "instead of ending the kernel, which would cost a restart and a re-run of the "
                   "earlier cells.  A segfault or the memory limit still ends the kernel.",
    ).tag(config=True)

    shutdown_kernel = Enum(
        ["graceful", "immediate"], default_value="immediate",
        help="How to stop the kernel once the notebook is graded.  nbclient's default, "
             "'graceful', sends a shutdown request and polls until the kernel has exited, which "
             "took 0.5-3 s per submission here while the kernel's core sat idle; the grader needs "
             "nothing from a finished kernel, so 'immediate' kills its process group at once.",
    ).tag(config=True)

    # ------------------------------------------------------------------------------------
    # Cell by cell, with restarts
    # ------------------------------------------------------------------------------------
    async def async_start_new_kernel(self, **kwargs):
        # The kernel process's own console (not the cells' outputs, which travel over ZeroMQ)
        # only carries start-up notices that would clutter the grader's progress bar.
        kwargs.setdefault("stdout", subprocess.DEVNULL)
        kwargs.setdefault("stderr", subprocess.DEVNULL)
        await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        if self.guard_exit:
            msg_id = await ensure_async(kc.execute(EXIT_GUARD, silent=True, store_history=False,
                                                   allow_stdin=False))
            await self.async_wait_for_reply(msg_id)
        return kc

    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    def preprocess(self, nb, resources=None, km=None):
        self._skip = set()        # cells not to replay after a restart (crashed or stuck)
        self._restarts = 0
        self._gave_up = None      # reason, once max_restarts is reached
        self._watchdog = None
        try:
            return super().preprocess(nb, resources, km)
        finally:
            self._stop_watchdog()

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, self.resources
        if self._gave_up:
            cell.outputs = [self._error("KernelDied", f"This cell was not run: {self._gave_up}")]
            return cell, self.resources
        self._ensure_watchdog()
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            reason = self._death_reason()
            name = "MemoryLimitExceeded" if self._watchdog and self._watchdog.exceeded else "KernelDied"
            self._fail_cell(cell, name, f"The kernel stopped while running this cell: {reason}. "
                                        "The grader restarted it and graded the cells below.")
            self._restart(index)
        except CellTimeoutError:
            # The cell ran past the limit and kept the kernel busy after the interrupt.
            self._fail_cell(cell, "CellTimeoutError",
                            f"This cell ran for more than {self.timeout} s and did not stop when "
                            "interrupted. The grader restarted the kernel and graded the cells below.")
            self._restart(index)
        else:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error" and out.get("ename") == "CellTimeoutError":
                    # Interrupted in time: the kernel lives on.  Say what happened.
                    self._skip.add(index)
                    out["evalue"] = (f"This cell ran for more than {self.timeout} s, so the grader "
                                     "interrupted it and graded the cells below.")
                    out["traceback"] = [f"\x1b[0;31mCellTimeoutError\x1b[0m: {out['evalue']}"]
        return cell, self.resources

    @staticmethod
    def _error(name: str, message: str) -> NotebookNode:
        return NotebookNode(output_type="error", ename=name, evalue=message,
                            traceback=[f"\x1b[0;31m{name}\x1b[0m: {message}"])

    def _fail_cell(self, cell, name: str, message: str) -> None:
        self.log.warning("cell %s: %s: %s", cell.get("id", "?"), name, message)
        cell.setdefault("outputs", []).append(self._error(name, message))

    def _death_reason(self) -> str:
        watchdog = self._watchdog
        if watchdog and watchdog.exceeded:
            return (f"it used {watchdog.peak / GB:.1f} GB of memory, more than the limit of "
                    f"{self.memory_limit:g} GB per submission")
        code = None
        provisioner = getattr(self.km, "provisioner", None)
        process = getattr(provisioner, "process", None)
        if process is not None:
            try:
                code = process.wait(timeout=2)
            except Exception:  # still running or already reaped
                code = process.poll()
        if code is None:
            return "the kernel process stopped responding"
        if code < 0:
            name = _signal_name(-code)
            what = {"SIGSEGV": " (segmentation fault)", "SIGKILL": " (killed, often for lack of memory)",
                    "SIGABRT": " (aborted)"}.get(name, "")
            return f"the kernel was ended by {name}{what}"
        return f"the kernel process exited with status {code} (os._exit or sys.exit in the code?)"

    def _restart(self, index: int) -> None:
        self._skip.add(index)
        self._stop_watchdog()
        try:
            self._cleanup_kernel()
        except Exception as exc:  # a dead kernel can fail to clean up; start afresh anyway
            self.log.warning("cleaning up the dead kernel failed: %s", exc)
        self.kc = None
        self.km = None
        self._restarts += 1
        if self._restarts > self.max_restarts:
            self._gave_up = f"the kernel died {self._restarts} times, more than the grader allows"
            # A kernel for setup_kernel's clean-up on exit.
        self.km = self.create_kernel_manager()
        self.start_new_kernel()
        self.start_new_kernel_client()
        if not self._gave_up:
            self._ensure_watchdog()
            self._replay(index)

    async def _async_replay(self, upto: int) -> None:
        """Re-run cells ``0 .. upto-1`` silently (no outputs are written into the notebook)."""
        for j, cell in enumerate(self.nb.cells[:upto]):
            if cell.cell_type != "code" or not cell.source.strip() or j in self._skip:
                continue
            msg_id = await ensure_async(self.kc.execute(cell.source, silent=True, store_history=False,
                                                        allow_stdin=False, stop_on_error=False))
            try:
                reply = await self.async_wait_for_reply(msg_id, cell)
            except DeadKernelError:
                raise
            if reply is None:  # timed out again while replaying
                self._skip.add(j)

    def _replay(self, upto: int) -> None:
        try:
            run_sync(self._async_replay)(upto)
        except DeadKernelError:
            # The state cannot be rebuilt: start clean and carry on without it.
            self.log.warning("the kernel died again while re-running earlier cells")
            self._restart_clean()

    def _restart_clean(self) -> None:
        self._stop_watchdog()
        try:
            self._cleanup_kernel()
        except Exception:
            pass
        self.kc = None
        self.km = self.create_kernel_manager()
        self.start_new_kernel()
        self.start_new_kernel_client()
        self._ensure_watchdog()

    # ------------------------------------------------------------------------------------
    # Memory
    # ------------------------------------------------------------------------------------
    def _kernel_pid(self):
        provisioner = getattr(self.km, "provisioner", None)
        return getattr(provisioner, "pid", None)

    def _ensure_watchdog(self) -> None:
        pid = self._kernel_pid()
        if pid is None or (self._watchdog is not None and self._watchdog.pid == pid):
            return
        self._stop_watchdog()
        if self.memory_limit > 0 and self.address_space_factor > 0:
            cap = int(self.memory_limit * self.address_space_factor * GB)
            try:
                resource.prlimit(pid, resource.RLIMIT_AS, (cap, cap))
            except (OSError, ValueError, AttributeError) as exc:
                self.log.warning("could not cap the kernel's address space: %s", exc)
        if self.memory_limit > 0:
            self._watchdog = _MemoryWatchdog(pid, int(self.memory_limit * GB), self.poll_interval)
            self._watchdog.start()

    def _stop_watchdog(self) -> None:
        if getattr(self, "_watchdog", None) is not None:
            self._watchdog.stop()
        # keep the object: _death_reason reads it after the kernel died


class _MemoryWatchdog(threading.Thread):
    """Stops a process tree whose resident memory exceeds ``limit`` bytes."""

    def __init__(self, pid: int, limit: int, interval: float):
        super().__init__(daemon=True, name=f"dlbio-memory-watchdog-{pid}")
        self.pid, self.limit, self.interval = pid, limit, interval
        self.exceeded = False
        self.peak = 0
        self.children_every = max(1, round(1.0 / interval))
        self._stop_event = threading.Event()

    def stop(self) -> None:
        self._stop_event.set()

    def run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        procs, polls = [root], 0
        while not self._stop_event.is_set():
            try:
                if polls % self.children_every == 0:
                    # Listing children scans every process on the machine: do it about once a
                    # second, and only read the memory of the known processes in between.
                    procs = [root] + root.children(recursive=True)
                polls += 1
                rss = 0
                for proc in procs:
                    try:
                        rss += proc.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                return  # the kernel is gone
            self.peak = max(self.peak, rss)
            if rss > self.limit:
                self.exceeded = True
                for proc in reversed(procs):
                    try:
                        proc.kill()
                    except psutil.Error:
                        pass
                return
            time.sleep(self.interval)
