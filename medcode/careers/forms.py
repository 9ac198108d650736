"""The posting form: one validation for the web form and ``POST /api/v1/jobs``.

Field names are the API's JSON names (issue 15), so an error names the field either way.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone

from medcode.careers.models import (
    CODE_SETS,
    CREDENTIALS,
    EMPLOYMENT_TYPES,
    LOCATION_TYPES,
    MAX_DAYS,
    PAY_UNITS,
    SETTINGS,
    US_STATES,
    Job,
    default_expiry,
    pack,
)

PAY_REQUIRED = "required: every posting states its pay range (pay_min, pay_max and pay_unit)"


def _words(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        items = [str(v) for v in value]
    else:
        items = re.split(r"[,;\n]", str(value or ""))
    return [item.strip() for item in items if item.strip()]


class ListField(forms.CharField):
    """A list given as a JSON array (API) or as comma-separated text (form)."""

    def to_python(self, value: Any) -> Any:
        return _words(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(value)
        if isinstance(value, str) and value.startswith(","):
            return ", ".join(v for v in value.split(",") if v)
        return value

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError("required", code="required")


class JobForm(forms.Form):
    title = forms.CharField(max_length=200)
    organization = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}), help_text="Markdown", max_length=20000
    )
    credentials_required = forms.MultipleChoiceField(
        choices=[(c, c) for c in CREDENTIALS], required=False, widget=forms.CheckboxSelectMultiple
    )
    credentials_preferred = forms.MultipleChoiceField(
        choices=[(c, c) for c in CREDENTIALS], required=False, widget=forms.CheckboxSelectMultiple
    )
    setting = forms.ChoiceField(choices=list(SETTINGS.items()))
    specialties = ListField(required=False, help_text="comma-separated, e.g. cardiology, radiology")
    code_sets = forms.MultipleChoiceField(
        choices=[(c, c) for c in CODE_SETS], required=False, widget=forms.CheckboxSelectMultiple
    )
    experience_years = forms.IntegerField(min_value=0, max_value=40, initial=0)
    apprentice_friendly = forms.BooleanField(required=False, label="Apprentices (CPC-A) welcome")
    coding_test = forms.BooleanField(required=False, label="Coding test")
    productivity = forms.CharField(
        max_length=200, required=False, help_text="e.g. 3 charts per hour, when stated"
    )
    employment_type = forms.ChoiceField(choices=list(EMPLOYMENT_TYPES.items()))
    location_type = forms.ChoiceField(choices=list(LOCATION_TYPES.items()))
    location = forms.CharField(
        max_length=200, required=False, help_text="city and state, for on-site or hybrid work"
    )
    remote_states = ListField(
        required=False, help_text="two-letter codes from which remote applicants may work"
    )
    pay_min = forms.DecimalField(min_value=0, max_digits=10, decimal_places=2, required=False)
    pay_max = forms.DecimalField(min_value=0, max_digits=10, decimal_places=2, required=False)
    pay_unit = forms.ChoiceField(choices=[("", "—"), *PAY_UNITS.items()], required=False)
    apply_url = forms.URLField(
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="leave empty to take applications on medcode",
    )
    contact_email = forms.EmailField(required=False)
    expires = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=f"default 30 days from now, at most {MAX_DAYS}",
    )

    def clean_specialties(self) -> list[str]:
        return [s.lower() for s in self.cleaned_data["specialties"]][:20]

    def clean_remote_states(self) -> list[str]:
        states = [s.upper() for s in self.cleaned_data["remote_states"]]
        unknown = [s for s in states if s not in US_STATES]
        if unknown:
            raise forms.ValidationError(
                f"not a two-letter state code: {', '.join(unknown)} (e.g. TX, FL)"
            )
        return sorted(set(states))

    def clean_expires(self) -> Any:
        expires = self.cleaned_data.get("expires") or default_expiry()
        today = timezone.localdate()
        if expires <= today:
            raise forms.ValidationError("must be after today")
        if expires > today + timedelta(days=MAX_DAYS):
            raise forms.ValidationError(f"at most {MAX_DAYS} days from today")
        return expires

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("pay_min", "pay_max", "pay_unit"):
            if name not in self.errors and data.get(name) in (None, ""):
                self.add_error(name, PAY_REQUIRED)
        low, high = data.get("pay_min"), data.get("pay_max")
        if low is not None and high is not None and low > high:
            self.add_error("pay_max", "must be at least pay_min")
        kind = data.get("location_type")
        if kind == "remote" and not data.get("remote_states"):
            self.add_error("remote_states", "a remote job lists the states it accepts")
        if kind in ("onsite", "hybrid") and not data.get("location"):
            self.add_error("location", "an on-site or hybrid job gives its location")
        return data

    def apply_to(self, job: Job) -> Job:
        data = self.cleaned_data
        for name in (
            "title",
            "organization",
            "description",
            "setting",
            "experience_years",
            "apprentice_friendly",
            "coding_test",
            "productivity",
            "employment_type",
            "location_type",
            "location",
            "pay_min",
            "pay_max",
            "pay_unit",
            "apply_url",
            "contact_email",
            "expires",
        ):
            setattr(job, name, data[name])
        for name in (
            "credentials_required",
            "credentials_preferred",
            "specialties",
            "code_sets",
            "remote_states",
        ):
            setattr(job, name, pack(list(data[name])))
        if job.location_type == "remote":
            job.location = data["location"] or ""
        return job


def initial_from(job: Job) -> dict[str, Any]:
    initial = {name: getattr(job, name) for name in JobForm.base_fields}
    for name in (
        "credentials_required",
        "credentials_preferred",
        "code_sets",
        "specialties",
        "remote_states",
    ):
        initial[name] = job.listed(name)
    return initial


def first_error(form: forms.Form) -> str:
    for name, errors in form.errors.items():
        return f"{name}: {errors[0]}"
    return "invalid"


class SearchForm(forms.Form):
    q = forms.CharField(required=False, label="Words")
    credential = forms.ChoiceField(
        choices=[("", "any")] + [(c, c) for c in CREDENTIALS], required=False
    )
    setting = forms.ChoiceField(choices=[("", "any"), *SETTINGS.items()], required=False)
    specialty = forms.CharField(required=False)
    code_set = forms.ChoiceField(
        choices=[("", "any")] + [(c, c) for c in CODE_SETS], required=False
    )
    location_type = forms.ChoiceField(
        choices=[("", "any"), *LOCATION_TYPES.items()], required=False
    )
    state = forms.CharField(required=False, max_length=2, help_text="two-letter state code")
    employment_type = forms.ChoiceField(
        choices=[("", "any"), *EMPLOYMENT_TYPES.items()], required=False
    )
    pay_at_least = forms.DecimalField(required=False, min_value=0)
    pay_unit = forms.ChoiceField(choices=list(PAY_UNITS.items()), required=False, initial="year")
    apprentice = forms.BooleanField(required=False, label="Apprentice-friendly")
    max_experience = forms.IntegerField(required=False, min_value=0, label="Experience at most")
    posted_within = forms.ChoiceField(
        choices=[("", "any time"), ("1", "a day"), ("7", "a week"), ("30", "30 days")],
        required=False,
    )
    sort = forms.ChoiceField(choices=[("date", "newest"), ("pay", "best paid")], required=False)

    def clean_state(self) -> str:
        state = (self.cleaned_data.get("state") or "").strip().upper()
        if state and state not in US_STATES:
            raise forms.ValidationError("not a two-letter state code")
        return state
