from django.urls import URLPattern, path

from medcode.assistant import views

urlpatterns: list[URLPattern] = [
    path("assistant", views.page, name="assistant"),
]
