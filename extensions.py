"""Extension objects, created unbound and attached to the app in ``create_app``."""

from flask_bcrypt import Bcrypt
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base for every model in ``models.py``."""


# expire_on_commit=False: after its one commit a view only serializes what it
# just wrote, so reloading every object from the database would be wasted work.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
# Generated migrations use plain ALTER TABLE, not batch mode: batch mode
# rebuilds a SQLite table and silently drops the lower(...) unique indexes,
# which it cannot reflect (README, "Database migrations").
migrate = Migrate(compare_type=True)
bcrypt = Bcrypt()
# Limits are declared on the views (routes/auth.py); storage and on/off switch
# come from the RATELIMIT_* settings in config.py.
limiter = Limiter(key_func=get_remote_address)
