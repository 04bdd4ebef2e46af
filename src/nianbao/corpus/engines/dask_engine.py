"""Dask engine: the same per-file check on a Dask cluster.

Each task carries its files' bytes, so workers need no shared file system and
no access to the input folder: they need only nianbao installed (same
version).  Results come back to this process, which alone writes the store.

A task checks ``files_per_task`` files (default 4): per-task overhead in the
scheduler and client is then paid once per chunk, not per file.  At most two
chunks per worker thread are in flight, so a corpus of 100,000 files never
sits in the scheduler's memory.

Failures: a chunk still unfinished ``timeout`` seconds after it was handed
out, or whose worker died, is cancelled and its files are re-run one per task,
so only the culprit is recorded: as ``timeout`` (its worker is restarted
through its nanny, since Dask cannot stop a running thread) or ``crashed``
(Dask's ``KilledWorker``, after its retries).  A single file is recorded only
after failing twice, since a restart for one file can kill or delay another.
The limit counts from hand-out, so it includes up to one queued chunk.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path

from ...settings import Settings
from ..worker import DEFAULT_CHECK, Reply, Task, check_task
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
        files_per_task: int = 4,
        settings: Settings | None = None,
    ) -> None:
        self.check = check
        self.settings = settings or Settings()
        self.files_per_task = max(1, files_per_task)
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

        queue: deque[list[Task]] = deque()
        chunk: list[Task] = []
        for task in tasks:
            chunk.append(task)
            if len(chunk) == self.files_per_task:
                queue.append(chunk)
                chunk = []
        if chunk:
            queue.append(chunk)
        if not queue:
            return
        client, owned = self._connect()
        try:
            threads = sum(client.nthreads().values()) or self.workers
            window = self.window or max(2, 2 * threads)
            started: dict = {}  # future -> (chunk, hand-out time)

            def submit_next() -> None:
                while queue and len(started) < window:
                    files = queue.popleft()
                    key = f"nianbao-check-{files[0].sha256[:16]}-{time.time_ns()}"
                    payload = [_with_bytes(t) for t in files]
                    fut = client.submit(check_tasks, payload, self.run_id, self.check, self.settings, pure=False, key=key)
                    started[fut] = (files, time.monotonic())

            def one_by_one(files: list[Task]) -> None:
                queue.extendleft([t] for t in reversed(files))

            # A single file that fails may be collateral damage (its worker was
            # restarted for another file): it gets one more try, alone, at the end.
            tries: dict[str, int] = {}

            def last_try(task: Task) -> bool:
                tries[task.sha256] = tries.get(task.sha256, 0) + 1
                if tries[task.sha256] >= 2:
                    return True
                queue.append([task])
                return False

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
                    files, t0 = started.pop(fut)
                    try:
                        # Bounded: the result may sit on a worker that just died,
                        # and Dask then waits for a recomputation.
                        replies = fut.result(timeout=self.timeout)
                    except Exception as exc:  # KilledWorker, cancelled, lost result, unpicklable, …
                        if len(files) > 1:
                            one_by_one(files)  # find the culprit
                        elif last_try(files[0]):
                            yield failure(files[0].without_data(), "crashed", _crash_text(exc), self.run_id, time.monotonic() - t0)
                        continue
                    for task, reply in zip(files, replies):
                        worker = str(reply.pid)
                        self.peak_rss_kb[worker] = max(self.peak_rss_kb.get(worker, 0), reply.maxrss_kb)
                        yield Done(task.without_data(), reply.rows, reply.maxrss_kb, worker, reply.cpu_s)
                for files in self._expire(client, started):
                    if len(files) > 1:
                        one_by_one(files)
                    elif last_try(files[0]):
                        text = f"stopped after the per-file limit of {self.timeout:g} s; raise --timeout if the file is just large"
                        yield failure(files[0].without_data(), "timeout", text, self.run_id, self.timeout)
                submit_next()
        finally:
            if owned:
                cluster = getattr(client, "cluster", None)
                client.close()
                if cluster is not None:
                    cluster.close()

    def _expire(self, client, started: dict) -> list[list[Task]]:
        """Cancel chunks past the limit (restarting their workers); return their files."""
        now = time.monotonic()
        expired = []
        for fut, (files, t0) in list(started.items()):
            if now - t0 < self.timeout:
                continue
            started.pop(fut)
            workers = [w for w, keys in client.processing().items() if fut.key in keys]
            fut.cancel()
            if workers:
                try:
                    client.restart_workers(workers, raise_for_error=False)
                except (ValueError, TypeError) as exc:  # no nanny (processes=False): cannot restart
                    print(f"note: could not restart the Dask worker stuck on {files[0].display}: {exc}")
            expired.append(files)
        return expired


def check_tasks(tasks: list[Task], run_id: str | None, check: str, settings: Settings) -> list[Reply]:
    """The Dask task: check a chunk of files, one reply per file."""
    return [check_task(task, run_id, check, settings) for task in tasks]


def _crash_text(exc: BaseException) -> str:
    from distributed.scheduler import KilledWorker

    if isinstance(exc, KilledWorker):
        return f"Dask workers died while checking this file: {exc}"
    return f"the Dask task failed: {type(exc).__name__}: {exc}"
