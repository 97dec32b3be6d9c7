from django.urls import path

from edgecamp.shelters import views

urlpatterns = [
    path("", views.site_list, name="shelter-sites"),
    path("plans/<int:plan_id>/", views.plan_detail, name="allocation-plan"),
    path("plans/<int:plan_id>/confirm/", views.plan_confirm, name="allocation-plan-confirm"),
    path("plans/<int:plan_id>/discard/", views.plan_discard, name="allocation-plan-discard"),
    path("<slug:site_code>/allocation/", views.site_allocation, name="site-allocation"),
    path("<slug:site_code>/shelters/", views.site_shelters, name="site-shelters"),
    path(
        "<slug:site_code>/shelters/<int:shelter_id>/status/",
        views.shelter_status,
        name="shelter-status",
    ),
]
