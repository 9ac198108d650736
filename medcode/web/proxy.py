"""The client's address behind the nginx that `medcode serve` starts.

gunicorn then listens only on a Unix socket in a private folder, so requests reach Django with
an empty ``REMOTE_ADDR``; the address nginx saw arrives in ``X-Real-IP``. Only a request that
came through that socket (empty ``REMOTE_ADDR``) is believed: when gunicorn faces the network
itself, ``REMOTE_ADDR`` is the peer's address and a client's own ``X-Real-IP`` is ignored.
The metering's per-address guest cap and the log-in rate limits need the address.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase


class ClientAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.META.get("REMOTE_ADDR"):
            forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
            if forwarded:
                request.META["REMOTE_ADDR"] = forwarded
        return self.get_response(request)
