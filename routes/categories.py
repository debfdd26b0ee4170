"""Categories: /categories, read by everyone, changed by admins."""

from models import Category, Item
from plumbing.openapi import CategoryBody, CategoryList, CategoryMessage
from routes.catalog import CatalogResource, catalog_blueprint
from schemas import CategoryCreate, CategoryUpdate

bp = catalog_blueprint(
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
    )
)
