from django.urls import include, path

from medcode.api import api
from medcode.releases.views import home, releases

urlpatterns = [
    path("", home, name="home"),
    path("releases", releases, name="releases"),
    path("api/v1/", api.urls),
    path("", include("medcode.codes.urls")),
    path("", include("medcode.search.urls")),
    path("", include("medcode.claims.urls")),
    path("", include("medcode.guides.urls")),
]
