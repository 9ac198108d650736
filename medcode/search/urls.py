from django.urls import path

from medcode.search import views

urlpatterns = [
    path("search", views.search_page, name="search"),
    path("search/suggest", views.suggest, name="search-suggest"),
]
