"""Dask engine: the same per-file task on a Dask cluster.

Each task carries the file's bytes, so workers need no shared file system and
no access to the input folder: they need only nianbao installed (same
version).  Results come back to this process, which alone writes the store.

At most ``window`` files are in flight at once (so a corpus of 100,000 files
does not sit in the scheduler's memory).  Per-file limit: a task still
unfinished ``timeout`` seconds after it was handed out is recorded as
``timeout`` and cancelled; Dask cannot stop a running thread, so on a cluster
with nannies the worker running it is also restarted.  A task whose workers
die repeatedly (Dask's ``KilledWorker``) is recorded as ``crashed``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..worker import DEFAULT_CHECK, Task, check_task
from . import Done, failure


def _with_bytes(task: Task) -> Task:
    if task.data is not None:
        return task
    return Task(task.display, task.sha256, task.name, None, Path(task.path or task.display).read_bytes())


class DaskEngine:
    name = "dask"

    def __init__(
        self,
        scheduler: str | None = None,
        workers: int = 2,
        timeout: float = 120.0,
        run_id: str | None = None,
        client=None,
        window: int | None = None,
        check: str = DEFAULT_CHECK,
    ) -> None:
        self.check = check
        self.scheduler = scheduler
        self.workers = max(1, workers)
        self.timeout = timeout
        self.run_id = run_id
        self._client = client
        self.window = window
        self.peak_rss_kb: dict[str, int] = {}

    def _connect(self):
        from distributed import Client, LocalCluster

        if self._client is not None:
            return self._client, False
        if self.scheduler:
            return Client(self.scheduler, timeout="30s"), True
        # No scheduler given: a local cluster of single-threaded worker processes,
        # each warmed up (pipeline imported, models loaded) before its first file.
        cluster = LocalCluster(
            n_workers=self.workers, threads_per_worker=1, processes=True,
            host="127.0.0.1", dashboard_address=None, preload=["nianbao.corpus.preload"],
        )
        return Client(cluster), True

    def map(self, tasks: Iterable[Task]) -> Iterator[Done]:
        from distributed import wait

        tasks = list(tasks)
        if not tasks:
            return
        client, owned = self._connect()
        try:
            threads = sum(client.nthreads().values()) or self.workers
            # Two files per thread in flight: workers never wait for the next
            # file, and the time limit (counted from hand-out) includes at most
            # one queued file.
            window = self.window or max(2, 2 * threads)
            todo = iter(tasks)
            started: dict = {}

            def submit_next() -> None:
                task = next(todo, None)
                if task is not None:
                    key = f"nianbao-check-{task.sha256[:16]}-{time.time_ns()}"
                    fut = client.submit(check_task, _with_bytes(task), self.run_id, self.check, pure=False, key=key)
                    started[fut] = (task, time.monotonic())

            for _ in range(window):
                submit_next()
            while started:
                first_deadline = min(t0 for _, t0 in started.values()) + self.timeout
                try:
                    done, _ = wait(
                        list(started), timeout=max(0.05, first_deadline - time.monotonic()),
                        return_when="FIRST_COMPLETED",
                    )
                except TimeoutError:
                    done = set()
                for fut in done:
                    task, t0 = started.pop(fut)
                    yield self._outcome(fut, task, t0)
                    submit_next()
                yield from self._expire(client, started, submit_next)
        finally:
            if owned:
                cluster = getattr(client, "cluster", None)
                client.close()
                if cluster is not None:
                    cluster.close()

    def _outcome(self, fut, task: Task, t0: float) -> Done:
        from distributed.client import FutureCancelledError
        from distributed.scheduler import KilledWorker

        try:
            reply = fut.result()
        except KilledWorker as exc:
            return failure(task.without_data(), "crashed", f"Dask workers died while checking this file: {exc}", self.run_id, time.monotonic() - t0)
        except FutureCancelledError:
            return failure(task.without_data(), "crashed", "the Dask task was cancelled", self.run_id, time.monotonic() - t0)
        except Exception as exc:  # e.g. the task could not be unpickled on the worker
            text = f"the Dask task failed: {type(exc).__name__}: {exc}"
            return failure(task.without_data(), "crashed", text, self.run_id, time.monotonic() - t0)
        worker = str(reply.pid)
        self.peak_rss_kb[worker] = max(self.peak_rss_kb.get(worker, 0), reply.maxrss_kb)
        return Done(task.without_data(), reply.rows, reply.maxrss_kb, worker, reply.cpu_s)

    def _expire(self, client, started: dict, submit_next) -> Iterator[Done]:
        now = time.monotonic()
        for fut, (task, t0) in list(started.items()):
            if now - t0 < self.timeout:
                continue
            started.pop(fut)
            workers = [w for w, keys in client.processing().items() if fut.key in keys]
            fut.cancel()
            if workers:
                try:
                    client.restart_workers(workers, raise_for_error=False)
                except (ValueError, TypeError) as exc:  # no nanny (processes=False): cannot restart
                    print(f"note: could not restart the Dask worker stuck on {task.display}: {exc}")
            text = f"stopped after the per-file limit of {self.timeout:g} s; raise --timeout if the file is just large"
            yield failure(task.without_data(), "timeout", text, self.run_id, self.timeout)
            submit_next()
