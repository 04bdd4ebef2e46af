"""Run the review app with uvicorn (what ``nianbao review`` calls)."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

import uvicorn

from .app import create_app
from .queries import ReviewStore
from .security import Guard, is_loopback

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def default_reviewer() -> str:
    try:
        return os.environ.get("NIANBAO_REVIEWER") or getpass.getuser()
    except (KeyError, OSError):  # no login name (e.g. a container user without passwd entry)
        return "reviewer"


def serve(store_path: str | Path, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, reviewer: str | None = None) -> None:
    """Open the store, print where to go, and serve until interrupted."""
    store = ReviewStore.open(store_path)
    guard = Guard.for_host(host)
    app = create_app(store, reviewer=reviewer or default_reviewer(), guard=guard)
    shown_host = f"[{host}]" if ":" in host else host
    if host in ("0.0.0.0", "::"):
        shown_host = "<this machine's address>"
    url = f"http://{shown_host}:{port}/"
    if guard.token:
        print(f"nianbao review: listening on {host}:{port}, reachable from other machines.", flush=True)
        print(f"Open {url}?token={guard.token}", flush=True)
        print("(the token is needed once per browser; keep it private)", flush=True)
    else:
        print(f"nianbao review: open {url}  (this machine only; Ctrl-C stops)", flush=True)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    """``python -m nianbao.review --store PATH [--host H] [--port P] [--reviewer NAME]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m nianbao.review", description="Serve the review app.")
    parser.add_argument("--store", required=True, type=Path)
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--reviewer", default=None)
    args = parser.parse_args(argv)
    try:
        serve(args.store, host=args.host, port=args.port, reviewer=args.reviewer)
    except (FileNotFoundError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "BackgroundServer", "default_reviewer", "is_loopback", "main", "serve"]


class BackgroundServer:
    """Serve an app on a free loopback port in a thread (tests, screenshots)::

        with BackgroundServer(app) as url:
            ...
    """

    def __init__(self, app, host: str = DEFAULT_HOST, port: int = 0) -> None:  # type: ignore[no-untyped-def]
        import socket

        if port == 0:
            with socket.socket() as s:
                s.bind((host, 0))
                port = s.getsockname()[1]
        self.host, self.port = host, port
        self.server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False))
        self.thread = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> str:
        import threading
        import time

        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"review app did not start on {self.url}")
            time.sleep(0.02)
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout=10)
