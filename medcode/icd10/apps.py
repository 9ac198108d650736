from django.apps import AppConfig


class Icd10Config(AppConfig):
    name = "medcode.icd10"
    label = "icd10"
