from django.urls import path

from edgecamp.jobs import views

urlpatterns = [
    path("", views.job_list, name="job-list"),
    path("<int:job_id>/", views.job_detail, name="job-detail"),
    path("<int:job_id>/download/", views.job_download, name="job-download"),
]
