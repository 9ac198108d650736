"""Template context: the access mode, so the frame offers log-in only where it means something."""

from __future__ import annotations

from django.http import HttpRequest

from medcode.accounts.metering import mode


def access(request: HttpRequest) -> dict[str, str]:
    return {"medcode_access": mode()}
