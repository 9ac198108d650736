"""The long repeated parts of a code page, built as HTML strings.

Django's template engine costs tens of microseconds per variable; a page with 109 localities,
50 PTP edits and a few hundred linked codes spent 90% of its time there. These loops are
plain string building instead; every value goes through ``escape``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from html import escape
from typing import Any
from urllib.parse import urlencode

from django.utils.safestring import SafeString, mark_safe

#: Locality names and ids repeat on every page: escaped once per process.
_escape_label = lru_cache(maxsize=4096)(escape)


def _money(value: float | None) -> str:
    return "—" if value is None else f"${value:,.2f}"


def _code_href(code: str, date_param: str) -> str:
    return escape(f"/codes/{code}{_date_query(date_param)}")


def locality_options(options: Sequence[tuple[str, str]], selected: str) -> SafeString:
    """``<option>``s for (id, label) pairs; the options for no choice are built once."""
    html = _options(tuple(options))
    if selected:
        mark = f'<option value="{_escape_label(selected)}">'
        html = html.replace(mark, mark[:-1] + " selected>", 1)
    return mark_safe(html)  # safe: every value escaped in _options


def choices(items: dict[str, str], selected: str) -> SafeString:
    """``<option>``s for a short fixed choice (the PTP table and role)."""
    return mark_safe(  # safe: every value escaped
        "".join(
            f'<option value="{escape(key)}"{" selected" if key == selected else ""}>'
            f"{escape(label)}</option>"
            for key, label in items.items()
        )
    )


@lru_cache(maxsize=8)
def definitions(items: tuple[tuple[str, str], ...]) -> SafeString:
    """``<dt>``/``<dd>`` pairs of a fixed table (the PTP modifier indicators), built once."""
    return mark_safe(  # safe: every value escaped
        "".join(f"<dt>{escape(key)}</dt><dd>{escape(value)}</dd>" for key, value in items)
    )


@lru_cache(maxsize=8)
def _options(options: tuple[tuple[str, str], ...]) -> str:
    return "".join(
        f'<option value="{_escape_label(key)}">{_escape_label(label)}</option>'
        for key, label in options
    )


def chart_rows(chart: list[dict[str, Any]]) -> SafeString:
    parts = []
    for c in chart:
        mark = ' class="selected"' if c["selected"] else ""
        parts.append(
            f'<tr{mark}><th scope="row">{_escape_label(c["label"])} '
            f'<span class="muted">{_escape_label(c["locality"])}</span></th>'
            f'<td class="n"><span class="bar" style="width:{float(c["width"]):.1f}%" '
            f'aria-hidden="true"></span>{_money(c["non_facility"])}</td>'
            f'<td class="n">{_money(c["facility"])}</td></tr>'
        )
    return mark_safe("".join(parts))  # safe: every value escaped above


def ptp_rows(edits: list[dict[str, Any]], code: str, date_param: str) -> SafeString:
    parts = []
    for e in edits:
        cells = []
        for column in ("column1", "column2"):
            value = e[column]
            cells.append(
                escape(value)
                if value == code
                else f'<a href="{_code_href(value, date_param)}">{escape(value)}</a>'
            )
        allowed = "allowed" if e["modifier_indicator"] == "1" else "not allowed"
        parts.append(
            f"<tr><td>{cells[0]}</td><td>{cells[1]}</td>"
            f'<td><abbr title="{escape(e["modifier_meaning"] or "")}">'
            f"{escape(e['modifier_indicator'])}</abbr> {allowed}</td>"
            f"<td>{escape(e['effective_date'] or '')}</td>"
            f"<td>{escape(e['deletion_date'] or '—')}</td>"
            f"<td>{escape(e['rationale'] or '')}</td></tr>"
        )
    return mark_safe("".join(parts))  # safe: every value escaped above


def code_links(codes: list[dict[str, Any]], date_param: str, note_key: str = "") -> SafeString:
    parts = []
    for c in codes:
        note = f' <span class="muted">{escape(str(c[note_key]))}</span>' if note_key else ""
        parts.append(
            f'<li><a href="{_code_href(c["code"], date_param)}">{escape(c["code"])}</a>{note}</li>'
        )
    return mark_safe("".join(parts))  # safe: every value escaped above


def _date_query(date_param: str) -> str:
    return f"?{urlencode({'date': date_param})}" if date_param else ""


def modifier_items(modifiers: list[dict[str, Any]], date_param: str) -> SafeString:
    query = escape(_date_query(date_param))
    parts = []
    for m in modifiers:
        code = escape(m["modifier"])
        described = (
            f' <span class="muted">{escape(m["hcpcs_description"])}</span>'
            if m["hcpcs_description"]
            else ""
        )
        parts.append(
            f'<li><a href="/modifiers/{code}{query}" class="mod">{code}</a>{described}'
            f"<br>{escape(m['why'])}</li>"
        )
    return mark_safe("".join(parts))  # safe: every value escaped above


_SETTING_NAMES = {
    "practitioner": "Practitioner",
    "outpatient_hospital": "Outpatient hospital",
    "dme": "DME supplier",
}


def mue_rows(mue: dict[str, Any], code: str) -> SafeString:
    parts = []
    for setting, m in mue.items():
        name = escape(_SETTING_NAMES.get(setting, setting))
        if m:
            cells = (
                f'<td class="n" data-testid="mue-{escape(setting)}">{m["value"]}</td>'
                f"<td>{m['adjudication_indicator']}: {escape(m['adjudication_meaning'] or '')}</td>"
                f"<td>{escape(m['rationale'])}</td>"
                f'<td class="source">{escape(m["source"]["label"])}</td>'
            )
        else:
            cells = (
                '<td class="n">—</td><td colspan="3" class="muted">'
                f"No MUE for {escape(code)} in this table.</td>"
            )
        parts.append(f'<tr><th scope="row">{name}</th>{cells}</tr>')
    return mark_safe("".join(parts))  # safe: every value escaped above


def _plain(value: Any) -> str:
    return "" if value is None else escape(str(value))


def rvu_rows(rows: list[dict[str, Any]]) -> SafeString:
    parts = []
    for r in rows:
        numbers = "".join(
            f'<td class="n">{_plain(r[key])}</td>'
            for key in (
                "work_rvu",
                "non_facility_pe_rvu",
                "facility_pe_rvu",
                "mp_rvu",
                "non_facility_total",
                "facility_total",
            )
        )
        parts.append(
            f'<tr><th scope="row">{escape(r["modifier"] or "(global)")}</th>{numbers}'
            f'<td class="n">{_money(r["national_non_facility_amount"])}</td>'
            f'<td class="n">{_money(r["national_facility_amount"])}</td></tr>'
        )
    return mark_safe("".join(parts))  # safe: every value escaped above


_INDICATORS = (
    ("global_days", "Global period"),
    ("pctc_indicator", "PC/TC"),
    ("multiple_procedure", "Multiple procedure"),
    ("bilateral_surgery", "Bilateral surgery"),
    ("assistant_at_surgery", "Assistant at surgery"),
    ("co_surgeons", "Co-surgeons"),
    ("team_surgery", "Team surgery"),
    ("physician_supervision", "Supervision"),
)


def indicator_items(main: dict[str, Any]) -> SafeString:
    parts = []
    for key, label in _INDICATORS:
        if main.get(key) is None:
            continue
        meaning = main.get(f"{key}_meaning") or "meaning not documented"
        parts.append(f"<dt>{label}</dt><dd>{escape(str(main[key]))}: {escape(meaning)}</dd>")
    if main.get("not_used_for_medicare_payment"):
        parts.append(
            "<dt>Not used for Medicare payment</dt>"
            "<dd>The RVUs are shown for information only.</dd>"
        )
    for key, label in (
        ("facility_na_indicator", "Facility PE"),
        ("nonfacility_na_indicator", "Non-facility PE"),
    ):
        if main.get(key):
            parts.append(f"<dt>{label}</dt><dd>{escape(main.get(f'{key}_meaning') or '')}</dd>")
    return mark_safe("".join(parts))  # safe: every value escaped above


def history_items(events: list[dict[str, Any]]) -> SafeString:
    return mark_safe(  # safe: every value escaped
        "".join(
            f"<li><time>{escape(e['date'])}</time> {escape(e['text'])} "
            f'<span class="source">({escape(e["release"])})</span></li>'
            for e in events
        )
    )


def labels(sources: list[dict[str, Any]]) -> str:
    """Release labels joined for a source line (plain text; the template escapes it)."""
    return "; ".join(str(s["label"]) for s in sources)


def note_groups(levels: list[dict[str, Any]], code: str) -> SafeString:
    parts = []
    for level in levels:
        below = (
            ' <span class="muted">(apply to the codes below it)</span>'
            if level["code"] != code
            else ""
        )
        parts.append(f"<h3>Notes at {escape(level['code'])}{below}</h3>")
        for group in level["groups"]:
            items = "".join(f"<li>{escape(str(item))}</li>" for item in group["items"])
            parts.append(f'<h4>{escape(group["label"])}</h4><ul class="notes">{items}</ul>')
    return mark_safe("".join(parts))  # safe: every value escaped above
