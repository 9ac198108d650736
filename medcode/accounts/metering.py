"""Metered access to code pages: who is reading, how many distinct codes they opened, and
what a page or an API answer may show them.

``MEDCODE_ACCESS`` picks the mode: ``open`` shows everything to everyone, ``members`` asks
everyone to log in (and then shows everything), ``metered`` counts distinct code pages per
reader and rolling period against the reader's plan. The descriptors and our plain-language
description are never gated; the sections in ``GATED_SECTIONS`` are.

Counting is atomic in the database: the first sight of a code in a period takes a lock on
the reader's row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE``,
which the settings make every transaction start with, serializes writers), then counts and
inserts. Re-opening a code already counted reads and writes nothing else.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from medcode.accounts.models import CodeView, GuestAddressDay, Plan, Reader

GUEST_COOKIE = "medcode_guest"
GUEST_SALT = "medcode.accounts.guest"
GUEST_COOKIE_AGE = 400 * 24 * 3600

#: Sections of a code page shown only to a reader with a view of it, by their page anchor.
GATED_SECTIONS: dict[str, tuple[str, str]] = {
    "medicare": (
        "Medicare status and payment",
        "the fee schedule status, relative value units, national and locality amounts, "
        "payment policy indicators and payer crosswalks",
    ),
    "modifiers": ("Modifiers", "which modifiers apply to this code, and why"),
    "edits": (
        "NCCI edits",
        "the procedure-to-procedure pairs, medically unlikely edit units and add-on code edits",
    ),
    "coverage": ("Coverage", "the national coverage determinations that list this code"),
    "history": ("History", "every change to this code across the loaded releases"),
}
#: The fields of a code's JSON answer that carry the gated sections.
GATED_FIELDS: dict[str, str] = {
    "fees": "medicare",
    "locality_fees": "medicare",
    "crosswalks": "medicare",
    "modifiers": "modifiers",
    "ptp": "edits",
    "mue": "edits",
    "add_on": "edits",
    "coverage": "coverage",
    "history": "history",
}


def mode() -> str:
    return str(getattr(settings, "MEDCODE_ACCESS", "metered"))


@dataclass
class Access:
    """What one request may see of one code, and the reader's meter after it."""

    mode: str
    full: bool
    plan: Plan | None = None
    used: int = 0
    reason: str = ""  # "no-views", "address-cap" or "log-in" when not full
    signed_in: bool = False
    unlocking: Plan | None = field(default=None)

    @property
    def limit(self) -> int | None:
        return None if self.plan is None else self.plan.code_pages

    @property
    def views_left(self) -> int | None:
        if self.mode != "metered" or self.limit is None:
            return None
        return max(0, self.limit - self.used)

    @property
    def metered(self) -> bool:
        return self.mode == "metered" and self.limit is not None

    @property
    def more(self) -> int | None:
        """How many more code pages the unlocking plan gives (None: every one)."""
        plan = self.unlocking
        if plan is None or plan.code_pages is None:
            return None
        return max(0, plan.code_pages - (self.limit or 0))

    @property
    def message(self) -> str:
        return unlock_message(self)

    def locked(self, section: str) -> dict[str, Any]:
        """The marker that stands for a gated field in a JSON answer."""
        plan = self.unlocking
        return {
            "locked": True,
            "section": section,
            "plan": plan.name if plan else None,
            "message": unlock_message(self),
        }


def unlock_message(access: Access) -> str:
    plan = access.unlocking
    if access.reason == "address-cap":
        return (
            "Too many new guest visits from your network today: log in or register a free "
            "account to keep reading."
        )
    if access.reason == "log-in":
        return "Log in to read this section."
    if not access.signed_in:
        extra = ""
        more = access.more
        if more:
            extra = f" to get {more} more code page{'s' if more != 1 else ''}"
        return f"Log in, or register a free account{extra}."
    if plan is not None:
        return f"Upgrade to the {plan.label} plan to read every code page in full."
    return "You have used this period's code pages."


# --- plans ---------------------------------------------------------------------------------


# Plans are a handful of rows read on every metered page: each process keeps them for a
# minute, so an edit in the admin applies everywhere within that time without a query per page.
PLAN_CACHE_SECONDS = 60.0
_plans: dict[str, Any] = {"at": -PLAN_CACHE_SECONDS, "by_id": {}, "by_name": {}}


def _plan_table() -> dict[str, Any]:
    now = time.monotonic()
    if now - _plans["at"] >= PLAN_CACHE_SECONDS:
        rows = list(Plan.objects.all())
        _plans.update(
            at=now, by_id={p.pk: p for p in rows}, by_name={p.name: p for p in rows}, rows=rows
        )
    return _plans


def forget_plans() -> None:
    """Read plans again on next use (after an edit in this process)."""
    _plans["at"] = -PLAN_CACHE_SECONDS


#: The plans metering names; a migration creates them, and they are made again here if gone.
DEFAULT_PLANS: dict[str, dict[str, Any]] = {
    "guest": {"label": "Guest", "code_pages": 1, "api_requests_per_day": 100, "rank": 0},
    "free": {"label": "Free account", "code_pages": 6, "api_requests_per_day": 1000, "rank": 10},
    "member": {"label": "Member", "code_pages": None, "api_requests_per_day": 50000, "rank": 20},
}


def plan_named(name: str) -> Plan:
    plan = _plan_table()["by_name"].get(name)
    if plan is None:
        forget_plans()
        if name in DEFAULT_PLANS:
            plan, _ = Plan.objects.get_or_create(name=name, defaults=DEFAULT_PLANS[name])
        else:
            plan = Plan.objects.get(name=name)
    return plan  # type: ignore[no-any-return]


def plan_of(reader: Reader) -> Plan:
    plan = _plan_table()["by_id"].get(reader.plan_id)
    if plan is None:  # a plan made since the table was read
        forget_plans()
        plan = _plan_table()["by_id"].get(reader.plan_id) or reader.plan
    return plan  # type: ignore[no-any-return]


def next_plan(plan: Plan | None) -> Plan | None:
    """The plan a reader on ``plan`` would move to for more access (by rank)."""
    if plan is None:
        return None
    for other in _plan_table()["rows"]:
        if other.rank <= plan.rank:
            continue
        if other.code_pages is None or other.code_pages > (plan.code_pages or 0):
            return other  # type: ignore[no-any-return]
    return None


# --- readers -------------------------------------------------------------------------------


# The hot path reads a reader and the codes it opened in one plain-SQL query: building ORM
# queries costs more than running them (bench/metering.py).
_READER_SQL = (
    "SELECT r.id, r.key, r.plan_id, r.user_id, v.code, v.counted_at"
    " FROM accounts_reader r LEFT JOIN accounts_codeview v ON v.reader_id = r.id"
    " WHERE {where}"
)


def _read_reader(where: str, param: Any) -> Reader | None:
    with connection.cursor() as cursor:
        cursor.execute(_READER_SQL.format(where=where), [param])
        found = cursor.fetchall()
    if not found:
        return None
    pk, key, plan_id, user_id = found[0][:4]
    reader = Reader(id=pk, key=key, plan_id=plan_id, user_id=user_id)
    reader._views = {  # type: ignore[attr-defined]
        code: _aware(counted_at) for *_, code, counted_at in found if code is not None
    }
    return reader


def _aware(value: Any) -> datetime:
    """A timestamp column as an aware datetime (SQLite returns text, PostgreSQL a datetime)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value  # type: ignore[no-any-return]


def account_reader(user: Any) -> Reader:
    """The reader row of an account, made on first use with the ``free`` plan."""
    cached = getattr(user, "_medcode_reader", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    reader = _read_reader("r.user_id = %s", user.pk)
    if reader is None:
        try:
            with transaction.atomic():
                reader = Reader.objects.create(user=user, plan=plan_named("free"))
        except IntegrityError:  # made by a concurrent request
            reader = Reader.objects.get(user=user)
    user._medcode_reader = reader
    return reader


def guest_reader(request: HttpRequest) -> Reader | None:
    """The guest named by the request's signed cookie, if it names one."""
    value = request.get_signed_cookie(GUEST_COOKIE, default=None, salt=GUEST_SALT)
    if not value:
        return None
    try:
        key = uuid.UUID(value)
    except ValueError:
        return None
    param = Reader._meta.get_field("key").get_db_prep_value(key, connection)
    return _read_reader("r.key = %s AND r.user_id IS NULL", param)


def request_reader(request: HttpRequest, *, create: bool) -> tuple[Reader | None, str]:
    """The reader the meter counts for; with ``create`` a new guest when the cap allows.

    Returns the reader (or None) and, when none, why: ``address-cap`` when this address made
    its day's share of guest identities.
    """
    cached = getattr(request, "_medcode_reader", None)
    if cached is not None:
        return cached, ""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        reader: Reader | None = account_reader(user)
    else:
        reader = guest_reader(request)
        if reader is None and create:
            if not _take_guest_slot(client_address(request)):
                return None, "address-cap"
            reader = Reader.objects.create(plan=plan_named("guest"))
            request._medcode_new_guest = reader  # type: ignore[attr-defined]
    if reader is not None:
        request._medcode_reader = reader  # type: ignore[attr-defined]
    return reader, ""


def set_guest_cookie(request: HttpRequest, response: HttpResponseBase) -> None:
    """Hand a guest made during this request its signed cookie (called by the middleware)."""
    reader = getattr(request, "_medcode_new_guest", None)
    if reader is None:
        return
    response.set_signed_cookie(
        GUEST_COOKIE,
        str(reader.key),
        salt=GUEST_SALT,
        max_age=GUEST_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
    )


def client_address(request: HttpRequest) -> str:
    """The client's address, trusting X-Forwarded-For only as far as the proxy setting says."""
    from allauth.account.adapter import get_adapter

    return str(get_adapter(request).get_client_ip(request) or "unknown")


def _address_hash(address: str, day: date) -> str:
    # Keyed with the day: the stored value cannot be linked from one day to the next, and
    # rows are deleted after a day, so no address is kept, in clear or otherwise, for long.
    key = f"{settings.SECRET_KEY}:guest-address:{day.isoformat()}".encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


def _take_guest_slot(address: str) -> bool:
    """Count one new guest identity for an address today; False when it had its share."""
    cap = int(getattr(settings, "MEDCODE_GUESTS_PER_ADDRESS", 10))
    today = timezone.now().date()
    digest = _address_hash(address, today)
    rows = GuestAddressDay.objects.filter(day=today, address_hash=digest)
    for _attempt in range(2):
        # A conditional UPDATE is atomic on both databases: two requests cannot both take
        # the last slot.
        if rows.filter(created_count__lt=cap).update(created_count=F("created_count") + 1):
            return True
        if rows.exists():
            return False
        if cap <= 0:
            return False
        try:
            with transaction.atomic():
                GuestAddressDay.objects.create(day=today, address_hash=digest, created_count=1)
        except IntegrityError:
            continue  # another request made today's row first: count against it
        GuestAddressDay.objects.filter(day__lt=today - timedelta(days=1)).delete()
        return True
    return False


# --- counting ------------------------------------------------------------------------------


def counted_codes(reader: Reader, now: Any = None, *, fresh: bool = False) -> list[str]:
    """The codes counted against the reader's current period.

    Uses the views read with the reader unless ``fresh`` (under the lock, counting again).
    """
    since = (now or timezone.now()) - timedelta(days=plan_of(reader).period_days)
    views = None if fresh else getattr(reader, "_views", None)
    if views is not None:
        return [code for code, at in views.items() if at >= since]
    return list(
        CodeView.objects.filter(reader=reader, counted_at__gte=since).values_list("code", flat=True)
    )


def open_code(reader: Reader, code: str) -> tuple[bool, int]:
    """Count ``code`` for the reader if the plan allows: (shown in full, codes used)."""
    plan = plan_of(reader)
    if plan.code_pages is None:
        return True, 0
    now = timezone.now()
    codes = counted_codes(reader, now)
    if code in codes:
        return True, len(codes)  # re-opening a code costs nothing
    if len(codes) >= plan.code_pages:
        return False, len(codes)
    since = now - timedelta(days=plan.period_days)
    ops = connection.ops
    with transaction.atomic(), connection.cursor() as cursor:
        # Lock the reader, then count again: concurrent first views are taken one at a time
        # (FOR UPDATE on PostgreSQL; on SQLite the transaction began IMMEDIATE, holding the
        # database's write lock already).
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        cursor.execute(f"SELECT id FROM accounts_reader WHERE id = %s{lock}", [reader.pk])
        cursor.execute(
            "SELECT code FROM accounts_codeview WHERE reader_id = %s AND counted_at >= %s",
            [reader.pk, ops.adapt_datetimefield_value(since)],
        )
        codes = [found for (found,) in cursor.fetchall()]
        if code in codes:
            return True, len(codes)
        if len(codes) >= (plan.code_pages or 0):
            return False, len(codes)
        # Views older than the period count for nothing (a code seen then counts again from
        # now), so they are dropped: the table stays as small as the plan.
        cursor.execute(
            "DELETE FROM accounts_codeview WHERE reader_id = %s AND (counted_at < %s OR code = %s)",
            [reader.pk, ops.adapt_datetimefield_value(since), code],
        )
        cursor.execute(
            "INSERT INTO accounts_codeview (reader_id, code, counted_at) VALUES (%s, %s, %s)",
            [reader.pk, code, ops.adapt_datetimefield_value(now)],
        )
    if hasattr(reader, "_views"):
        reader._views[code] = now
    return True, len(codes) + 1


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def code_access(request: HttpRequest, code: str, *, count: bool = True) -> Access:
    """What the request may see of ``code``; with ``count`` a first view is counted."""
    current = mode()
    if current == "open":
        return Access(current, True)
    signed_in = _signed_in(request)
    if current == "members":
        if signed_in:
            return Access(current, True, signed_in=True)
        return Access(current, False, reason="log-in", signed_in=False)
    reader, why = request_reader(request, create=count)
    if reader is None:
        guest = plan_named("guest")
        if why == "address-cap":
            return Access(
                current, False, guest, guest.code_pages or 0, why, False, next_plan(guest)
            )
        # Not counting (an htmx part of a page) and no guest yet: nothing opened.
        return Access(current, False, guest, 0, "no-views", False, next_plan(guest))
    plan = plan_of(reader)
    if count:
        full, used = open_code(reader, code)
    else:
        codes = counted_codes(reader) if plan.code_pages is not None else []
        full, used = (plan.code_pages is None or code in codes), len(codes)
    return Access(current, full, plan, used, "" if full else "no-views", signed_in, next_plan(plan))


def gate_answer(answer: dict[str, Any], access: Access) -> dict[str, Any]:
    """A code's JSON answer with each gated field replaced by a ``locked`` marker."""
    if access.full:
        return answer
    gated = dict(answer)
    for name, section in GATED_FIELDS.items():
        if name in gated:
            gated[name] = access.locked(section)
    return gated


def merge_guest_into(request: HttpRequest, user: Any) -> None:
    """At log-in, the codes the guest opened count for the account (not again, not twice)."""
    guest = guest_reader(request)
    if guest is None:
        return
    reader = account_reader(user)
    have = set(CodeView.objects.filter(reader=reader).values_list("code", flat=True))
    CodeView.objects.bulk_create(
        [
            CodeView(reader=reader, code=v.code, counted_at=v.counted_at)
            for v in CodeView.objects.filter(reader=guest)
            if v.code not in have
        ]
    )
