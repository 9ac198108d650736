from django.urls import URLPattern, path

from medcode.codes import views

urlpatterns: list[URLPattern] = [
    path("codes/<str:code>", views.code_page, name="code"),
    path("codes/<str:code>/edits", views.edits_partial, name="code-edits"),
    path("codes/<str:code>/fees", views.fees_partial, name="code-fees"),
    path("modifiers/<str:code>", views.modifier_page, name="modifier"),
    path("ncds/<str:number>", views.ncd_page, name="ncd"),
]
