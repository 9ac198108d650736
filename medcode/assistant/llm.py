"""An optional language model, kept on a leash.

Set ``MEDCODE_LLM_URL`` (an OpenAI-compatible chat-completions endpoint: a local Ollama or
vLLM server), ``MEDCODE_LLM_MODEL`` and optionally ``MEDCODE_LLM_KEY``. The model may
(1) pick one of the assistant's functions, with its codes, for a question the rules cannot
read, and (2) phrase an answer from the function results. Whatever it returns is checked:
every sentence must carry a ``[n]`` marker of a citation the results have, every code in it
must be in the store and in the results, and every number in it must appear in the results.
One failing sentence and the deterministic answer is used instead. Without the settings,
nothing here runs. The standard library's urllib is the client: one POST, no new dependency.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from datetime import date
from typing import Any

from medcode.assistant import store
from medcode.assistant.answer import code_tokens

TIMEOUT = float(os.environ.get("MEDCODE_LLM_TIMEOUT", "20"))

_PHRASE_PROMPT = (
    "You rewrite a medical coding answer in plain English. Use ONLY the facts given. Keep every "
    "citation marker like [1] on the sentence whose fact it supports; every sentence must end "
    "with at least one marker. Do not add codes, numbers, or advice that are not in the facts. "
    "Reply with the answer text only."
)
_CHOOSE_PROMPT = (
    "Pick the function that answers a medical coding question. Reply with JSON only: "
    '{"function": one of describe, validity, ptp, units, add_on, payment, status, coverage, '
    'modifier, difference, search; "codes": [codes named in the question]; "words": words to '
    "search for}. Never invent a code: list only codes written in the question."
)


def configured() -> bool:
    return bool(os.environ.get("MEDCODE_LLM_URL") and os.environ.get("MEDCODE_LLM_MODEL"))


def _endpoint() -> str:
    url = os.environ["MEDCODE_LLM_URL"].rstrip("/")
    return url if url.endswith("/chat/completions") else url + "/chat/completions"


def chat(system: str, user: str) -> str | None:
    """The model's reply, or None when the server fails or answers out of form."""
    body = json.dumps(
        {
            "model": os.environ["MEDCODE_LLM_MODEL"],
            "temperature": 0,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
        }
    ).encode()
    headers = {"Content-Type": "application/json"}
    if os.environ.get("MEDCODE_LLM_KEY"):
        headers["Authorization"] = f"Bearer {os.environ['MEDCODE_LLM_KEY']}"
    request = urllib.request.Request(_endpoint(), data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            data = json.loads(response.read())
        content = data["choices"][0]["message"]["content"]
    except (urllib.error.URLError, TimeoutError, ValueError, KeyError, IndexError, TypeError):
        return None
    return content if isinstance(content, str) else None


_SENTENCE = re.compile(r"(?<=[.!?\]])\s+(?=[A-Z(\-*])")
_NUMBER = re.compile(r"\$?\d[\d,]*(?:\.\d+)?")


def _numbers(text: str) -> set[str]:
    return {n.lstrip("$").replace(",", "").rstrip(".") for n in _NUMBER.findall(text)}


def check(reply: str, result: dict[str, Any], as_of: date) -> list[str]:
    """Why ``reply`` may not be shown (empty when every sentence passes)."""
    refs = {c["ref"] for c in result["citations"]}
    facts = result["answer"] + " " + json.dumps(result["citations"])
    known_numbers = _numbers(re.sub(r"\[\d+\]", " ", facts))
    known_codes = {c.replace(".", "") for c in code_tokens(facts)}
    problems: list[str] = []
    sentences = [s.strip() for s in _SENTENCE.split(reply.strip()) if s.strip()]
    if not sentences:
        return ["empty reply"]
    for sentence in sentences:
        markers = {int(m) for m in re.findall(r"\[(\d+)\]", sentence)}
        if not markers:
            problems.append(f"no citation: {sentence[:60]!r}")
            continue
        if markers - refs:
            problems.append(f"cites a source the results do not have: {sentence[:60]!r}")
        for code in code_tokens(sentence):
            if not store.exists_anywhere(code, as_of):
                problems.append(f"{code} is in no loaded code set")
            elif code.replace(".", "") not in known_codes:
                problems.append(f"{code} is not in the cited results")
        bare = re.sub(r"\[\d+\]", " ", sentence)
        for code in code_tokens(bare):
            bare = bare.replace(code, " ")
        for number in _numbers(bare) - known_numbers:
            problems.append(f"{number} is not in the cited results")
    return problems


def rephrase(question: str, result: dict[str, Any]) -> dict[str, Any] | None:
    """``result`` with the model's wording, or None (keep the deterministic answer)."""
    facts = (
        result["answer"]
        + "\n\nSources:\n"
        + "\n".join(
            f"[{c['ref']}] {c['dataset']} {c['release']}: {c['detail']}"
            for c in result["citations"]
        )
    )
    reply = chat(_PHRASE_PROMPT, f"Question: {question}\n\nFacts:\n{facts}")
    if not reply:
        return None
    if check(reply, result, date.fromisoformat(result["as_of"])):
        return None
    return {**result, "answer": reply.strip()}


def choose(question: str, as_of: date) -> dict[str, Any] | None:
    """The function and codes the model picks for a question the rules could not read."""
    reply = chat(_CHOOSE_PROMPT, question)
    if not reply:
        return None
    try:
        data = json.loads(reply.strip().strip("`").removeprefix("json"))
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    function = data.get("function")
    codes = [str(c) for c in data.get("codes") or [] if isinstance(c, str | int)]
    # Only codes written in the question, and in the store, may be used.
    written = question.upper().replace(".", "")
    codes = [
        c
        for c in codes
        if c.upper().replace(".", "") in written and store.exists_anywhere(c, as_of)
    ]
    words = data.get("words") if isinstance(data.get("words"), str) else None
    return {"function": function, "codes": codes, "words": words}
