from django.apps import AppConfig


class EditsConfig(AppConfig):
    name = "medcode.edits"
    label = "edits"
