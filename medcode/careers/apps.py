from django.apps import AppConfig


class CareersConfig(AppConfig):
    name = "medcode.careers"
    label = "careers"
    verbose_name = "Jobs for medical coders"
