"""Categories: /categories, read by everyone, changed by admins."""

from flask import Blueprint

from models import Category, Item
from plumbing.response_shapes import CategoryBody, CategoryList, CategoryMessage
from routes.catalog import CatalogResource, register_api
from schemas import CategoryCreate, CategoryUpdate

bp = Blueprint("categories", __name__, url_prefix="/categories")
register_api(
    bp,
    CatalogResource(
        model=Category,
        create_schema=CategoryCreate,
        update_schema=CategoryUpdate,
        item_column=Item.category_id,
        singular="category",
        plural="categories",
        one_shape=CategoryBody,
        list_shape=CategoryList,
        message_shape=CategoryMessage,
    ),
)
