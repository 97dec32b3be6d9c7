from django.contrib import admin

from edgecamp.partners.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "type"]
    list_filter = ["type"]
    search_fields = ["name", "acronym"]
