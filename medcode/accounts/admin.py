"""Plans, readers and API keys in the Django admin (staff only, at MEDCODE_ADMIN_PATH)."""

from __future__ import annotations

from django.contrib import admin

from medcode.accounts.models import ApiKey, Plan, Reader


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "label", "code_pages", "period_days", "api_requests_per_day", "rank")
    list_editable = ("code_pages", "period_days", "api_requests_per_day")


@admin.register(Reader)
class ReaderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("__str__", "plan", "created", "api_day", "api_used")
    list_filter = ("plan",)
    search_fields = ("user__email",)
    raw_id_fields = ("user",)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("prefix", "user", "name", "created", "last_used", "revoked")
    search_fields = ("prefix", "user__email")
    readonly_fields = ("prefix", "hashed", "created", "last_used")
