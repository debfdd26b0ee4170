"""The JSON provider: it stamps envelopes, and writes what Flask's own encoder would."""

import json

import pytest
from flask import jsonify

from plumbing.envelope import utc_timestamp
from tests.helpers import assert_utc_timestamp

# --- The JSON provider ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "stamped"),
    [
        ({"status": "successful"}, True),
        ({"status": "failed", "timestamp": "kept"}, False),
        ({"openapi": "3.1.0"}, False),
        ([{"status": "successful"}], False),
    ],
)
def test_only_envelopes_without_a_timestamp_are_stamped(app, value, stamped):
    with app.test_request_context():
        body = jsonify(value).get_json()
    if stamped:
        assert body == {**value, "timestamp": body["timestamp"]}
        assert_utc_timestamp(body)
    else:
        assert body == value


def test_timestamps_always_have_microseconds():
    stamp = utc_timestamp()
    assert len(stamp) == len("2026-11-23T18:45:12.345678+00:00"), stamp


@pytest.mark.parametrize("debug", [False, True])
def test_answers_are_the_json_flasks_own_encoder_writes(app, debug):
    # msgspec encodes the bodies (plumbing/envelope.py); a client must not be
    # able to tell: the same keys in the same (sorted) order, the same values,
    # compact in production and indented in debug mode, text as UTF-8.
    value = {
        "status": "successful",
        "timestamp": "kept",
        "item": {"price": 12.5, "tags": [], "name": "Crème brûlée ☕", "sku": None},
        "big": 1e16,
        "list": [{"b": 2, "a": 1}, True],
    }
    app.debug = debug
    with app.test_request_context():
        raw = jsonify(value).get_data()
    flasks_own = json.dumps(
        value,
        sort_keys=True,
        ensure_ascii=False,
        **({"indent": 2} if debug else {"separators": (",", ":")}),
    )
    assert json.loads(raw) == value
    assert raw.decode("utf-8") == flasks_own.replace("1e+16", "1e16") + "\n"
