from django.urls import URLPattern, URLResolver, include, path

from medcode.accounts import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("accounts/profile/", views.profile, name="accounts-profile"),
    path("accounts/delete/", views.delete_account, name="accounts-delete"),
    path("accounts/keys/", views.create_key, name="accounts-key-create"),
    path("accounts/keys/<int:key_id>/revoke", views.revoke_key, name="accounts-key-revoke"),
    path("accounts/", include("allauth.urls")),
]
