from django.urls import URLPattern, path

from medcode.claims import views

urlpatterns: list[URLPattern] = [
    path("claims/check", views.check, name="claims-check"),
]
