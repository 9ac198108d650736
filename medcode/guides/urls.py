from django.urls import URLPattern, path

from medcode.guides import views

urlpatterns: list[URLPattern] = [
    path("guides/", views.guide_list, name="guides"),
    path("guides/feed.atom", views.GuideFeed(), name="guides-feed"),
    path("guides/<slug:slug>", views.guide_page, name="guide"),
]
