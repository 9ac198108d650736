"""What metered access adds to a code page, server-side: the same pages with metering off
(MEDCODE_ACCESS=open) and on, for the readers metering treats differently.

    cp var/medcode.sqlite3 /tmp/bench-accounts.sqlite3   # the bench writes meter rows
    DATABASE_URL=sqlite:////tmp/bench-accounts.sqlite3 python bench/metering.py [ROUNDS]

Each request goes through Django's test client (every middleware, the view, the template);
the figure is the application's own time from the ``Server-Timing`` header. Readers:

- open: metering off, the baseline (anonymous);
- open, logged in: metering off, a logged-in reader (Django loads session and user anyway);
- member: metered, an unlimited plan (one read of the reader row);
- free, again: a free account re-opening a code it already counted (the common case);
- free, first view: the code is counted now (lock the reader, count, insert), the write path;
- guest, gated: a guest with no views left, whose page skips the gated sections.

Prints the median and 95th percentile per reader over every page, in milliseconds, and the
difference of the medians from ``open`` (guests) and ``open, logged in`` (accounts).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable

PAGES = ["/codes/97110", "/codes/99213", "/codes/E11.65", "/codes/G0283", "/codes/27447"]
DAY = "2026-01-15"
PASSWORD = "bench passphrase not secret 1"


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from medcode.accounts.metering import account_reader
    from medcode.accounts.models import CodeView, Plan
    from medcode.accounts.operators import create_user

    call_command("migrate", verbosity=0)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A free plan wide enough for every first view the bench makes.
    Plan.objects.update_or_create(
        name="bench-free",
        defaults={"label": "Bench free", "code_pages": 10**6, "period_days": 30, "rank": 5},
    )

    def signed_in(email: str, plan: str) -> tuple[Client, object]:
        user = User.objects.filter(email=email).first() or create_user(
            email, password=PASSWORD, plan=plan
        )
        reader = account_reader(user)
        reader.plan = Plan.objects.get(name=plan)
        reader.save(update_fields=["plan"])
        c = Client(HTTP_HOST="127.0.0.1")
        c.force_login(user)
        return c, reader

    member, _ = signed_in("bench-member@example.org", "member")
    free, free_reader = signed_in("bench-free@example.org", "bench-free")
    guest = Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR="192.0.2.99")

    def timed(client: Client, url: str) -> float:
        response = client.get(url, {"date": DAY})
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        return float(response["Server-Timing"].split("dur=")[1])

    def forget_views(url: str) -> None:
        # Only this page's code: the others stay counted for "free, again".
        code = url.rsplit("/", 1)[1].replace(".", "")
        CodeView.objects.filter(reader=free_reader, code=code).delete()

    settings.MEDCODE_GUESTS_PER_ADDRESS = 10**6
    settings.MEDCODE_ACCESS = "metered"
    timed(guest, "/codes/A4550")  # the guest's one view goes to another code
    cases: list[tuple[str, str, Client, Callable[[str], None] | None]] = [
        ("open", "open", Client(HTTP_HOST="127.0.0.1"), None),
        # Logged in, metering off: the session and user a logged-in page reads anyway.
        ("open, logged in", "open", free, None),
        ("member", "metered", member, None),
        ("free, again", "metered", free, None),
        ("free, first view", "metered", free, forget_views),
        ("guest, gated", "metered", guest, None),
    ]
    for _name, access, client, _before in cases:
        settings.MEDCODE_ACCESS = access
        for url in PAGES:
            timed(client, url)  # warm connections, templates, caches; count the views
    print(f"database: {connection.vendor}; {rounds} rounds x {len(PAGES)} pages; date {DAY}")
    print("cases interleaved round by round, so a busy machine slows them alike")
    wall: dict[str, list[float]] = {name: [] for name, *_ in cases}
    cpu: dict[str, list[float]] = {name: [] for name, *_ in cases}
    for _ in range(rounds):
        for name, access, client, before in cases:
            settings.MEDCODE_ACCESS = access
            for url in PAGES:
                if before is not None:
                    before(url)
                started = time.thread_time()
                wall[name].append(timed(client, url))
                cpu[name].append((time.thread_time() - started) * 1000)
    print(f"{'reader':<20} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'p50 - open':>11}")
    medians = {name: statistics.median(wall[name]) for name in wall}
    for name, *_ in cases:
        samples = sorted(wall[name])
        base = medians["open" if name.startswith(("open", "guest")) else "open, logged in"]
        print(
            f"{name:<20} {medians[name]:>8.2f} {samples[int(len(samples) * 0.95)]:>8.2f}"
            f" {statistics.median(cpu[name]):>8.2f} {medians[name] - base:>+11.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
