"""The review web app: a queue of findings, one page per finding, decisions.

Server-side rendered (FastAPI + Jinja2, autoescaped); one small script for
keyboard shortcuts.  Build it with ``create_app(store, reviewer=…, guard=…)``
and serve it with uvicorn (``nianbao review`` does both).
"""

from __future__ import annotations

import logging
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import cn2an
import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from .. import __version__
from . import export
from .decisions import STATUS_LABELS, STATUSES
from .grid import format_number
from .pages import PageCache, local_pdf, render_page
from .queries import PAGE_SIZE, QUEUE_STATUSES, QueueFilter, ReviewStore
from .rulehelp import rule_help
from .security import CSRF_FIELD, CSRF_HEADER, Guard, add_security_headers

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
SEVERITY_LABELS = {"error": "error", "warning": "warning", "info": "info"}
EXPORTS = {
    "decisions.csv": ("decisions", "csv", "text/csv; charset=utf-8"),
    "decisions.xlsx": ("decisions", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "confirmed.csv": ("confirmed", "csv", "text/csv; charset=utf-8"),
    "confirmed.xlsx": ("confirmed", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


class BadInput(ValueError):
    """A form value the reviewer must fix; the message says how."""


def parse_corrected_value(text: str | None) -> float | None:
    """'1,234' / '28' / '二十八' / '' -> number or None."""
    text = (text or "").strip().replace(",", "").replace("，", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError) as exc:
        raise BadInput(f"corrected value {text!r} is not a number: write it like 28, 1234.5 or 二十八") from exc


def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every template, whatever its name: report text is untrusted
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = format_number
    env.filters["shortpath"] = lambda p: "/".join(str(p or "").replace("!", "/").split("/")[-2:])
    env.filters["when"] = lambda d: d.strftime("%Y-%m-%d %H:%M:%S UTC") if isinstance(d, datetime) else (d or "")
    env.globals.update(
        status_labels=STATUS_LABELS,
        statuses=STATUSES,
        queue_statuses=QUEUE_STATUSES,
        version=__version__,
        csrf_field=CSRF_FIELD,
    )
    # tojson escapes <, >, & and ' (safe in HTML); keep Chinese readable.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False, "default": str}
    return env


def create_app(store: ReviewStore, *, reviewer: str, guard: Guard | None = None) -> FastAPI:
    guard = guard or Guard()
    env = _templates()
    pages = PageCache()
    app = FastAPI(title="nianbao review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store, app.state.guard, app.state.reviewer = store, guard, reviewer
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        html = env.get_template(template).render(
            reviewer=reviewer,
            store_name=store.path.name if store.path else "store",
            csrf_token=guard.csrf_token,
            **context,
        )
        return HTMLResponse(html, status_code=status_code)

    def problem(request: Request, status_code: int, title: str, text: str) -> HTMLResponse:
        return render(request, "message.html", status_code=status_code, title=title, text=text)

    @app.middleware("http")
    async def guard_requests(request: Request, call_next):  # type: ignore[no-untyped-def]
        refused = guard.check_access(request)
        if refused is not None:
            return add_security_headers(refused)
        if request.method not in ("GET", "HEAD"):
            reason = guard.check_origin(request)
            if reason is not None:
                return add_security_headers(Response(reason, status_code=403, media_type="text/plain"))
        return add_security_headers(await call_next(request))

    async def checked_form(request: Request) -> dict[str, str]:
        form = await request.form()
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        token = values.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
        if not guard.check_csrf(token):
            raise PermissionError("form token missing or stale: reload the page and try again")
        return values

    # ---- queue ---------------------------------------------------------
    @app.get("/", response_class=HTMLResponse)
    def queue(request: Request) -> HTMLResponse:
        # A reviewer comes for what is left to decide: the queue opens on "open" ("all" is a tab).
        flt = QueueFilter.from_params(request.query_params, default_status="open")
        page = _page_number(request.query_params.get("page"))
        rows, total = store.queue(flt, page=page)
        return render(
            request,
            "queue.html",
            flt=flt,
            rows=rows,
            total=total,
            page=page,
            pages=max(1, -(-total // PAGE_SIZE)),
            counts=store.status_counts(flt),
            facets=store.facets(),
        )

    # ---- one finding ---------------------------------------------------
    @app.get("/findings/{finding_id}", response_class=HTMLResponse)
    def finding(request: Request, finding_id: str) -> HTMLResponse:
        flt = QueueFilter.from_params(request.query_params)
        detail = store.detail(finding_id)
        if detail is None:
            return problem(request, 404, "No such finding", f"Finding {finding_id} is not in this store.")
        ids = store.queue_ids(flt)
        position = ids.index(finding_id) if finding_id in ids else None
        prev_id = ids[position - 1] if position else None
        next_id = ids[position + 1] if position is not None and position + 1 < len(ids) else None
        saved = request.query_params.get("saved")
        saved_detail = store.detail(saved) if saved and saved != finding_id else None
        f = detail.finding
        return render(
            request,
            "finding.html",
            flt=flt,
            d=detail,
            f=f,
            report=detail.report,
            help=rule_help(f.get("code") or "", f.get("rule") or "", f.get("family") or ""),
            position=position,
            queue_size=len(ids),
            prev_id=prev_id,
            next_id=next_id,
            saved=saved_detail,
            undone=request.query_params.get("undone") == "1",
        )

    @app.post("/findings/{finding_id}/decide")
    async def decide(request: Request, finding_id: str) -> Response:
        try:
            form = await checked_form(request)
        except PermissionError as exc:
            return problem(request, 403, "Request refused", str(exc))
        status = form.get("status", "")
        if status not in STATUSES:
            return problem(request, 400, "Unknown decision", f"Decision {status!r} is not one of {', '.join(STATUSES)}.")
        try:
            corrected = parse_corrected_value(form.get("corrected_value"))
        except BadInput as exc:
            return problem(request, 400, "Corrected value not understood", str(exc))
        flt = QueueFilter.from_params(_query_params(form.get("back", "")))
        ids = store.queue_ids(flt)
        try:
            store.decide(finding_id, status, reviewer=reviewer, comment=form.get("comment"), corrected_value=corrected)
        except KeyError:
            return problem(request, 404, "No such finding", f"Finding {finding_id} is not in this store.")
        target = _next_after(ids, finding_id)
        query = flt.query(saved=finding_id)
        url = f"/findings/{target}?{query}" if target else f"/?{flt.query()}"
        return RedirectResponse(url, status_code=303)

    @app.post("/undo")
    async def undo(request: Request) -> Response:
        try:
            form = await checked_form(request)
        except PermissionError as exc:
            return problem(request, 403, "Request refused", str(exc))
        flt = QueueFilter.from_params(_query_params(form.get("back", "")))
        finding_id = form.get("finding_id") or None
        undone = store.undo(finding_id=finding_id, reviewer=None if finding_id else reviewer)
        if undone is None:
            return problem(request, 409, "Nothing to undo", "There is no decision of yours left to undo.")
        return RedirectResponse(f"/findings/{undone.finding_id}?{flt.query(undone='1')}", status_code=303)

    # ---- PDF page images -----------------------------------------------
    @app.get("/reports/{report_id}/pages/{page}.png")
    def page_image(request: Request, report_id: str, page: int) -> Response:
        finding_id = request.query_params.get("finding")
        report, boxes = store.page_boxes(report_id, page, finding_id)
        if report is None:
            return Response("no such report", status_code=404, media_type="text/plain")
        pdf = local_pdf(report.get("path"), report.get("format"), store.base)
        if pdf is None:
            return Response("this report has no PDF file on disk", status_code=404, media_type="text/plain")
        key = (report_id, page, finding_id)
        png = pages.get(key)
        if png is None:
            try:
                png = render_page(pdf, page, boxes)
            except IndexError as exc:
                return Response(str(exc), status_code=404, media_type="text/plain")
            pages.put(key, png)
        return Response(png, media_type="image/png")

    # ---- exports -------------------------------------------------------
    @app.get("/export/{name}")
    def export_file(request: Request, name: str) -> Response:
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        if name == "gold.zip":
            with tempfile.TemporaryDirectory(prefix="nianbao-gold-") as scratch, store.locked() as con:
                data = export.gold_zip(con, Path(scratch))
            return _download(data, "application/zip", f"nianbao-gold-{stamp}.zip")
        if name not in EXPORTS:
            return problem(request, 404, "No such export", "Exports: " + ", ".join([*EXPORTS, "gold.zip"]))
        what, fmt, media = EXPORTS[name]
        with store.locked() as con:
            data = export.table_export(con, what, fmt, include_history=request.query_params.get("history") == "1")
        return _download(data, media, f"nianbao-{what}-{stamp}.{fmt}")

    return app


def _download(data: bytes, media: str, filename: str) -> Response:
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _page_number(text: str | None) -> int:
    return int(text) if text and text.isdigit() and 0 < int(text) < 1_000_000 else 1


def _query_params(query: str) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(query.lstrip("?")))


def _next_after(ids: list[str], finding_id: str) -> str | None:
    if finding_id in ids:
        i = ids.index(finding_id)
        return ids[i + 1] if i + 1 < len(ids) else None
    return ids[0] if ids else None

