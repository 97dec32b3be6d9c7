from django.urls import path

from edgecamp.distributions import views

urlpatterns = [
    path("stock/", views.stock_position, name="stock-position"),
    path("cycles/", views.cycle_list, name="cycle-list"),
    path("cycles/new/", views.cycle_create, name="cycle-create"),
    path("cycles/<int:cycle_id>/", views.cycle_detail, name="cycle-detail"),
    path("cycles/<int:cycle_id>/start/", views.cycle_start, name="cycle-start"),
    path("cycles/<int:cycle_id>/cards.pdf", views.cycle_cards, name="cycle-cards"),
    path("cycles/<int:cycle_id>/distributions.csv", views.cycle_export, name="cycle-export"),
    path("cycles/<int:cycle_id>/desk/", views.redemption_desk, name="redemption-desk"),
    path("cards/", views.ration_card, name="ration-card"),
    path("cards/<slug:number>/reissue/", views.ration_card_reissue, name="ration-card-reissue"),
    path("cards/<slug:number>/revoke/", views.ration_card_revoke, name="ration-card-revoke"),
    path("cards/<slug:number>/card.pdf", views.ration_card_pdf, name="ration-card-pdf"),
]
