"""Local engine: N worker processes that this process manages itself.

Why not ``ProcessPoolExecutor``: one worker dying breaks the whole pool and a
running task cannot be stopped.  Here each worker has its own pipe; a worker
that overruns the per-file limit is SIGKILLed and replaced, one that dies is
replaced, and its file is recorded as ``timeout`` / ``crashed``.

Workers are forked from a forkserver that has already imported the pipeline,
so a fresh worker starts in milliseconds, and no worker inherits the parent's
open DuckDB connection.  A worker exits when its pipe closes, so killing the
parent (even with SIGKILL) leaves no workers behind for long.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection, wait

from ...settings import Settings
from ..worker import DEFAULT_CHECK, Task, check_task
from . import Done, failure

# Imported once in the forkserver so every worker starts warm.
_PRELOAD = ["nianbao.corpus.worker", "nianbao.corpus.preload"]


def _worker_main(conn: Connection, run_id: str | None, check: str, settings: Settings) -> None:
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if task is None:
            return
        try:
            conn.send(check_task(task, run_id, check, settings))
        except (BrokenPipeError, OSError):
            return


class _Worker:
    def __init__(self, ctx: mp.context.BaseContext, run_id: str | None, check: str, settings: Settings) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker_main, args=(child, run_id, check, settings), daemon=True)
        self.proc.start()
        child.close()
        self.task: Task | None = None
        self.started = 0.0

    def give(self, task: Task) -> None:
        self.task, self.started = task, time.monotonic()
        self.conn.send(task)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass  # already gone: nothing to stop
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)
        self.conn.close()


class LocalEngine:
    name = "local"

    def __init__(
        self, workers: int = 2, timeout: float = 120.0, run_id: str | None = None, check: str = DEFAULT_CHECK,
        settings: Settings | None = None,
    ) -> None:
        self.workers = max(1, workers)
        self.check = check
        self.settings = settings or Settings()
        self.timeout = timeout
        self.run_id = run_id
        self.peak_rss_kb: dict[str, int] = {}

    def start(self) -> None:
        """Launch the forkserver now: its warm-up (imports, models, ~3 s of one
        core) then overlaps whatever the caller does next, e.g. finding and
        hashing the files.  Optional: ``map`` starts it when needed."""
        from multiprocessing import forkserver

        mp.get_context("forkserver").set_forkserver_preload(_PRELOAD)
        forkserver.ensure_running()  # returns at once; the server preloads on its own

    def map(self, tasks: Iterable[Task]) -> Iterator[Done]:
        queue = deque(tasks)
        if not queue:
            return
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        pool = [_Worker(ctx, self.run_id, self.check, self.settings) for _ in range(min(self.workers, len(queue)))]
        try:
            while queue or any(w.task for w in pool):
                for w in pool:
                    if w.task is None and queue:
                        w.give(queue.popleft())
                yield from self._collect(pool, ctx)
        finally:
            for w in pool:
                w.stop() if w.task is None else w.kill()

    def _collect(self, pool: list[_Worker], ctx: mp.context.BaseContext) -> Iterator[Done]:
        busy = [w for w in pool if w.task is not None]
        now = time.monotonic()
        wait_s = max(0.0, min(w.started + self.timeout for w in busy) - now)
        ready = set(wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=wait_s))
        for i, w in enumerate(pool):
            task = w.task
            if task is None:
                continue
            if w.conn in ready or w.proc.sentinel in ready:
                try:
                    reply = w.conn.recv()
                except (EOFError, OSError):
                    w.proc.join(5)  # the pipe closed first; wait for the exit status
                    code = w.proc.exitcode
                    w.kill()
                    pool[i] = _Worker(ctx, self.run_id, self.check, self.settings)
                    yield failure(task, "crashed", _crash_text(code), self.run_id, time.monotonic() - w.started)
                    continue
                w.task = None
                key = str(reply.pid)
                self.peak_rss_kb[key] = max(self.peak_rss_kb.get(key, 0), reply.maxrss_kb)
                yield Done(task, reply.rows, reply.maxrss_kb, key, reply.cpu_s)
            elif time.monotonic() - w.started >= self.timeout:
                w.kill()
                pool[i] = _Worker(ctx, self.run_id, self.check, self.settings)
                text = f"stopped after the per-file limit of {self.timeout:g} s; raise --timeout if the file is just large"
                yield failure(task, "timeout", text, self.run_id, self.timeout)


def _crash_text(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        import signal

        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"the worker process died ({name}) while checking this file"
    return f"the worker process exited (code {exitcode}) while checking this file"
