from django.urls import path

from medcode.api import api

urlpatterns = [
    path("api/v1/", api.urls),
]
