from django.urls import path

from edgecamp.stock import views

urlpatterns = [
    path("warehouses/<int:warehouse_id>/", views.warehouse_ledger, name="warehouse-ledger"),
    path("stock/receive/", views.stock_receive, name="stock-receive"),
    path("stock/transfer/", views.stock_transfer, name="stock-transfer"),
    path("stock/loss/", views.stock_loss, name="stock-loss"),
    path("stock/count/", views.stock_count, name="stock-count"),
    path("pledges/", views.pledge_list, name="pledge-list"),
    path("pledges/new/", views.pledge_create, name="pledge-create"),
    path("shipments/", views.shipment_list, name="shipment-list"),
    path("shipments/new/", views.shipment_dispatch, name="shipment-dispatch"),
    path(
        "shipments/<int:shipment_id>/receive/",
        views.shipment_receive,
        name="shipment-receive",
    ),
]
