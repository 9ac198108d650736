from django.urls import URLPattern, path

from medcode.careers import views

urlpatterns: list[URLPattern] = [
    path("careers/", views.board_page, name="careers"),
    path("careers/jobs/<int:pk>/", views.job_page, name="careers-job"),
    path("careers/post/", views.edit_job, name="careers-post"),
    path("careers/mine/", views.my_jobs, name="careers-mine"),
    path("careers/jobs/<int:pk>/edit/", views.edit_job, name="careers-edit"),
    path("careers/jobs/<int:pk>/preview/", views.preview, name="careers-preview"),
    path("careers/jobs/<int:pk>/submit/", views.submit, name="careers-submit"),
    path("careers/jobs/<int:pk>/close/", views.close, name="careers-close"),
    path("careers/jobs/<int:pk>/applications/", views.applications, name="careers-applications"),
    path("careers/jobs/<int:pk>/apply/", views.apply, name="careers-apply"),
    path("careers/moderation/", views.queue, name="careers-queue"),
    path("careers/moderation/<int:pk>/", views.decide, name="careers-decide"),
    path("careers/applications/", views.my_applications, name="careers-my-applications"),
    path("careers/applications/<str:token>/resume", views.resume, name="careers-resume"),
    path("careers/applications/<str:token>/withdraw", views.withdraw, name="careers-withdraw"),
    path(
        "careers/applications/<str:token>/delete", views.delete_application, name="careers-delete"
    ),
    path("careers/searches/", views.searches, name="careers-searches"),
    path("careers/searches/<int:pk>/delete", views.delete_search, name="careers-search-delete"),
    path("careers/searches/<str:token>/feed.atom", views.feed, name="careers-feed"),
]
