"""The JSON API (OpenAPI at /api/v1/docs)."""

from ninja import NinjaAPI

api = NinjaAPI(title="medcode", version="1", urls_namespace="api")
