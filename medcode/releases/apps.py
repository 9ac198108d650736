from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "medcode.releases"
    label = "releases"
