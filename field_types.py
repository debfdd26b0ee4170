"""The field types request models are made of: values, limits, patterns, validators."""

import re
import sys
import unicodedata
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StringConstraints,
)

from columns import MAX_ID, fold
from errors import PATTERN_MESSAGES

# The values some fields take (and their columns hold).
ACTION_TYPES = (
    "register",
    "login",
    "logout",
    "create",
    "update",
    "delete",
    "stock",
    "leave",
)
ENTITY_TYPES = ("user", "item", "category", "supplier", "team", "member")
# Two kinds of role. The site role (users.role) marks who operates the whole
# installation; the team role (memberships.role) says what a member may do
# with one team's inventory.
SITE_ROLES = ("staff", "admin")
TEAM_ROLES = ("staff", "clerk", "admin")
# One true line per team role: the member dialog, GET /teams, the OpenAPI
# document and the README's role table all say these words.
TEAM_ROLE_DESCRIPTIONS = {
    "admin": "Runs the team: items, prices, catalog, imports and members, "
    "and everything a clerk does.",
    "clerk": "Works the shop floor: sees everything and records sales, "
    "deliveries, returns, write-offs and counts.",
    "staff": "Read-only: sees items, stock, alerts and history; changes nothing.",
}
# The team roles that may record stock movements.
STOCK_ROLES = ("admin", "clerk")
ITEM_STATUSES = ("active", "inactive")
MOVEMENT_REASONS = ("purchase", "sale", "return", "adjustment", "count")
# What a ledger row may say: a movement, or the opening balance of an item
# created with stock (written by the create, never sent by a client).
OPENING_BALANCE = "opening"
LEDGER_REASONS = (*MOVEMENT_REASONS, OPENING_BALANCE)

MAX_AMOUNT = 1_000_000_000
# bcrypt only looks at the first 72 bytes, and bcrypt 5 raises beyond that.
PASSWORD_MAX_BYTES = 72
# A letter (any script) and a digit, anywhere; never NUL, which bcrypt refuses.
PASSWORD_PATTERN = r"^(?=.*[^\W\d_])(?=.*\d)[^\u0000]*$"
# The HTML standard's definition of a valid e-mail address, plus a dot in the
# domain; the API applies exactly this pattern, which the document states.
EMAIL_PATTERN = (
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


# "Blank" means invisible: Unicode whitespace (all that str.isspace() calls
# space: no-break, em and ideographic spaces, line separators...) and the
# invisible format characters (category Cf: zero-width space and joiners, the
# byte-order mark, word joiner...). A name made only of these would look empty,
# so it is refused, and they are trimmed from both ends of names and tags.
BLANK = "".join(
    character
    for character in map(chr, range(sys.maxunicode + 1))
    if character.isspace() or unicodedata.category(character) == "Cf"
)


def _char_class(characters: str) -> str:
    """Write ``characters`` as the inside of a regex [...] class, as ranges.

    Escaped as \\uXXXX, which Python and JSON Schema (ECMA-262) read alike;
    characters beyond U+FFFF have no such escape and are written as themselves.
    """
    codes = sorted(map(ord, characters))
    runs, start = [], codes[0]
    for previous, code in zip(codes, [*codes[1:], None], strict=True):
        if code != previous + 1:
            runs.append((start, previous))
            start = code

    def escape(code: int) -> str:
        return f"\\u{code:04x}" if code <= 0xFFFF else chr(code)

    return "".join(
        escape(first) if first == last else f"{escape(first)}-{escape(last)}"
        for first, last in runs
    )


BLANK_CLASS = _char_class(BLANK)
# PostgreSQL text cannot hold U+0000 (psycopg refuses it), so no text input may
# contain it, whatever the database. These are patterns, not Python checks, so
# that the OpenAPI document states the rule too. (Python's $ also matches
# before a final line break, but these classes include line breaks, so the
# patterns match exactly what JSON Schema's would.)
NO_NUL = r"^[^\u0000]*$"
# Not blank and no NUL: blanks, one visible character, then anything but NUL.
# Written so that no character can match two ways: checking takes linear time.
NOT_BLANK = rf"^[{BLANK_CLASS}]*[^\u0000{BLANK_CLASS}][^\u0000]*$"
NUL_MESSAGE = "Must not contain the NUL character (U+0000)."
NUMBER = (
    r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"  # as JSON writes them
)
USERNAME_PATTERN = r"^[A-Za-z0-9_]{3,30}$"
SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$"
PHONE_PATTERN = r"^\+?[0-9 ().-]{5,30}$"

PATTERN_MESSAGES.update(
    {
        PASSWORD_PATTERN: "Must contain a letter and a digit, and no NUL (U+0000).",
        EMAIL_PATTERN: "Must be a valid e-mail address.",
        NO_NUL: NUL_MESSAGE,
        NOT_BLANK: "Must not be blank, nor contain the NUL character (U+0000).",
        USERNAME_PATTERN: "Must be 3-30 letters, digits or underscores.",
        SKU_PATTERN: "Must be 1-64 of A-Z a-z 0-9 . _ / -, starting alphanumeric.",
        PHONE_PATTERN: "Must be a phone number: digits, spaces, ( ) . - and a +.",
    }
)


def password_fits_bcrypt(password: str) -> str:
    """Refuse a password longer than bcrypt reads (72 bytes of UTF-8)."""
    if len(password.encode("utf-8")) > PASSWORD_MAX_BYTES:
        raise ValueError(
            f"Password must be at most {PASSWORD_MAX_BYTES} bytes (UTF-8)."
        )
    return password


def _round_to_cents(amount: float) -> float:
    # Money is kept in whole cents; half a cent rounds up, as on a receipt.
    return float(Decimal(repr(amount)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def _normalise_tag(tag: str) -> str:
    return " ".join(re.split(f"[{BLANK_CLASS}]+", tag.strip(BLANK))).lower()


def _strip_blank(text: str) -> str:
    return text.strip(BLANK)


def _query_bool(value: Any) -> Any:
    # Only the two spellings the document promises; "yes" or "1" are errors.
    return (
        {"true": True, "false": False}.get(value, value)
        if isinstance(value, str)
        else value
    )


def query_int(value: Any) -> Any:
    """Read a query string's whole number as an int; leave anything else to fail."""
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value):
        return int(value)
    return value


def _query_number(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(NUMBER, value):
        return float(value)
    return value


def _query_date(value: Any) -> Any:
    # A query string's YYYY-MM-DD as a date; anything else is left to fail.
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:  # e.g. 2026-02-30
            pass
    return value


def _whole_number(value: Any) -> Any:
    # JSON Schema counts 5.0 as an integer, so we do too; 5.5 stays an error.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def Text(max_length: int):
    """A free text of at most ``max_length`` characters (no NUL), kept as sent."""
    return Annotated[str, StringConstraints(max_length=max_length, pattern=NO_NUL)]


def Name(max_length: int):
    """A required name: not blank, at most ``max_length`` characters, trimmed."""
    return Annotated[
        str,
        StringConstraints(min_length=1, max_length=max_length, pattern=NOT_BLANK),
        AfterValidator(_strip_blank),
    ]


WholeNumber = BeforeValidator(_whole_number)
Id = Annotated[int, Field(ge=1, le=MAX_ID), WholeNumber]
Username = Annotated[str, StringConstraints(pattern=USERNAME_PATTERN)]
Email = Annotated[str, StringConstraints(max_length=254, pattern=EMAIL_PATTERN)]
# JSON Schema counts characters, bcrypt counts bytes: the document says at most
# 72 characters and the API also refuses more than 72 bytes (a password of 72
# characters that are not all ASCII). The contract tests skip those inputs.
Password = Annotated[
    str,
    StringConstraints(min_length=8, max_length=72, pattern=PASSWORD_PATTERN),
    AfterValidator(password_fits_bcrypt),
]
ItemName = Name(100)
Description = Text(500)
Quantity = Annotated[int, Field(ge=0, le=MAX_AMOUNT), WholeNumber]
Price = Annotated[float, Field(ge=0, le=MAX_AMOUNT), AfterValidator(_round_to_cents)]
Sku = Annotated[str, StringConstraints(pattern=SKU_PATTERN)]
Status = Literal[ITEM_STATUSES]
Tag = Annotated[
    str,
    StringConstraints(min_length=1, max_length=50, pattern=NOT_BLANK),
    AfterValidator(_normalise_tag),
]
# A ?tag= filter: normalised like a tag, then folded as item_tags stores tags.
TagFilter = Annotated[Tag, AfterValidator(fold)]
SpecKey = Annotated[
    str, StringConstraints(min_length=1, max_length=50, pattern=NOT_BLANK)
]
SpecValue = Text(500) | int | float
Phone = Annotated[str, StringConstraints(pattern=PHONE_PATTERN)]
SearchText = Annotated[
    str, StringConstraints(min_length=1, max_length=100, pattern=NOT_BLANK)
]

# "YYYY-MM-DD" in a query string. (In a JSON body, a plain ``date`` field reads
# that form only: the bodies are validated in strict mode.)
QueryDate = Annotated[date, BeforeValidator(_query_date)]
QueryBool = Annotated[bool, BeforeValidator(_query_bool)]
QueryId = Annotated[Id, BeforeValidator(query_int)]
QueryQuantity = Annotated[Quantity, BeforeValidator(query_int)]
QueryPrice = Annotated[
    float, Field(ge=0, le=MAX_AMOUNT), BeforeValidator(_query_number)
]
