from django.contrib import admin

from medcode.consult.models import Consultation, DeskPlan, LibraryEntry


@admin.register(DeskPlan)
class DeskPlanAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["plan", "response_hours", "per_month"]


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["tracking", "subject", "status", "promised", "consultant"]
    list_filter = ["status", "topic"]
    search_fields = ["tracking", "subject"]


@admin.register(LibraryEntry)
class LibraryEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "published", "facts_changed", "needs_review"]
    list_filter = ["needs_review"]
