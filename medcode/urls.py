from django.urls import path

from medcode.api import api
from medcode.releases.views import home

urlpatterns = [
    path("", home, name="home"),
    path("api/v1/", api.urls),
]
