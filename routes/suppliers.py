"""Suppliers: /suppliers, read by everyone, changed by admins."""

from models import Item, Supplier
from plumbing.openapi import SupplierBody, SupplierList, SupplierMessage
from routes.catalog import CatalogResource, catalog_blueprint
from schemas import SupplierCreate, SupplierUpdate

bp = catalog_blueprint(
    CatalogResource(
        model=Supplier,
        create_schema=SupplierCreate,
        update_schema=SupplierUpdate,
        item_column=Item.supplier_id,
        singular="supplier",
        plural="suppliers",
        one_shape=SupplierBody,
        list_shape=SupplierList,
        message_shape=SupplierMessage,
    )
)
