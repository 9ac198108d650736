from django.apps import AppConfig


class CoverageConfig(AppConfig):
    name = "medcode.coverage"
    label = "coverage"
