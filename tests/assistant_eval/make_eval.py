# ruff: noqa: E501 - a one-off data script; its long lines are SQL and question templates
"""Writes the assistant's evaluation set (build.json and heldout.json) from the CMS files.

Run once by hand: ``.venv/bin/python tests/assistant_eval/make_eval.py``. Expected facts are
read here from CMS's own files in ../shared/cms (csv, txt, the gz PTP table) or, for the xlsx
tables (NCD spreadsheet, add-on codes), from the loaded database's rows of them: never from
the assistant's output. The questions are split alternately into a build half (used while
building) and a held-out half (only measured); both were written before any tuning.
Only codes, indicator values and amounts go into the files: no CPT descriptor text.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import sqlite3
import sys
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

CMS = Path(__file__).resolve().parents[3] / "shared" / "cms"
if not CMS.exists():
    CMS = Path("/work/shared/cms")
HERE = Path(__file__).resolve().parent
rng = random.Random(20261130)


def hcpcs_records() -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    with zipfile.ZipFile(CMS / "hcpcs/january-2025-alpha-numeric-hcpcs-file.zip") as z:
        name = next(n for n in z.namelist() if n.endswith(".txt") and "ANWEB" in n)
        text = z.read(name).decode("latin-1")
    codes: dict[str, dict[str, str]] = {}
    mods: dict[str, str] = {}
    for line in text.splitlines():
        rec = line[10:11]
        if rec == "3":
            code = line[0:5].strip()
            codes[code] = {
                "long": line[11:91].strip(),
                "short": line[91:119].strip(),
                "add": line[268:276].strip(),
                "term": line[284:292].strip(),
            }
        elif rec == "7":
            mods[line[3:5].strip()] = line[11:91].strip()
    return codes, mods


def icd10cm() -> dict[str, tuple[bool, str]]:
    with zipfile.ZipFile(CMS / "icd10cm/2026-code-descriptions-tabular-order.zip") as z:
        text = z.read("icd10cm_order_2026.txt").decode("latin-1")
    return {line[6:13].strip(): (line[14] == "1", line[77:].strip()) for line in text.splitlines()}


def pfs() -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    with open(CMS / "pfs_rvu/rvu25d/PPRRVU2025_Oct.csv", encoding="latin-1") as f:
        reader = csv.reader(f)
        for n, r in enumerate(reader):
            if n < 10 or len(r) < 25 or r[1]:
                continue
            rows[r[0]] = {
                "status": r[3], "work": r[5], "pe_nf": r[6], "pe_f": r[8], "mp": r[10],
                "nf_total": r[11], "f_total": r[12], "pctc": r[13], "cf": r[24],
            }  # fmt: skip
    return rows


def gpci() -> list[dict[str, str]]:
    out = []
    with open(CMS / "pfs_rvu/rvu25d/GPCI2025.csv", encoding="latin-1") as f:
        for n, r in enumerate(csv.reader(f)):
            if n >= 3 and len(r) >= 7 and r[0].strip().isdigit():
                out.append(
                    {
                        "mac": r[0],
                        "state": r[1],
                        "loc": r[2],
                        "name": r[3],
                        "w": r[4],
                        "p": r[5],
                        "m": r[6],
                    }
                )
    return out


def mue() -> dict[str, tuple[str, str]]:
    raw = (
        (CMS / "ncci_mue/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv")
        .read_bytes()
        .decode("cp1252")
    )
    out = {}
    for n, r in enumerate(csv.reader(io.StringIO(raw))):
        if n >= 2 and len(r) >= 3 and r[0]:
            out[r[0].strip()] = (r[1].strip(), r[2].strip()[:1])
    return out


ALL_PTP_CODES: set[str] = set()


def ptp() -> dict[tuple[str, str], str]:
    out = {}
    with gzip.open(
        CMS / "ncci_ptp/ccipra-v302r0-2024q3-practitioner.txt.gz", "rt", encoding="latin-1"
    ) as f:
        for n, line in enumerate(f):
            if n < 6:
                continue
            p = line.rstrip("\n").split("\t")
            ALL_PTP_CODES.update(p[:2])
            if len(p) >= 6 and p[4] == "*" and p[5] in ("0", "1"):
                out[(p[0], p[1])] = p[5]
    return out


def money(d: Decimal) -> str:
    return f"${d.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


class Rows:
    """What the generator asks of a database: ``execute(sql, params)`` with ``?`` marks."""

    def __init__(self, execute: Any) -> None:
        self._execute = execute

    def execute(self, sql: str, params: Any = ()) -> Any:
        return self._execute(sql, params)


def build_items(db: Any) -> list[dict[str, Any]]:
    """Every question, in order, with its id; the same files always give the same set."""
    global rng
    rng = random.Random(20261130)
    hc, mods = hcpcs_records()
    icd = icd10cm()
    fee = pfs()
    places = gpci()
    mues = mue()
    edits = ptp()
    known = (
        set(hc) | set(icd) | set(fee) | set(mues) | {a for a, _ in edits} | {b for _, b in edits}
    )
    # Every code any loaded table lists, so a "nonexistent" code is in none of them.
    known |= ALL_PTP_CODES
    for table, column in (
        ("edits_addoncodeedit", "addon_code"),
        ("edits_addoncodeedit", "primary_code"),
        ("coverage_ncdprocedure", "hcpcs_code"),
        ("edits_mueedit", "code"),
    ):
        known |= {r[0] for r in db.execute(f"SELECT DISTINCT {column} FROM {table}")}
    items: list[dict] = []

    def nonexistent_near(code: str) -> str:
        for d in "0123456789":
            cand = code[:-1] + d
            if cand not in known:
                return cand
        return "99999" if "99999" not in known else "Z9999"

    def add(
        cat: str,
        q: str,
        date: str | None,
        state: list[str],
        cite: list[str],
        not_mention: list[str] | None = None,
        decline: bool = False,
    ) -> None:
        items.append(
            {
                "category": cat,
                "question": q,
                "date": date,
                "must_state": state,
                "must_cite": cite,
                "must_not_mention": not_mention or [],
                "decline": decline,
            }
        )

    # codes: HCPCS long descriptions, ICD-10-CM titles, CPT codes (no descriptor text kept)
    active_hc = sorted(c for c, r in hc.items() if not r["term"] and c[0] in "ABCEGJKLQ")
    for c in rng.sample(active_hc, 14):
        form = rng.choice(
            ["What is HCPCS code {c}?", "What does {c} mean?", "Describe code {d}", "{c}?"]
        )
        d = c[0] + "-" + c[1:]
        add(
            "codes",
            form.format(c=c, d=d),
            "2025-02-01",
            [hc[c]["long"][:30]],
            [c],
            [nonexistent_near(c)],
        )
    billable = sorted(c for c, (b, _) in icd.items() if b)
    for c in rng.sample(billable, 12):
        dotted = c[:3] + "." + c[3:] if len(c) > 3 else c
        form = rng.choice(
            ["What is ICD-10 code {d}?", "What does {c} mean?", "meaning of diagnosis code {d}"]
        )
        add("codes", form.format(c=c, d=dotted), "2025-11-01", [icd[c][1][:30]], [dotted])
    cpts = sorted(c for c, r in fee.items() if c[:1].isdigit() and r["status"] == "A")
    for c in rng.sample(cpts, 8):
        add(
            "codes",
            f"What is CPT {c}?",
            "2025-11-01",
            ["is a CPT code"],
            [c],
            [nonexistent_near(c)],
        )

    # validity by date
    for c in rng.sample(billable, 10):
        dotted = c[:3] + "." + c[3:]
        add(
            "validity",
            f"Is {dotted} billable on 2025-11-01?",
            None,
            ["is a valid ICD-10-CM code and billable"],
            [dotted],
        )
    headers = sorted(c for c, (b, _) in icd.items() if not b and len(c) >= 4)
    for c in rng.sample(headers, 8):
        dotted = c[:3] + "." + c[3:]
        add(
            "validity",
            f"Is {dotted} a valid billable code for a date of service of November 3, 2025?",
            None,
            ["not billable"],
            [dotted],
        )
    termed = sorted(c for c, r in hc.items() if r["term"] and r["term"] < "20250101")
    for c in rng.sample(termed, 6) if len(termed) >= 6 else termed:
        add("validity", f"Is {c} still valid on 02/01/2025?", None, ["terminated"], [c])
    for c in rng.sample(active_hc, 8):
        add("validity", f"Is {c} valid on 2025-02-15?", None, ["is valid"], [c])

    # PTP pairs (v302r0, July-September 2024)
    in_store = set(fee) | set(hc)
    pairs = sorted(p for p in edits if p[0] in in_store and p[1] in in_store)
    for a, b in rng.sample(pairs, 24):
        form = rng.choice(
            [
                "Can I bill {a} with {b} on 2024-08-01?",
                "Can {a} and {b} be billed together on August 1, 2024?",
                "Is there an NCCI edit between {b} and {a} for 8/1/2024?",
            ]
        )
        add("ptp", form.format(a=a, b=b), None, [f"modifier indicator {edits[(a, b)]}"], [a, b])
    ec = sorted(in_store & set(cpts))
    n = 0
    while n < 10:
        a, b = rng.sample(ec, 2)
        if (a, b) not in edits and (b, a) not in edits:
            add(
                "ptp",
                f"Can {a} and {b} be billed together on 2024-08-01?",
                None,
                ["No NCCI PTP edit"],
                [a, b],
            )
            n += 1

    # units: MUE values and the 8-minute rule
    mcodes = sorted(c for c in mues if c in in_store)
    for c in rng.sample(mcodes, 24):
        v, mai = mues[c]
        add(
            "units",
            f"How many units of {c} can be billed per day (MUE) on 2026-05-01?",
            None,
            [f"MUE for {c} is {v} unit", f"indicator {mai}"],
            [c],
        )
    timed = ["97110", "97112", "97140", "97530", "97116", "97535", "97032", "97035"]
    for m in rng.sample(range(8, 90), 12):
        c = rng.choice(timed)
        units = (m + 7) // 15 if m > 7 else 0
        add(
            "units",
            f"How many units of {c} for {m} minutes under the 8-minute rule on 2026-05-01?",
            None,
            [
                f"{m} minutes of timed treatment support {units} unit",
                f"MUE for {c} is {mues[c][0]} unit",
            ],
            [c],
        )

    # payment: RVU25D x GPCI 2025 x CF
    single = [
        p
        for p in places
        if sum(1 for q in places if q["state"] == p["state"]) == 1
        and p["state"] not in ("AK", "PR", "VI", "GU", "HI")
    ]
    payable = sorted(
        c
        for c, r in fee.items()
        if r["status"] == "A" and Decimal(r["nf_total"]) > 0 and Decimal(r["f_total"]) > 0
    )
    for i, c in enumerate(rng.sample(payable, 34)):
        r = fee[c]
        cf = Decimal(r["cf"])
        if i % 3 == 2:
            nf = Decimal(r["nf_total"]) * cf
            add(
                "payment",
                f"What is the national Medicare payment for {c} on 2025-11-01?",
                None,
                [money(nf)],
                [c],
            )
            continue
        place = rng.choice(single) if i % 3 == 0 else rng.choice(places)
        w, p, m = Decimal(place["w"]), Decimal(place["p"]), Decimal(place["m"])
        base = Decimal(r["work"]) * w + Decimal(r["mp"]) * m
        nf = (base + Decimal(r["pe_nf"]) * p) * cf
        f = (base + Decimal(r["pe_f"]) * p) * cf
        where = (
            place["name"].title().rstrip("*") if i % 3 == 0 else f"{place['mac']}-{place['loc']}"
        )
        add(
            "payment",
            f"How much does Medicare pay for {c} in {where} on 2025-11-01?",
            None,
            [money(nf), money(f)],
            [c],
        )

    # status and crosswalks (fee schedule status codes)
    by_status: dict[str, list[str]] = {}
    for c, r in fee.items():
        by_status.setdefault(r["status"], []).append(c)
    wanted = [("I", 6), ("B", 5), ("N", 5), ("X", 4), ("E", 3), ("C", 3), ("A", 3), ("R", 2)]
    for s, k in wanted:
        for c in rng.sample(sorted(by_status.get(s, [])), min(k, len(by_status.get(s, [])))):
            form = rng.choice(
                [
                    "What is the Medicare status of {c}?",
                    "Does Medicare pay {c} or what should I bill instead?",
                ]
            )
            add("status", form.format(c=c), "2025-11-01", [f"status {s}"], [c])
    add(
        "status",
        "What should I bill instead of 97014 for Medicare?",
        "2025-11-01",
        [f"status {fee['97014']['status']}"],
        ["97014", "G0283"],
    )

    # modifiers: HCPCS Level II modifier descriptions
    for mcode in rng.sample(sorted(m for m in mods if m.isalpha() or m[0].isalpha()), 24):
        form = rng.choice(
            ["What does modifier {m} mean?", "When do I use the {m} modifier?", "modifier {m}"]
        )
        add("modifiers", form.format(m=mcode), "2025-02-01", [mods[mcode][:25]], [mcode])
    for q, m in [
        ("59 vs XS: which modifier should I use?", "XS"),
        ("What is modifier X{EPSU}?", "XE"),
        ("When do I use GP vs GO?", "GO"),
        ("What is modifier 25 used for?", "25"),
        ("26/TC modifiers: what are they?", "TC"),
        ("What does the KX modifier mean?", "KX"),
    ]:
        add("modifiers", q, "2025-02-01", [f"Modifier {m}"], [m] if m not in ("25",) else [])

    # coverage: NCD procedure and diagnosis lists (rows of the loaded NCD spreadsheet)
    rel = db.execute("SELECT id FROM releases_release WHERE dataset='ncd_icd10'").fetchone()[0]
    procs = db.execute(
        "SELECT DISTINCT hcpcs_code, ncd_number FROM coverage_ncdprocedure WHERE release_id=? AND termination_date IS NULL ORDER BY 1,2",
        [rel],
    ).fetchall()
    pmap: dict[str, list[str]] = {}
    for code, ncd in procs:
        if code in in_store:
            pmap.setdefault(code, []).append(ncd)
    for c in rng.sample(sorted(pmap), 20):
        add(
            "coverage",
            f"Which NCDs cover {c} on 2026-02-01?",
            None,
            [f"NCD {sorted(pmap[c])[0]}"],
            [c],
        )
    dx = db.execute(
        "SELECT icd10_code, ncd_number FROM coverage_ncddiagnosis WHERE release_id=? AND termination_date IS NULL AND icd10_code <> 'ALL' ORDER BY icd10_code, ncd_number",
        [rel],
    ).fetchall()
    dmap: dict[str, list[str]] = {}
    for code, ncd in dx:
        if code in icd and icd[code][0]:
            dmap.setdefault(code, []).append(ncd)
    for c in rng.sample(sorted(dmap), 12):
        dotted = c[:3] + "." + c[3:]
        add(
            "coverage",
            f"Is {dotted} covered by an NCD on 2026-02-01?",
            None,
            [f"NCD {sorted(dmap[c])[0]}"],
            [dotted],
        )

    # add-on codes (rows of the loaded AOC table, 2026 Q2)
    rel = db.execute("SELECT id FROM releases_release WHERE dataset='ncci_aoc'").fetchone()[0]
    addons = [
        r[0]
        for r in db.execute(
            "SELECT DISTINCT addon_code FROM edits_addoncodeedit WHERE release_id=? AND deletion_date IS NULL ORDER BY 1",
            [rel],
        )
    ]
    addons = sorted(a for a in addons if a in in_store)
    for c in rng.sample(addons, 20):
        form = rng.choice(
            [
                "Is {c} an add-on code?",
                "What primary code goes with add-on {c}?",
                "add-on rules for {c}",
            ]
        )
        add(
            "add_ons",
            form.format(c=c) + " (2026-05-01)",
            "2026-05-01",
            [f"{c} is an add-on code"],
            [c],
        )
    prims = [
        r[0]
        for r in db.execute(
            "SELECT DISTINCT primary_code FROM edits_addoncodeedit WHERE release_id=? AND deletion_date IS NULL AND primary_code <> 'CCCCC' ORDER BY 1",
            [rel],
        )
    ]
    prims = sorted(p for p in prims if p in in_store and p not in addons)
    for c in rng.sample(prims, 12):
        add(
            "add_ons",
            f"Which add-on codes can be billed with {c}?",
            "2026-05-01",
            [f"{c} is a primary code for"],
            [c],
        )

    # code from description: HCPCS Level II and ICD-10-CM words (public domain)
    for c in rng.sample(active_hc, 18):
        add(
            "description",
            f"What is the HCPCS code for {hc[c]['long'].lower()}?",
            "2025-02-01",
            [],
            [c],
        )
    for c in rng.sample(billable, 16):
        add(
            "description",
            f"Which ICD-10-CM code is {icd[c][1].lower()}?",
            "2025-11-01",
            [],
            [c[:3] + "." + c[3:]],
        )

    # must decline: the data cannot answer, or the code exists nowhere
    declines = [
        "What are the CPT guidelines for E/M services?",
        "Does Aetna cover 97014?",
        "Will UnitedHealthcare pay for G0283?",
        "What dose of ibuprofen should my patient take?",
        "Should I treat this knee pain with surgery?",
        "Does Blue Cross require prior authorization for 97110?",
        "What is the timely filing limit for Cigna?",
        "Is my coding going to get audited?",
        "Tell me a joke about billing",
        "What is the capital of France?",
        "What is the weather in Boston today?",
        "Write a poem about modifiers",
        "Does Humana pay 99213?",
        "What does Medicaid pay for 97530 in Texas?",
        "Guidelines for CPT 20974",
        "Can you give me legal advice about a lawsuit?",
        "What is the prognosis for a patient with E11.65?",
        "What medication treats M17.11?",
        "Does Cigna require modifier 59 on 97140?",
        "What are the AMA's CPT guidelines for reporting 99213?",
    ]
    for q in declines:
        add("decline", q, "2025-11-01", [], [], decline=True)
    fakes = []
    for pat in ("9999{d}", "G999{d}", "Z99.9{d}", "Q9{d}99", "0{d}99T"):
        for d in "9876543210":
            c = pat.format(d=d)
            if c.replace(".", "") not in known and c not in fakes:
                fakes.append(c)
                if sum(1 for f in fakes if f[0] == c[0]) >= 3:
                    break
    for c in fakes[:12]:
        add(
            "decline",
            f"What is code {c}?",
            "2025-11-01",
            [f"{c.replace('.', '')} is not in any loaded code set"],
            [],
            [],
            decline=True,
        )

    counts: dict[str, int] = {}
    for it in items:
        counts[it["category"]] = counts.get(it["category"], 0) + 1
    print(counts, len(items))
    for i, it in enumerate(items):
        it["id"] = f"{it['category']}-{i:03d}"
    return items


def split(items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Alternate items: even ones build, odd ones held out."""
    return items[0::2], items[1::2]


def main() -> None:
    db = sqlite3.connect(sys.argv[1] if len(sys.argv) > 1 else "var/medcode.sqlite3")
    build, held = split(build_items(db))
    (HERE / "build.json").write_text(json.dumps(build, indent=1) + "\n")
    (HERE / "heldout.json").write_text(json.dumps(held, indent=1) + "\n")


if __name__ == "__main__":
    main()
