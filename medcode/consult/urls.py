from django.urls import URLPattern, path

from medcode.consult import views

urlpatterns: list[URLPattern] = [
    path("consult/", views.mine, name="consult-mine"),
    path("consult/new", views.new, name="consult-new"),
    path("consult/desk", views.queue, name="consult-queue"),
    path("consult/desk/<str:tracking>", views.work, name="consult-work"),
    path("consult/library", views.library_page, name="consult-library"),
    path("consult/library/<int:pk>", views.library_entry, name="consult-library-entry"),
    path("consult/library/<int:pk>/reviewed", views.reviewed, name="consult-library-reviewed"),
    path("consult/status", views.status, name="consult-status"),
    path("consult/<str:tracking>", views.detail, name="consult-detail"),
]
