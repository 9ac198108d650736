from django.contrib import admin

from medcode.careers.models import Application, Job, SavedSearch


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("title", "organization", "status", "expires", "published_at")
    list_filter = ("status", "location_type", "setting")
    search_fields = ("title", "organization")


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("job", "status", "created")
    exclude = ("token",)


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ("name", "frequency", "last_sent")
    exclude = ("feed_token",)
