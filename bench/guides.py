"""Time rendering each guide (live facts + scenario claims) against an already loaded database.

    DATABASE_URL=sqlite:///var/medcode.sqlite3 python bench/guides.py [ROUNDS]

Prints, per guide, the number of live facts and scenarios and the median and worst render time
in milliseconds (the first render of a process is reported apart: it warms the store caches).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")

import django

django.setup()

from medcode.guides.content import guides  # noqa: E402
from medcode.guides.render import render_guide  # noqa: E402


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    today = date.today()
    first = time.perf_counter()
    for guide in guides().values():
        render_guide(guide, guide.default_date(today))
    print(
        f"first render of all {len(guides())} guides (cold caches): "
        f"{(time.perf_counter() - first) * 1000:.0f} ms"
    )
    print(f"{'guide':<48} {'facts':>5} {'scen.':>5} {'p50 ms':>8} {'max ms':>8}")
    for guide in guides().values():
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            rendered = render_guide(guide, guide.default_date(today))
            times.append((time.perf_counter() - start) * 1000)
        print(
            f"{guide.slug:<48} {len(rendered.facts):>5} {len(rendered.scenarios):>5} "
            f"{statistics.median(times):>8.1f} {max(times):>8.1f}"
        )


if __name__ == "__main__":
    main()
