"""medcode's URLs plus one view that fails, for the logging tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


class DeliberateFailure(Exception):
    pass


def fail(request: HttpRequest) -> HttpResponse:
    raise DeliberateFailure("the test view failed on purpose")


urlpatterns = [
    path("test/fail", fail),
    path("", include("medcode.urls")),
]
