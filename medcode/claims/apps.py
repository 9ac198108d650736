from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "medcode.claims"
    label = "claims"
