from django.urls import path

from edgecamp.protection import views

urlpatterns = [
    path("tracing/", views.tracing_list, name="protection-tracing-list"),
    path(
        "tracing/<int:request_id>/status/",
        views.tracing_status,
        name="protection-tracing-status",
    ),
    path(
        "households/<str:number>/notes/",
        views.note_add,
        name="protection-note-add",
    ),
    path(
        "households/<str:number>/tracing/",
        views.tracing_add,
        name="protection-tracing-add",
    ),
]
