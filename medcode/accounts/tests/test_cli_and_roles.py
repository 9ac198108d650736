"""Operators on the command line, roles as groups, and the admin for staff only."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User

from medcode import cli
from medcode.accounts.metering import account_reader
from medcode.accounts.models import Plan
from medcode.accounts.roles import ROLES, UnknownRole, has_role
from medcode.accounts.tests.fixtures import PASSWORD, account, client

pytestmark = pytest.mark.django_db


def run(argv: list[str], capsys: Any, stdin: str = "") -> tuple[int, str, str]:
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = cli.main(argv)
    finally:
        sys.stdin = old
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_default_plans_and_roles_exist() -> None:
    plans = {p.name: (p.code_pages, p.period_days) for p in Plan.objects.all()}
    from django.contrib.auth.models import Group

    assert plans == {"guest": (1, 30), "free": (6, 30), "member": (None, 30)}
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "editor",
        "consultant",
        "employer",
        "admin",
    }
    assert list(ROLES) == ["editor", "consultant", "employer", "admin"]


def test_an_operator_creates_a_member_with_a_role(capsys: Any) -> None:
    code, out, _ = run(
        [
            "user",
            "create",
            "boss@clinic.example",
            "--plan",
            "member",
            "--role",
            "employer",
            "--password-stdin",
        ],
        capsys,
        stdin=PASSWORD + "\n",
    )

    user = User.objects.get(email="boss@clinic.example")
    assert code == 0 and "created boss@clinic.example" in out
    assert account_reader(user).plan.name == "member"
    assert has_role(user, "employer") and not has_role(user, "editor")
    assert not user.is_staff
    assert client().login(username=user.username, password=PASSWORD)


def test_an_administrator_reaches_the_admin_and_others_do_not(capsys: Any, settings: Any) -> None:
    run(
        ["user", "create", "root@clinic.example", "--role", "admin", "--password-stdin"],
        capsys,
        stdin=PASSWORD + "\n",
    )
    account("plain@clinic.example")
    admin = client()
    admin.login(username=User.objects.get(email="root@clinic.example").username, password=PASSWORD)
    plain = client()
    plain.login(username=User.objects.get(email="plain@clinic.example").username, password=PASSWORD)

    assert admin.get("/admin/accounts/plan/").status_code == 200
    assert plain.get("/admin/accounts/plan/").status_code == 302  # to the admin's log-in
    assert has_role(User.objects.get(email="root@clinic.example"), "admin")


def test_an_operator_moves_an_account_to_another_plan(capsys: Any) -> None:
    account("mover@example.org")

    code, out, _ = run(["user", "plan", "mover@example.org", "member"], capsys)
    bad, _, err = run(["user", "plan", "mover@example.org", "gold"], capsys)
    missing, _, err2 = run(["user", "plan", "nobody@example.org", "member"], capsys)

    assert code == 0 and "member" in out
    assert account_reader(User.objects.get(email="mover@example.org")).plan.name == "member"
    assert bad == 2 and "plan 'gold': no such plan (known: guest, free, member)" in err
    assert missing == 2 and "nobody@example.org: no account with this email address" in err2


def test_an_operator_issues_an_api_key(capsys: Any, settings: Any) -> None:
    account("robot@example.org")

    code, out, err = run(["apikey", "create", "robot@example.org", "--name", "nightly"], capsys)

    key = out.strip()
    assert code == 0 and key.startswith("mc_")
    assert "shown once" in err
    answer = client().get("/api/v1/releases", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert answer.status_code == 200


def test_bad_input_is_named(capsys: Any) -> None:
    code, _, err = run(["user", "create", "not-an-address"], capsys)
    weak, _, err2 = run(["user", "create", "a@example.org", "--password-stdin"], capsys, "123\n")

    assert code == 2 and "'not-an-address' is not an email address" in err
    assert weak == 2 and "password:" in err2
    assert not User.objects.filter(email="a@example.org").exists()


def test_has_role_refuses_unknown_roles_and_anonymous_users() -> None:
    with pytest.raises(UnknownRole, match="role 'boss'"):
        has_role(AnonymousUser(), "boss")
    assert not has_role(AnonymousUser(), "editor")
