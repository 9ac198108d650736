from django.conf import settings
from django.contrib import admin
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
    path("", include("medcode.assistant.urls")),
    # accounts (issue 10): allauth's flows and the profile under /accounts/; the admin for
    # staff at the path MEDCODE_ADMIN_PATH names.
    path("", include("medcode.accounts.urls")),
    # careers (issue 15): the job board under /careers/.
    path("", include("medcode.careers.urls")),
    # consultations (issue 14): /consult/...
    path("", include("medcode.consult.urls")),
    path(settings.MEDCODE_ADMIN_PATH, admin.site.urls),
]
