"""The review app: reviewers work through findings in the browser.

``nianbao review --store corpus.duckdb`` serves it (see ``server.serve``);
``create_app`` builds it for tests.  Modules: ``queries`` (what pages read),
``decisions`` (what they write), ``grid`` (tables as printed), ``pages`` (PDF
page images), ``export`` (CSV/XLSX/gold), ``security`` (token, CSRF, CSP).
"""

from __future__ import annotations

from .app import create_app
from .queries import ReviewStore
from .server import serve

__all__ = ["ReviewStore", "create_app", "serve"]
