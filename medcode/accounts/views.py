"""The person's own pages: profile (plan, views left, roles, API keys) and account deletion.

Sign-up, verification, log-in, password reset and change are django-allauth's views under
``/accounts/``; these pages sit beside them.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from medcode.accounts import apikeys, metering, roles
from medcode.accounts.models import ApiKey


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    reader = metering.account_reader(request.user)
    plan = metering.plan_of(reader)
    used = len(metering.counted_codes(reader)) if plan.code_pages is not None else 0
    left = None if plan.code_pages is None else max(0, plan.code_pages - used)
    new_key = request.session.pop("medcode_new_api_key", None)
    return render(
        request,
        "accounts/profile.html",
        {
            "reader": reader,
            "plan": plan,
            "used": used,
            "views_left": left,
            "access_mode": metering.mode(),
            "next_plan": metering.next_plan(plan),
            "roles": roles.roles_of(request.user),
            "keys": ApiKey.objects.filter(user=cast(User, request.user)).order_by("-created"),
            "new_key": new_key,
        },
    )


@login_required
@require_POST
def create_key(request: HttpRequest) -> HttpResponse:
    _row, key = apikeys.create_key(request.user, request.POST.get("name", "").strip())
    # Shown once, on the next page, then dropped from the session.
    request.session["medcode_new_api_key"] = key
    return redirect("accounts-profile")


@login_required
@require_POST
def revoke_key(request: HttpRequest, key_id: int) -> HttpResponse:
    if apikeys.revoke_key(request.user, key_id):
        messages.success(request, "The API key is revoked; requests with it are refused.")
    return redirect("accounts-profile")


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    """Erase the account and everything kept about the person (cascades to their rows)."""
    error = ""
    if request.method == "POST":
        user = request.user
        if not user.check_password(request.POST.get("password", "")):
            error = "That is not your password; the account is not deleted."
        else:
            logout(request)
            user.delete()
            messages.success(
                request, "Your account and everything medcode kept about it are deleted."
            )
            return redirect("/")
    return render(request, "accounts/delete.html", {"error": error}, status=400 if error else 200)
