from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "medcode.assistant"
    label = "assistant"
