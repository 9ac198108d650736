"""API keys and quotas, members-only mode, and the guest cookie, in one middleware.

It runs after Django's authentication middleware: a request to the API with
``Authorization: Bearer <key>`` acts as the key's account (and counts against its plan's
daily quota); under ``MEDCODE_ACCESS=members`` a visitor who is not logged in is sent to
the log-in page (or, on the API, answered 401). On the way out it hands a guest made during
the request its signed cookie.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect, JsonResponse

from medcode.accounts import apikeys, metering

API_PREFIX = "/api/"
# Pages a visitor must reach before logging in, under MEDCODE_ACCESS=members.
OPEN_PREFIXES = ("/accounts/", "/static/", "/favicon.ico")


class AccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        quota: apikeys.Quota | None = None
        if request.path.startswith(API_PREFIX):
            header = request.headers.get("Authorization", "")
            scheme, _, presented = header.partition(" ")
            if scheme.lower() == "bearer":
                row = apikeys.find_key(presented)
                if row is None:
                    return _error(401, "the API key is not valid (revoked, or mistyped)")
                request.user = row.user
                request.api_key = row  # type: ignore[attr-defined]
                apikeys.touch(row)
                quota = apikeys.count_request(row.user)
                if not quota.allowed:
                    wait = apikeys.Quota.seconds_to_reset()
                    response = _error(
                        429,
                        f"this account's plan allows {quota.limit} API requests a day; "
                        f"the quota renews in {wait} seconds (at 00:00 UTC)",
                    )
                    response["Retry-After"] = str(wait)
                    _quota_headers(response, quota)
                    return response
        if metering.mode() == "members" and not request.user.is_authenticated:
            refused = self._members_only(request)
            if refused is not None:
                return refused
        answer = self.get_response(request)
        metering.set_guest_cookie(request, answer)
        if quota is not None:
            _quota_headers(answer, quota)
        return answer

    def _members_only(self, request: HttpRequest) -> HttpResponseBase | None:
        path = request.path
        admin = "/" + str(getattr(settings, "MEDCODE_ADMIN_PATH", "admin/"))
        if path.startswith(OPEN_PREFIXES) or path.startswith(admin):
            return None
        if path.startswith(API_PREFIX):
            return _error(401, "this medcode is for members: send Authorization: Bearer <key>")
        return HttpResponseRedirect(f"{settings.LOGIN_URL}?next={quote(request.get_full_path())}")


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)


def _quota_headers(response: HttpResponseBase, quota: apikeys.Quota) -> None:
    if quota.limit is None:
        return
    response["X-RateLimit-Limit"] = str(quota.limit)
    response["X-RateLimit-Remaining"] = str(quota.remaining)
    response["X-RateLimit-Reset"] = str(apikeys.Quota.seconds_to_reset())
