"""Extension objects, created unbound and attached to the app in ``create_app``."""

from flask_bcrypt import Bcrypt
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base for every model in ``models.py``."""


db = SQLAlchemy(model_class=Base)
bcrypt = Bcrypt()
