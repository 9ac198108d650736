"""A ``Server-Timing`` header on every response: how long the application took to answer.

Benchmarks (``bench/api.py``) and browsers' developer tools read it to tell the server's time
from the network's and the client's. It is the outermost middleware, so the figure covers the
other middleware, the view and the serialization of its answer, but not the WSGI server.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        start = time.perf_counter()
        response = self.get_response(request)
        # Streaming responses (none in medcode today) are timed up to their first byte.
        elapsed = (time.perf_counter() - start) * 1000
        response["Server-Timing"] = f"app;dur={elapsed:.2f}"
        return response
