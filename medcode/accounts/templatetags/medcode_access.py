"""``{% gated "medicare" %}``: the panel standing in for a section the reader cannot see."""

from __future__ import annotations

from typing import Any

from django import template

from medcode.accounts.metering import GATED_SECTIONS, unlock_message

register = template.Library()


@register.inclusion_tag("accounts/_gated.html", takes_context=True)
def gated(context: Any, section: str) -> dict[str, Any]:
    title, holds = GATED_SECTIONS[section]
    access = context["access"]
    return {
        "section": section,
        "title": title,
        "holds": holds,
        "access": access,
        "message": unlock_message(access),
        "next": context["request"].get_full_path(),
    }


@register.simple_tag
def gated_sections_json(name: str) -> str:
    """schema.org markup naming the gated parts, so search engines do not see cloaking."""
    import json

    from django.utils.html import escape  # noqa: F401  (json below is escaped for <script>)
    from django.utils.safestring import mark_safe

    data = {
        "@context": "https://schema.org",
        "@type": "WebPage",
        "name": name,
        "isAccessibleForFree": False,
        "hasPart": [
            {"@type": "WebPageElement", "isAccessibleForFree": False, "cssSelector": f"#{s}"}
            for s in GATED_SECTIONS
        ],
    }
    text = json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # safe: escaped
