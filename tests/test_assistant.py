"""The assistant over the real CMS files: the evaluation set's targets, the API, follow-ups,
privacy, the pages, and the optional language model against a scripted loopback server."""

from __future__ import annotations

import csv
import gzip
import io
import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from medcode.assistant.evaluation import run
from medcode.assistant.service import answer_question, delete_conversation, list_conversations
from medcode.releases.loader import Outcome
from medcode.testing import shared_file

EVAL = Path(__file__).resolve().parent / "assistant_eval"


def _mue(code: str) -> tuple[str, str]:
    raw = shared_file("ncci_mue/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv").read_bytes()
    for row in csv.reader(io.StringIO(raw.decode("cp1252"))):
        if row and row[0] == code:
            return row[1], row[2][:1]
    raise AssertionError(f"{code} not in the MUE file")


def _ptp_indicator(col1: str, col2: str) -> str:
    path = shared_file("ncci_ptp/ccipra-v302r0-2024q3-practitioner.txt.gz")
    with gzip.open(path, "rt", encoding="latin-1") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if parts[:2] == [col1, col2] and len(parts) > 5 and parts[4] == "*":
                return parts[5]
            if parts[0] > col1 and parts[0][:1] == col1[:1]:
                break
    raise AssertionError(f"no active edit {col1}/{col2}")


def test_the_held_out_half_meets_the_targets(full_load: list[Outcome]) -> None:
    report = run(EVAL / "heldout.json")
    summary = report.to_dict()
    print("\n" + json.dumps(summary, indent=1))
    for failure in report.failures:
        print(failure["id"], failure["question"], failure["problems"])
    assert report.items >= 150
    assert report.invented_codes == []
    assert report.uncited == []
    assert summary["accuracy"] >= 0.95
    assert summary["decline_rate_on_must_decline"] >= 0.95
    assert summary["decline_rate_on_answerable"] <= 0.02


def test_the_build_half_and_every_category_is_covered(full_load: list[Outcome]) -> None:
    items = json.loads((EVAL / "build.json").read_text()) + json.loads(
        (EVAL / "heldout.json").read_text()
    )
    by_category: dict[str, int] = {}
    for item in items:
        by_category[item["category"]] = by_category.get(item["category"], 0) + 1
    assert len(items) >= 300
    assert len(by_category) == 11 and min(by_category.values()) >= 30, by_category
    report = run(EVAL / "build.json")
    print("\n" + json.dumps(report.to_dict(), indent=1))
    assert report.invented_codes == [] and report.uncited == []
    assert report.to_dict()["accuracy"] >= 0.95


def test_api_answers_a_ptp_question_with_the_edit_and_its_modifier_indicator(
    full_load: list[Outcome],
) -> None:
    indicator = _ptp_indicator("G0283", "97032")
    response = Client().post(
        "/api/v1/assistant/ask",
        {"question": "Can I bill G-0283 with 97032?", "date": "2024-08-01"},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "answer", "abstained", "intent", "codes", "citations", "conversation", "as_of"
    }  # fmt: skip
    assert body["abstained"] is False and body["intent"] == "ptp" and body["as_of"] == "2024-08-01"
    assert f"modifier indicator {indicator}" in body["answer"]
    edit = next(c for c in body["citations"] if c["code"] == "G0283/97032")
    assert edit["dataset"] == "ncci_ptp_practitioner" and "v302r0" in edit["release"]
    assert f"[{edit['ref']}]" in body["answer"]
    assert {c["code"] for c in body["codes"]} == {"G0283", "97032"}
    # A follow-up leaves out the first code and the date.
    again = (
        Client()
        .post(
            "/api/v1/assistant/ask",
            {"question": "and with 97530?", "conversation": body["conversation"]},
            content_type="application/json",
        )
        .json()
    )
    assert again["as_of"] == "2024-08-01" and again["intent"] == "ptp"
    assert "G0283" in again["answer"] and "97530" in again["answer"]


def test_api_refuses_an_empty_question_and_a_forged_conversation(full_load: list[Outcome]) -> None:
    client = Client()
    empty = client.post("/api/v1/assistant/ask", {"question": " "}, content_type="application/json")
    assert empty.status_code == 400 and "question" in empty.json()["error"]
    forged = client.post(
        "/api/v1/assistant/ask",
        {"question": "and 97110?", "conversation": "not-a-token"},
        content_type="application/json",
    )
    assert forged.status_code == 400 and "conversation" in forged.json()["error"]


def test_units_answer_states_the_mue_and_computes_the_eight_minute_rule(
    full_load: list[Outcome],
) -> None:
    value, mai = _mue("97110")
    result = answer_question("How many units of 97110 for 38 minutes?", as_of=date(2026, 5, 1))
    assert f"MUE for 97110 is {value} unit" in result["answer"]
    assert f"indicator {mai}" in result["answer"]
    assert "38 minutes of timed treatment support 3 units" in result["answer"]


def test_a_code_that_exists_nowhere_is_said_so_and_declined(full_load: list[Outcome]) -> None:
    result = answer_question("What is 99999?", as_of=date(2025, 11, 1))
    assert result["abstained"] is True
    assert result["answer"].startswith("99999 is not in any loaded code set")
    clinical = answer_question("What dose of ibuprofen should I give?")
    assert clinical["abstained"] is True and clinical["citations"] == []
    # One sentence: what it cannot answer, then what it can.
    assert clinical["answer"].count(". ") == 0 and clinical["answer"].endswith(".")
    assert "it answers from CMS data" in clinical["answer"]


def test_conversations_are_stored_redacted_for_accounts_and_not_at_all_without(
    full_load: list[Outcome],
) -> None:
    from django.contrib.auth import get_user_model

    from medcode.assistant.models import Conversation, Turn

    question = "Patient John Smith, DOB 01/02/1950, phone 555-123-4567: what is 99213?"
    anonymous = answer_question(question, as_of=date(2025, 11, 1))
    assert Turn.objects.count() == 0 and "John" not in anonymous["conversation"]
    user = get_user_model().objects.create_user("coder", password="x" * 12)
    mine = answer_question(question, as_of=date(2025, 11, 1), user=user)
    stored = Turn.objects.get()
    assert "John" not in stored.question and "Smith" not in stored.question
    assert "1950" not in stored.question and "555" not in stored.question
    assert "99213" in stored.question
    follow = answer_question("and 97110?", conversation=mine["conversation"], user=user)
    assert follow["conversation"] == mine["conversation"] and Turn.objects.count() == 2
    listed = list_conversations(user)
    assert listed is not None and [c["conversation"] for c in listed] == [mine["conversation"]]
    assert listed[0]["questions"][0] == stored.question
    assert list_conversations(None) is None
    assert Client().get("/api/v1/assistant/conversations").status_code == 401
    assert delete_conversation(mine["conversation"], user)
    assert Conversation.objects.count() == 0 and Turn.objects.count() == 0


def test_assistant_page_and_code_page_box(full_load: list[Outcome]) -> None:
    client = Client()
    page = client.get("/assistant")
    assert page.status_code == 200 and b"identifiers" in page.content
    partial = client.post(
        "/assistant",
        {"question": "What does Medicare pay for 99213 in Manhattan?", "date": "2025-11-01"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="assistant-answer",
    )
    html = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in html
    assert 'id="source-1"' in html and "13202-01" in html and "/codes/99213" in html
    code_page = client.get("/codes/97110?date=2025-11-01").content.decode()
    assert "Have a question about 97110?" in code_page
    boxed = client.post(
        "/assistant", {"question": "How many units?", "about": "97110", "date": "2026-05-01"}
    ).content.decode()
    assert f"MUE for 97110 is {_mue('97110')[0]} unit" in boxed


# -- the optional language model, against a scripted OpenAI-compatible server on loopback --


class _Scripted(BaseHTTPRequestHandler):
    replies: list[str] = []
    requests: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(
            {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
        )
        reply = type(self).replies.pop(0) if type(self).replies else ""
        data = json.dumps({"choices": [{"message": {"role": "assistant", "content": reply}}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(data.encode())

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def llm(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_Scripted]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Scripted)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("MEDCODE_LLM_URL", f"http://127.0.0.1:{server.server_port}/v1")
    monkeypatch.setenv("MEDCODE_LLM_MODEL", "scripted")
    monkeypatch.setenv("MEDCODE_LLM_KEY", "k")
    _Scripted.replies, _Scripted.requests = [], []
    yield _Scripted
    server.shutdown()
    server.server_close()


def test_model_wording_is_used_only_when_every_sentence_checks_out(
    full_load: list[Outcome], llm: type[_Scripted]
) -> None:
    value, _mai = _mue("97110")
    question = "What is the MUE for 97110?"
    plain = answer_question(question, as_of=date(2026, 5, 1))
    llm.replies = [f"Medicare allows at most {value} units of 97110 a day [1]."]
    good = answer_question(question, as_of=date(2026, 5, 1))
    assert good["answer"] == f"Medicare allows at most {value} units of 97110 a day [1]."
    assert llm.requests[-1]["path"] == "/v1/chat/completions"
    assert llm.requests[-1]["auth"] == "Bearer k"
    # An invented code, an uncited amount and a sentence without a marker are all refused.
    for reply in (
        f"Bill 97110 up to {value} units [1]. Or use 97999 instead [1].",
        f"Bill 97110 up to {value} units [1]. Medicare pays $31.07 per unit [1].",
        f"Bill 97110 up to {value} units. It is timed [1].",
    ):
        llm.replies = [reply]
        checked = answer_question(question, as_of=date(2026, 5, 1))
        assert checked["answer"] == plain["answer"]
        assert "97999" not in checked["answer"] and "$31.07" not in checked["answer"]


def test_model_may_choose_the_function_for_a_question_the_rules_cannot_read(
    full_load: list[Outcome], llm: type[_Scripted]
) -> None:
    question = "97110: the daily ceiling Medicare puts on it?"
    llm.replies = [json.dumps({"function": "units", "codes": ["97110", "12345"]}), ""]
    result = answer_question(question, as_of=date(2026, 5, 1))
    assert f"MUE for 97110 is {_mue('97110')[0]} unit" in result["answer"]
    assert "12345" not in result["answer"]


def test_the_evaluation_set_is_what_the_cms_files_say(full_load: list[Outcome]) -> None:
    """Re-reads the CMS files (and the loaded NCD/AOC rows) as make_eval.py did: the committed
    questions and expected facts must come out the same. SQLite only: the files are the same
    for both databases, and reading the PTP table takes seconds."""
    import importlib.util

    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the evaluation set is re-derived once, on SQLite")
    spec = importlib.util.spec_from_file_location("make_eval", EVAL / "make_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    class Result(list):  # type: ignore[type-arg]
        def fetchone(self) -> Any:
            return self[0] if self else None

        def fetchall(self) -> list[Any]:
            return list(self)

    def execute(sql: str, params: Any = ()) -> Result:
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("?", "%s"), list(params))
            return Result(cursor.fetchall())

    build, held = module.split(module.build_items(module.Rows(execute)))
    assert build == json.loads((EVAL / "build.json").read_text())
    assert held == json.loads((EVAL / "heldout.json").read_text())
