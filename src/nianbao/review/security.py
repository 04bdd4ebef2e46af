"""Who may talk to the review app, and which requests may change the store.

Reports are untrusted text and the app writes to the store, so three layers:

- access: on loopback only requests addressed to a loopback host name are
  served (a DNS-rebinding page cannot reach us); on any other interface a
  random token is required, passed once as ``?token=`` and then kept in an
  HttpOnly cookie;
- cross-site POSTs: every POST carries the per-process CSRF token (hidden form
  field or ``X-CSRF-Token`` header), and a browser's ``Origin`` /
  ``Sec-Fetch-Site`` headers must say the request comes from this site;
- content: a strict Content-Security-Policy (no inline script) on every page,
  on top of Jinja2 autoescaping.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

TOKEN_COOKIE = "nianbao_review_token"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Never send our URLs to another site.  (Not "no-referrer": Chromium then
    # sends "Origin: null" on our own form POSTs, which the origin check refuses.)
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def is_loopback(host: str) -> bool:
    """True for names and addresses that only this machine can reach."""
    host = host.strip("[]")
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_name(host_header: str) -> str:
    """``127.0.0.1:8765`` -> ``127.0.0.1``; ``[::1]:80`` -> ``::1``."""
    return urlsplit(f"//{host_header}").hostname or ""


@dataclass
class Guard:
    """The app's security settings.  ``token`` None means loopback-only mode."""

    token: str | None = None
    csrf_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    @classmethod
    def for_host(cls, host: str) -> Guard:
        """Loopback binds need no token; any other bind gets a fresh random one."""
        return cls(token=None if is_loopback(host) else secrets.token_urlsafe(24))

    # ---- access ----------------------------------------------------------
    def check_access(self, request: Request) -> Response | None:
        """None when the request may go on, else the response refusing it."""
        if self.token is None:
            host = _host_name(request.headers.get("host", ""))
            if not is_loopback(host):
                return PlainTextResponse(
                    f"This review app only answers on 127.0.0.1/localhost (request was addressed to {host!r}).",
                    status_code=421,
                )
            return None
        given = request.query_params.get("token")
        if given is not None and hmac.compare_digest(given, self.token):
            # Drop the token from the address bar and history, keep it in a cookie.
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            target = request.url.path + (f"?{urlencode(rest)}" if rest else "")
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
            return response
        cookie = request.cookies.get(TOKEN_COOKIE, "")
        if cookie and hmac.compare_digest(cookie, self.token):
            return None
        return PlainTextResponse(
            "Access token missing or wrong: open the address printed when `nianbao review` started "
            "(it ends with ?token=…).",
            status_code=401,
        )

    # ---- cross-site requests -------------------------------------------
    def check_origin(self, request: Request) -> str | None:
        """Reason to refuse a state-changing request from another site, else None."""
        site = request.headers.get("sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            return f"cross-site request refused (Sec-Fetch-Site: {site})"
        origin = request.headers.get("origin")
        if origin is not None:
            expected = f"{request.url.scheme}://{request.headers.get('host', '')}"
            if origin != expected:
                return f"cross-site request refused (Origin {origin} is not {expected})"
        return None

    def check_csrf(self, submitted: str | None) -> bool:
        return bool(submitted) and hmac.compare_digest(submitted, self.csrf_token)


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
