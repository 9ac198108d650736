"""``/assistant``: the conversation on the left, the answer with numbered sources on the right.

The form posts with htmx and the answer replaces one element; without JavaScript the same
form posts to the same view and the whole page comes back.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from medcode.assistant.service import AssistantError, answer_question
from medcode.releases.dates import parse_as_of

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_REF = re.compile(r"\[(\d+)\]")


def answer_html(markdown: str) -> SafeString:
    """The answer's small Markdown (bold headings, paragraphs, list items, [n]) as HTML."""
    parts = []
    for block in markdown.split("\n\n"):
        text = str(escape(block))
        text = _BOLD.sub(r"<strong>\1</strong>", text)
        text = _REF.sub(r'<sup><a href="#source-\1" class="ref">[\1]</a></sup>', text)
        text = text.replace("\n- ", "<br>\u2022 ")
        parts.append(f"<p>{text}</p>")
    return mark_safe("".join(parts))


def _links(citation: dict[str, Any], as_of: str) -> dict[str, Any]:
    code = citation.get("code") or ""
    first = code.split("/")[0]
    link = f"/codes/{first}?date={as_of}" if first and citation["dataset"] != "content" else None
    if citation["dataset"] == "content" and first:
        link = f"/codes/{first}?date={as_of}"
    return {**citation, "code_url": link, "release_url": "/"}


def page(request: HttpRequest) -> HttpResponse:
    question = (request.POST.get("question") or request.GET.get("q") or "").strip()
    conversation = request.POST.get("conversation") or None
    history = request.POST.getlist("history")
    context: dict[str, Any] = {"question": "", "history": history, "conversation": conversation}
    if question:
        as_of = None
        raw_date = (request.POST.get("date") or request.GET.get("date") or "").strip()
        try:
            if raw_date:
                as_of = parse_as_of(raw_date)
            result = answer_question(
                question,
                as_of=as_of,
                conversation=conversation,
                user=getattr(request, "user", None),
                about=(request.POST.get("about") or "").strip()[:20] or None,
            )
        except (AssistantError, ValueError) as exc:
            context["error"] = str(exc)
        else:
            context.update(
                result=result,
                answer_html=answer_html(result["answer"]),
                citations=[_links(c, result["as_of"]) for c in result["citations"]],
                conversation=result["conversation"],
                asked=question,
            )
    context["oob"] = request.headers.get("HX-Target") == "assistant-answer"
    if request.headers.get("HX-Request"):
        return render(request, "assistant/_answer.html", context)
    return render(request, "assistant/page.html", context)
