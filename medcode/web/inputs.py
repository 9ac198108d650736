"""Query strings that no page can answer: a NUL character is refused with a 400.

PostgreSQL cannot hold a NUL in text, so any filter that reaches the database with one (the
job board's, the answer library's, a search's) would end in a 500 there and not on SQLite.
No code, word or date contains one, so the request is refused once, here, for every view.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse


class NulQueryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if any(
            "\x00" in key or "\x00" in value
            for key, values in request.GET.lists()
            for value in values
        ):
            message = "the query string holds a NUL character (%00), which no field accepts"
            if request.path.startswith("/api/"):
                return JsonResponse({"ok": False, "error": message}, status=400)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
