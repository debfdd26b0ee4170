"""Query-string validation: one Pydantic model per endpoint's query parameters.

Query values always arrive as text, so each field says how its text becomes a
value (``field_types.query_int`` and friends); unknown parameter names are
refused by name, as unknown body fields are in ``schemas.py``.
"""

from typing import Annotated, Literal, TypeVar

from flask import request
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

from errors import invalid_input
from field_types import (
    ACTION_TYPES,
    ENTITY_TYPES,
    NO_NUL,
    QueryBool,
    QueryDate,
    QueryId,
    QueryPrice,
    QueryQuantity,
    SearchText,
    Status,
    TagFilter,
    query_int,
)


class QueryString(BaseModel):
    """Base for query strings: values arrive as text, unknown names are rejected."""

    model_config = ConfigDict(
        extra="forbid", strict=True, allow_inf_nan=False, regex_engine="python-re"
    )


class PageQuery(QueryString):
    page: Annotated[int, Field(ge=1, le=1_000_000), BeforeValidator(query_int)] = 1
    per_page: Annotated[int, Field(ge=1, le=100), BeforeValidator(query_int)] = 50


class SearchQuery(PageQuery):
    q: SearchText | None = None


SORT_KEYS = ("item_name", "quantity", "price", "created_at", "updated_at")
SortKey = Literal[SORT_KEYS + tuple(f"-{key}" for key in SORT_KEYS)]


class InventoryFilters(QueryString):
    """The filters and sort order shared by the item list and the CSV export.

    Ranges whose minimum exceeds their maximum simply match nothing.
    """

    q: SearchText | None = None
    category_id: QueryId | None = None
    supplier_id: QueryId | None = None
    tag: TagFilter | None = None
    status: Status | None = None
    low_stock: QueryBool = False
    min_quantity: QueryQuantity | None = None
    max_quantity: QueryQuantity | None = None
    min_price: QueryPrice | None = None
    max_price: QueryPrice | None = None
    expires_before: QueryDate | None = None
    sort: SortKey | None = None


class InventoryQuery(InventoryFilters, PageQuery):
    all_users: QueryBool = Field(False, alias="all")


class ImportQuery(QueryString):
    dry_run: QueryBool = False


class MovementsQuery(PageQuery):
    verify: QueryBool = False


class HistoryQuery(PageQuery):
    item_id: QueryId | None = None
    action_type: Literal[ACTION_TYPES] | None = None
    entity_type: Literal[ENTITY_TYPES] | None = None
    # Who did it: a username, ignoring case.
    actor: (
        Annotated[str, StringConstraints(min_length=1, max_length=254, pattern=NO_NUL)]
        | None
    ) = None
    all_users: QueryBool = Field(False, alias="all")


class ExpiringQuery(PageQuery):
    within_days: Annotated[int, Field(ge=0, le=3650), BeforeValidator(query_int)] = 30


Model = TypeVar("Model", bound=BaseModel)


def parse_query(model: type[Model]) -> Model:
    """Validate the query string against ``model``, or raise a 400."""
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as exc:
        raise invalid_input(exc, "Invalid query parameters.") from None
