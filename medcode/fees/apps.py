from django.apps import AppConfig


class FeesConfig(AppConfig):
    name = "medcode.fees"
    label = "fees"
