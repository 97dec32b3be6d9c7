from django.urls import path

from edgecamp.registry import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
