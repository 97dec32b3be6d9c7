from django.urls import path

from edgecamp.stock import views

urlpatterns = [
    path("warehouses/<int:warehouse_id>/", views.warehouse_ledger, name="warehouse-ledger"),
    path("shipments/", views.shipment_list, name="shipment-list"),
    path(
        "shipments/<int:shipment_id>/receive/",
        views.shipment_receive,
        name="shipment-receive",
    ),
]
