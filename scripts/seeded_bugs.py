# ruff: noqa: E501  (each bug is one exact line of code, kept whole so it can be found)
"""Seed each bug of the issue-17 audit into the code, run the unit suite, list the tests that
fail, and put the code back (docs/testing.md).

    .venv/bin/python scripts/seeded_bugs.py            # every bug, about 1 min each
    .venv/bin/python scripts/seeded_bugs.py a d        # the bugs whose names start so

Each bug is an exact text replacement; a replacement that no longer matches the code stops
the script, so the list is kept in step with the code. Never run it while committing: it
edits the working tree (and restores it, also on Ctrl-C).
"""

import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUGS = {
    "a PTP001 never fires": [
        (
            "medcode/claims/rules/ptp.py",
            'if edit["modifier_indicator"] == "0":',
            'if edit["modifier_indicator"] == "X":',
        )
    ],
    "b PE swapped in code page/API/CLI fees (national)": [
        (
            "medcode/fees/facts.py",
            '"non_facility_pe_rvu": _num(r["nonfacility_pe_rvu"]),\n        "facility_pe_rvu": _num(r["facility_pe_rvu"]),',
            '"non_facility_pe_rvu": _num(r["facility_pe_rvu"]),\n        "facility_pe_rvu": _num(r["nonfacility_pe_rvu"]),',
        )
    ],
    "b2 PE swapped where pricing reads an RVU row (locality amounts and claims)": [
        (
            "medcode/fees/pricing.py",
            'pe_nonfacility=scaled(row["nonfacility_pe_rvu"], RVU_PLACES),\n        pe_facility=scaled(row["facility_pe_rvu"], RVU_PLACES),',
            'pe_nonfacility=scaled(row["facility_pe_rvu"], RVU_PLACES),\n        pe_facility=scaled(row["nonfacility_pe_rvu"], RVU_PLACES),',
        )
    ],
    "b3 national amounts swapped": [
        (
            "medcode/fees/facts.py",
            '"national_non_facility_amount": _amount(r["nonfacility_total"], cf),\n        "national_facility_amount": _amount(r["facility_total"], cf),',
            '"national_non_facility_amount": _amount(r["facility_total"], cf),\n        "national_facility_amount": _amount(r["nonfacility_total"], cf),',
        )
    ],
    "b4 PE swapped in the one fee arithmetic (locality amounts and claims)": [
        (
            "medcode/fees/pricing.py",
            "pe = r.pe_facility if facility else r.pe_nonfacility",
            "pe = r.pe_nonfacility if facility else r.pe_facility",
        )
    ],
    "c1 PTP deletion filter dropped in claim checker": [
        (
            "medcode/edits/queries.py",
            '"AND " + PTP_IN_FORCE\n)',
            "\"AND (e.effective_date IS NULL OR e.effective_date <= %s) AND %s IS NOT NULL AND e.modifier_indicator <> '9'\"\n)",
        )
    ],
    "c2 PTP deletion filter dropped on code pages": [
        (
            "medcode/edits/queries.py",
            'where = f"e.release_id IN ({_ids(release_ids)}) AND e.{role} = %s AND {PTP_IN_FORCE}"',
            "where = f\"e.release_id IN ({_ids(release_ids)}) AND e.{role} = %s AND (effective_date IS NULL OR effective_date <= %s) AND %s IS NOT NULL AND modifier_indicator <> '9'\"",
        )
    ],
    "c3 deletion date read as exclusive (the shared definition)": [
        (
            "medcode/edits/queries.py",
            "AND (deletion_date IS NULL OR deletion_date >= %s) AND modifier_indicator",
            "AND (deletion_date IS NULL OR deletion_date > %s) AND modifier_indicator",
        )
    ],
    "c4 deletion date exclusive in the claim checker only": [
        (
            "medcode/edits/queries.py",
            '"AND " + PTP_IN_FORCE\n)',
            "\"AND (e.effective_date IS NULL OR e.effective_date <= %s) AND (e.deletion_date IS NULL OR e.deletion_date > %s) AND e.modifier_indicator <> '9'\"\n)",
        )
    ],
    "c5 deletion date exclusive on code pages only": [
        (
            "medcode/edits/queries.py",
            'where = f"e.release_id IN ({_ids(release_ids)}) AND e.{role} = %s AND {PTP_IN_FORCE}"',
            "where = f\"e.release_id IN ({_ids(release_ids)}) AND e.{role} = %s AND (effective_date IS NULL OR effective_date <= %s) AND (deletion_date IS NULL OR deletion_date > %s) AND modifier_indicator <> '9'\"",
        )
    ],
    "d MUE MAI 1 ignored": [
        ("medcode/claims/rules/mue.py", 'if mai == "1" else [lines]', 'if mai == "X" else [lines]')
    ],
    "e termination date exclusive in store.status_on": [
        (
            "medcode/releases/store.py",
            "if end is not None and as_of > end:",
            "if end is not None and as_of >= end:",
        )
    ],
    "e2 release period end exclusive in store.covers": [
        (
            "medcode/releases/store.py",
            "(self.period_end is None or day <= self.period_end)",
            "(self.period_end is None or day < self.period_end)",
        )
    ],
    "f outpatient PTP table dropped (the one PTP_DATASETS: claim checker and code pages)": [
        (
            "medcode/edits/queries.py",
            '    "outpatient_hospital": "ncci_ptp_outpatient",\n}\n',
            "}\n",
        )
    ],
    "h fx synonym removed": [
        ("medcode/search/synonyms.toml", '[[entry]]\nterms = ["fx"]\nmeans = ["fracture"]\n\n', "")
    ],
    "g indicator 9 not excluded": [
        ("medcode/edits/queries.py", "AND modifier_indicator <> '9'\"", '"')
    ],
}
only = sys.argv[1:]
for name, edits in BUGS.items():
    if only and not any(name.startswith(o) for o in only):
        continue
    saved = {}
    for path, old, new in edits:
        p = ROOT / path
        text = saved.setdefault(p, p.read_text())
        cur = p.read_text()
        assert cur.count(old) == 1, (name, path, cur.count(old))
        p.write_text(cur.replace(old, new))
    try:
        r = subprocess.run(
            [
                str(ROOT / ".venv/bin/pytest"),
                "-q",
                "-p",
                "no:cacheprovider",
                "-m",
                "not realdata",
                "medcode",
                "-o",
                "addopts=",
                "-rf",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        failed = sorted(set(re.findall(r"^FAILED (\S+?)(?:\[.*?\])?(?: - |$)", r.stdout, re.M)))
        errors = re.findall(r"^ERROR (\S+)", r.stdout, re.M)
        tail = r.stdout.strip().splitlines()[-1]
        print(f"## {name}: {tail}")
        for f in failed:
            print("   ", f)
        for e in errors[:3]:
            print("    ERROR", e)
        sys.stdout.flush()
    finally:
        for p, text in saved.items():
            p.write_text(text)
