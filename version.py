"""The API's version, reported by GET /version and in pyproject.toml."""

__version__ = "1.0.0"
