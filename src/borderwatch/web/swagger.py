"""/docs: Swagger UI from the vendored swagger-ui-dist files (web/static/vendor, built by
scripts/build_web_assets.py), never a CDN, and its start-up script as a file, as the content security
policy allows no inline script. Without the vendored files, a page that says so and links the schema."""

from __future__ import annotations

import functools
from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
INIT_SCRIPT_PATH = "/docs/swagger-init.js"
INIT_SCRIPT = """// Started from a file: the content security policy forbids inline script.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
                               validatorUrl: null});
});
"""


@functools.lru_cache(maxsize=4)
def vendored_asset(name: str, static_dir: Path = STATIC_DIR) -> str | None:
    """The URL path under /static of a vendored file ("swagger-ui-bundle.js"), None when not vendored."""
    vendor = static_dir / "vendor"
    if not vendor.is_dir():
        return None
    found = sorted(vendor.rglob(name))
    return "/static/" + found[0].relative_to(static_dir).as_posix() if found else None


def docs_page(static_dir: Path = STATIC_DIR) -> str:
    script = vendored_asset("swagger-ui-bundle.js", static_dir)
    css = vendored_asset("swagger-ui.css", static_dir)
    if script is None or css is None:
        return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>borderwatch API</title>"
                "</head><body><h1>borderwatch API</h1><p>The interactive documentation needs the vendored "
                "swagger-ui files (run scripts/build_web_assets.py). The schema is at "
                "<a href=\"/openapi.json\">/openapi.json</a>; docs/api.md describes every endpoint.</p>"
                "</body></html>")
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>borderwatch API</title>"
            f"<link rel=\"stylesheet\" href=\"{css}\"></head><body><div id=\"swagger-ui\"></div>"
            f"<script src=\"{script}\"></script><script src=\"{INIT_SCRIPT_PATH}\"></script></body></html>")
