"""The web app and JSON API (`duikou serve`): thin FastAPI handlers over the same library
functions the CLI uses. `create_app` builds the app; `api` holds /api/*, `pages` the HTML pages."""

from duikou.web.app import create_app

__all__ = ["create_app"]
