"""The web API and dashboard server: `create_app(db_path)` for any ASGI server, `serve(...)` to run it
with uvicorn. See docs/api.md."""

from borderwatch.web.api import create_app, serve

__all__ = ["create_app", "serve"]
