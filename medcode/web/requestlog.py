"""Request ids, the access log and the logging configuration (docs/deploy.md, "Logs").

Every request gets an id: the one nginx sends in ``X-Request-ID`` when it has a safe shape,
else a new one. It is returned in the response's ``X-Request-ID`` header and added to every log
record written while the request runs, so a user's "it failed at 10:02" can be matched to the
traceback. Errors go to stderr with their traceback; ``MEDCODE_LOG_FORMAT=json`` writes one JSON
object per line for log collectors.

The access log is ours rather than gunicorn's so that it carries the request id and leaves out
query strings where they hold what a user typed: a search (``q=``) or a claim check. Claim
bodies are never logged anywhere.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponseBase

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SAFE_ID = re.compile(r"^[A-Za-z0-9_.-]{8,64}$")
# Paths whose query strings are what a user typed: logged without them.
_PRIVATE_QUERY = re.compile(r"^/(api/v1/)?(search|claims)(/|$)")
access_log = logging.getLogger("medcode.access")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class RequestLogMiddleware:
    """Outermost middleware: sets the request id, answers with it, writes the access line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        given = request.headers.get("X-Request-ID", "")
        rid = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        # Left set after the view returns: Django logs 4xx responses after the middleware
        # chain; the id is cleared when the response is closed (request_finished, below).
        request_id_var.set(rid)
        start = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = rid
        ms = round((time.perf_counter() - start) * 1000, 1)
        path = logged_path(request)
        access_log.info(
            "%s %s %s %.1fms",
            request.method,
            path,
            response.status_code,
            ms,
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "ms": ms,
            },
        )
        return response


def _clear_request_id(**kwargs: object) -> None:
    request_id_var.set("-")


request_finished.connect(_clear_request_id, dispatch_uid="medcode.web.requestlog")


def logged_path(request: HttpRequest) -> str:
    """The path as the access log shows it: query strings of searches and claims left out."""
    query = request.META.get("QUERY_STRING", "")
    if not query or _PRIVATE_QUERY.match(request.path):
        return request.path
    return f"{request.path}?{query}"
