"""The dashboard's forms say the API's own rules (static/js/app.js)."""

import re
from pathlib import Path

from schemas import RegisterRequest

APP_JS = Path(__file__).resolve().parents[1] / "dashboard" / "static" / "js" / "app.js"


def test_the_password_hint_states_the_apis_length_rule():
    schema = RegisterRequest.model_json_schema()["properties"]["password"]
    rule = re.search(r'PASSWORD_RULE = "([^"]+)"', APP_JS.read_text()).group(1)
    assert rule.startswith(f"At least {schema['minLength']} characters")
    # A letter and a digit: what the pattern's two look-aheads ask for.
    assert "(?=.*[^\\W\\d_])(?=.*\\d)" in schema["pattern"]
    assert "one letter and one digit" in rule
