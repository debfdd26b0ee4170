"""Suppliers: /suppliers, read by everyone, changed by admins."""

from flask import Blueprint

from models import Item, Supplier
from plumbing.response_shapes import SupplierBody, SupplierList, SupplierMessage
from routes.catalog import CatalogResource, register_api
from schemas import SupplierCreate, SupplierUpdate

bp = Blueprint("suppliers", __name__, url_prefix="/suppliers")
register_api(
    bp,
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
    ),
)
