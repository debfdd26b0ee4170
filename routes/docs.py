"""The OpenAPI document and the interactive documentation page.

The page is Swagger UI, served by this app from the installed flask-swagger-ui
package: no CDN, so the docs work offline and under a strict CSP.
"""

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, Response, current_app, send_from_directory

from plumbing.openapi import build_document
from plumbing.operations import documented

bp = Blueprint("docs", __name__)

SWAGGER_UI = Path(flask_swagger_ui.__file__).resolve().parent / "dist"
OWN_ASSETS = Path(__file__).resolve().parent.parent / "docs_assets"
ASSETS = {
    "swagger-ui-bundle.js": SWAGGER_UI,
    "swagger-ui.css": SWAGGER_UI,
    "swagger-init.js": OWN_ASSETS,
}
# Scripts and styles from this origin only; Swagger UI sets inline styles.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
)
DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Inventory API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/swagger-init.js"></script>
</body>
</html>
"""


@bp.get("/openapi.json")
@documented("application/json", login=False, tag="operations", summary="This document")
def openapi_document():
    """Return the OpenAPI 3.1 document (built once per app)."""
    document = current_app.extensions.get("openapi_document")
    if document is None:
        document = current_app.extensions["openapi_document"] = build_document(
            current_app
        )
    return document


@bp.get("/docs")
@documented(
    "text/html", login=False, tag="operations", summary="Interactive documentation"
)
def docs_page():
    """Show the interactive documentation."""
    return Response(
        DOCS_PAGE, mimetype="text/html", headers={"Content-Security-Policy": DOCS_CSP}
    )


ASSET_NAMES = ", ".join(f'"{name}"' for name in ASSETS)


@bp.get(f"/docs/assets/<any({ASSET_NAMES}):asset>")
@documented(
    "asset",
    errors=(404,),
    login=False,
    tag="operations",
    summary="An asset of the documentation page",
)
def docs_asset(asset: str):
    """Serve one of the documentation page's scripts or stylesheets."""
    response = send_from_directory(ASSETS[asset], asset)
    response.headers["Content-Security-Policy"] = DOCS_CSP
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
