from django.urls import path

from edgecamp.registry import (
    correction_views,
    duplicate_views,
    event_views,
    family_views,
    photo_views,
    views,
)

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("households/", views.household_list, name="household-list"),
    path("households/new/", views.household_register, name="household-register"),
    path(
        "households/new/member-form/",
        views.household_member_form,
        name="household-member-form",
    ),
    path(
        "households/new/shelters/",
        views.household_shelter_options,
        name="household-shelter-options",
    ),
    path("duplicates/", duplicate_views.duplicate_review, name="duplicate-review"),
    path(
        "duplicates/look-for-new/",
        duplicate_views.duplicate_dedupe_start,
        name="duplicate-dedupe-start",
    ),
    path(
        "duplicates/<int:candidate_id>/",
        duplicate_views.duplicate_compare,
        name="duplicate-compare",
    ),
    path(
        "duplicates/<int:candidate_id>/merge/",
        duplicate_views.duplicate_merge,
        name="duplicate-merge",
    ),
    path(
        "duplicates/merges/<int:merge_id>/unmerge/",
        duplicate_views.duplicate_unmerge,
        name="duplicate-unmerge",
    ),
    path(
        "duplicates/<int:candidate_id>/not-same/",
        duplicate_views.duplicate_not_same,
        name="duplicate-not-same",
    ),
    path(
        "duplicates/families/<str:left>/<str:right>/",
        family_views.family_review,
        name="family-review",
    ),
    path(
        "duplicates/families/<str:left>/<str:right>/merge/",
        family_views.family_merge,
        name="family-merge",
    ),
    path(
        "duplicates/family-merges/<int:family_id>/unmerge/",
        family_views.family_unmerge,
        name="family-unmerge",
    ),
    path(
        "households/<str:number>/events/<str:kind>/",
        event_views.household_event,
        name="household-event",
    ),
    path("households/<str:number>/", views.household_detail, name="household-detail"),
    path(
        "households/<str:number>/correct/",
        correction_views.household_correct,
        name="household-correct",
    ),
    path("households/<str:number>/photo.jpg", photo_views.household_photo, name="household-photo"),
    path(
        "households/<str:number>/photo/",
        photo_views.household_photo_upload,
        name="household-photo-upload",
    ),
    path(
        "households/<str:number>/photo/remove/",
        photo_views.household_photo_remove,
        name="household-photo-remove",
    ),
    path(
        "households/<str:number>/members/<int:individual_id>/correct/",
        correction_views.individual_correct,
        name="individual-correct",
    ),
]
