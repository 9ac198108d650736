"""Guides over the real CMS files: `medcode guides check`, live facts, scenarios, review state."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from html import unescape
from pathlib import Path

import pytest
from django.test import Client

from medcode.guides.commands import check, mark_reviewed
from medcode.guides.content import guides
from medcode.guides.models import GuideReview
from medcode.releases.loader import Outcome
from medcode.testing import shared_file
from tests.cms import mue_value, rvus

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]

TODAY = date.today()
E_STIM = "unattended-electrical-stimulation-2026"


def get(url: str) -> tuple[int, str, str]:
    response = Client(HTTP_HOST="127.0.0.1").get(url)
    html = response.content.decode()
    return response.status_code, html, " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def terminated_hcpcs_code() -> tuple[str, date]:
    """A code the HCPCS file ends before 2025, read from CMS's fixed-width file (term 285-292)."""
    with zipfile.ZipFile(shared_file("hcpcs/january-2025-alpha-numeric-hcpcs-file.zip")) as z:
        text = z.read("HCPC2025_JAN_ANWEB_12172024.txt").decode("latin-1")
    for line in text.splitlines():
        term = line[284:292].strip()
        if len(line[:5].strip()) == 5 and term and term < "20250101":
            return line[:5], date(int(term[:4]), int(term[4:6]), int(term[6:8]))
    raise AssertionError("the HCPCS file should end some codes before 2025")


FRONT = """+++
title = "Test guide"
summary = "A guide for the linter test."
topics = ["test"]
codes = [{codes}]
window = {{ start = {start}, end = {end} }}
last_reviewed = 2026-11-01
next_review = 2099-01-01
[[authors]]
name = "A. Writer"
credentials = "CPC"
[reviewer]
name = "R. Viewer"
credentials = "CPC"
[[sources]]
title = "CMS"
url = "https://www.cms.gov/"
[[changes]]
date = 2026-11-01
note = "First."
+++
"""


def guide(
    tmp_path: Path,
    body: str,
    codes: str = '"G0283"',
    start: str = "2026-01-01",
    end: str = "2026-12-31",
) -> Path:
    path = tmp_path / "test-guide.md"
    path.write_text(FRONT.format(codes=codes, start=start, end=end) + body, encoding="utf-8")
    return path


def run(path: Path) -> tuple[int, str]:
    out = io.StringIO()
    return check([path], TODAY, out), out.getvalue()


def test_the_shipped_guides_pass_the_check(full_load: list[Outcome]) -> None:
    out = io.StringIO()
    code = check([], TODAY, out)

    assert code == 0, out.getvalue()
    assert f"{len(guides())} of {len(guides())} guides pass" in out.getvalue()
    assert len(guides()) >= 1


def test_a_code_outside_the_guide_window_fails(full_load: list[Outcome], tmp_path: Path) -> None:
    code, ended = terminated_hcpcs_code()
    path = guide(
        tmp_path,
        f"Bill [[code {code}]] here.\n",
        codes=f'"{code}"',
        start="2025-01-01",
        end="2025-03-31",
    )

    status, out = run(path)

    assert status == 1
    assert f"code {code} is not valid on 2025-01-01" in out
    assert "terminated" in out
    # The same code inside its life passes that check.
    before = ended.replace(day=1)
    path = guide(
        tmp_path,
        f"Bill [[code {code}]] here.\n",
        codes=f'"{code}"',
        start=before.isoformat(),
        end=ended.isoformat(),
    )
    assert f"code {code} is not valid" not in run(path)[1]


def test_a_live_fact_the_store_lacks_fails(full_load: list[Outcome], tmp_path: Path) -> None:
    path = guide(
        tmp_path, "[[code G0283]] pays [[payment G0283]]; [[mue QQ999]] and [[kx 1990]].\n"
    )

    status, out = run(path)

    assert status == 1
    assert "[[mue QQ999]]: no practitioner MUE for QQ999" in out
    assert "[[kx 1990]]: medcode has no KX threshold for 1990" in out
    assert "[[payment G0283]]" not in out


def test_a_scenario_whose_findings_disagree_with_its_text_fails(
    full_load: list[Outcome], tmp_path: Path
) -> None:
    claim = {"payer": "medicare", "lines": [{"code": "97014", "modifiers": ["GP"], "units": 1}]}
    body = (
        "[[code G0283]]\n\n```scenario\n"
        + json.dumps({"title": "Wrong", "expect": [], "claim": claim})
        + "\n```\n"
    )

    status, out = run(guide(tmp_path, body))

    assert status == 1
    assert (
        "scenario 1 (Wrong): the text expects [] but the claim checker finds [MCS001, MUE001]"
        in out
    )


def test_a_code_typed_as_text_or_a_past_review_date_fails(
    full_load: list[Outcome], tmp_path: Path
) -> None:
    path = guide(tmp_path, "Use G0283 for this.\n")
    path.write_text(path.read_text().replace("2099-01-01", "2020-01-01"))

    status, out = run(path)

    assert status == 1
    assert "G0283 is typed as text: write [[code G0283]]" in out
    assert "next_review 2020-01-01 is past" in out
    assert "front matter codes never linked in the text: G0283" in out


def test_the_guide_page_shows_live_facts_with_citations(full_load: list[Outcome]) -> None:
    expected = rvus("G0283")
    mue, _ = mue_value("practitioner", "97014")

    status, html, text = get(f"/guides/{E_STIM}?date=2026-01-15")

    assert status == 200
    total = expected["work"] + expected["nonfacility_pe"] + expected["mp"]  # type: ignore[operator]
    cents = (total * expected["cf"]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)  # type: ignore[operator]
    amount = f"${cents:,}"
    assert f"national amounts for G0283 are {amount} non-facility" in text
    assert f"practitioner MUE is {mue} per day" in text
    assert 'href="/codes/G0283?date=2026-01-15"' in html
    assert "Last reviewed 2026-11-30" in text
    assert "Change log" in text
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1])  # type: ignore[index]
    assert ld["@type"] == "Article"
    assert ld["reviewedBy"]["name"]
    assert ld["lastReviewed"] == "2026-11-30"
    assert "<script>" not in html and "style=" not in html


def test_scenarios_show_findings_and_open_in_the_claim_checker(full_load: list[Outcome]) -> None:
    status, html, text = get(f"/guides/{E_STIM}?date=2026-01-15")
    link = re.search(r'href="(/claims/check\?claim=[^"]+)"', html)

    assert status == 200
    assert "MCS001" in text and "PTP002" in text
    assert link is not None
    status, form, _ = get(unescape(link[1]))
    assert status == 200
    assert re.search(r'id="line-1-code"[^>]*value="97110"', form)
    assert re.search(r'id="line-2-code"[^>]*value="G0283"', form)


def test_code_pages_list_the_guides_that_cover_the_code(full_load: list[Outcome]) -> None:
    status, html, text = get("/codes/G0283?date=2026-01-15")

    assert status == 200
    assert f'href="/guides/{E_STIM}?date=2026-01-15"' in html
    assert "Guides that cover G0283" in text


def test_the_list_filters_and_the_feed_is_atom(full_load: list[Outcome]) -> None:
    assert E_STIM in get("/guides/?code=G0283")[1]
    assert E_STIM not in get("/guides/?code=A4397")[1]
    status, feed, _ = get("/guides/feed.atom")
    assert status == 200
    assert 'xmlns="http://www.w3.org/2005/Atom"' in feed
    assert f"/guides/{E_STIM}" in feed


def test_facts_changed_since_review_until_marked_reviewed(full_load: list[Outcome]) -> None:
    slug = E_STIM
    assert mark_reviewed(slug, "R. Viewer", TODAY, io.StringIO()) == 0
    assert "Facts changed since review" not in get(f"/guides/{slug}")[2]
    # What a review recorded before a new release changed the MUE file.
    review = GuideReview.objects.get(slug=slug)
    review.facts = {**review.facts, "[[mue 97014]]": "1 per day (MAI 3)"}
    review.fingerprint = "0" * 64
    review.save()

    text = get(f"/guides/{slug}")[2]

    assert "Facts changed since review" in text
    assert "[[mue 97014]]: was 1 per day (MAI 3), now" in text
    assert mark_reviewed(slug, "R. Viewer", TODAY, io.StringIO()) == 0
    assert "Facts changed since review" not in get(f"/guides/{slug}")[2]


@pytest.mark.parametrize(
    "modifier", ["25", "26", "50", "51", "52", "57", "58", "59", "76", "77", "78", "79", "91", "95"]
)
def test_cpt_modifier_pages_explain_the_modifier(full_load: list[Outcome], modifier: str) -> None:
    from medcode.guides.modifiers import cpt_modifiers

    status, _, text = get(f"/modifiers/{modifier}")

    assert status == 200
    assert f"What {modifier} is for (in medcode's words)" in text
    assert unescape(cpt_modifiers()[modifier].use) in text


def test_the_cli_runs_the_check_and_marks_a_guide_reviewed(
    full_load: list[Outcome], capsys: pytest.CaptureFixture[str]
) -> None:
    from medcode.cli import main

    assert main(["guides", "check"]) == 0
    assert f"ok    {E_STIM}" in capsys.readouterr().out
    assert main(["guides", "reviewed", "no-such-guide"]) == 2
    assert "no guide 'no-such-guide'" in capsys.readouterr().err
    assert main(["guides", "reviewed", E_STIM, "--by", "R. Viewer"]) == 0
    assert GuideReview.objects.get(slug=E_STIM).reviewer == "R. Viewer"


def test_the_api_gives_the_same_facts_as_the_page(full_load: list[Outcome]) -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    mue, mai = mue_value("practitioner", "97014")

    answer = client.get(f"/api/v1/guides/{E_STIM}", {"date": "2026-01-15"}).json()

    assert answer["as_of"] == "2026-01-15"
    facts = {f["tag"]: f for f in answer["facts"]}
    assert facts["[[mue 97014]]"]["value"] == f"{mue} per day (MAI {mai})"
    assert facts["[[mue 97014]]"]["source"].startswith("ncci_mue_practitioner")
    assert [s["found"] for s in answer["scenarios"]][1] == ["MCS001", "MUE001"]
    assert all(s["agrees"] for s in answer["scenarios"]) and len(answer["scenarios"]) == 4
    assert client.get("/api/v1/guides/nope").status_code == 404
    assert client.get(f"/api/v1/guides/{E_STIM}", {"date": "2026-13-01"}).status_code == 400
    listed = client.get("/api/v1/guides", {"code": "g0283"}).json()["guides"]
    assert E_STIM in [g["slug"] for g in listed]


def test_each_fact_points_to_a_numbered_citation_naming_release_and_row(
    full_load: list[Outcome],
) -> None:
    _, html, _ = get(f"/guides/{E_STIM}?date=2026-01-15")
    mark = re.search(
        r'data-tag="\[\[mue 97014\]\]">[^<]*<sup class="cite"><a href="#cite-(\d+)"', html
    )

    assert mark is not None
    cited = re.search(rf'<li id="cite-{mark[1]}">([^<]*)</li>', html)
    assert cited is not None
    assert cited[1].startswith("ncci_mue_practitioner: NCCI MUE practitioner services")
    assert ", row 97014" in cited[1]


MUE_HEADER = (
    '"Placeholder notice written for a medcode test.",,,\n'
    '"HCPCS/\nCPT Code",Practitioner Services MUE Values,MUE Adjudication Indicator,'
    "MUE Rationale\n"
)


def test_a_newly_loaded_release_that_changes_a_fact_raises_the_banner(
    full_load: list[Outcome], tmp_path: Path
) -> None:
    from medcode.releases.loader import load_paths

    day = guides()[E_STIM].default_date(TODAY)
    quarter = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    assert mark_reviewed(E_STIM, "R. Viewer", TODAY, io.StringIO()) == 0
    mue, mai = mue_value("practitioner", "97014")
    # A later quarter's MUE file (CMS's layout) that raises 97014's MUE by one.
    path = tmp_path / f"MCR_MUE_PractitionerServices_Eff_{quarter:%m-%d-%Y}.csv"
    path.write_text(
        MUE_HEADER + f"97014,{mue + 1},3 Date of Service Edit: Clinical,Clinical: Data\n",
        encoding="cp1252",
    )
    assert [o.status for o in load_paths([path])] == ["loaded"]

    text = get(f"/guides/{E_STIM}")[2]

    assert "Facts changed since review" in text
    assert f"[[mue 97014]]: was {mue} per day (MAI {mai}), now {mue + 1} per day (MAI 3)" in text
    assert mark_reviewed(E_STIM, "R. Viewer", TODAY, io.StringIO()) == 0
    assert "Facts changed since review" not in get(f"/guides/{E_STIM}")[2]


def test_a_bad_date_or_an_unknown_guide_is_refused_clearly(full_load: list[Outcome]) -> None:
    status, _, text = get(f"/guides/{E_STIM}?date=2026-13-01")

    assert status == 400
    assert "2026-13-01" in text
    assert get("/guides/no-such-guide")[0] == 404
