from django.urls import path

from edgecamp.verification import views

urlpatterns = [
    path("", views.round_list, name="verification-rounds"),
    path("open/", views.round_open, name="verification-round-open"),
    path("<int:round_id>/", views.round_report, name="verification-report"),
    path("<int:round_id>/report.csv", views.round_report_csv, name="verification-report-csv"),
    path("<int:round_id>/desk/", views.desk, name="verification-desk"),
    path("<int:round_id>/close/", views.round_close, name="verification-round-close"),
]
