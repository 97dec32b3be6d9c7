from django.urls import path

from edgecamp.exports import views

urlpatterns = [
    path("", views.exports, name="exports"),
    path("registry.xlsx", views.registry_xlsx, name="export-registry-xlsx"),
    path("households.csv", views.households_csv, name="export-households-csv"),
    path("members.csv", views.members_csv, name="export-members-csv"),
    path("population.csv", views.population_csv, name="export-population-csv"),
    path("population.xlsx", views.population_xlsx, name="export-population-xlsx"),
]
