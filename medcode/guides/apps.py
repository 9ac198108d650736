from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "medcode.guides"
    default_auto_field = "django.db.models.BigAutoField"
