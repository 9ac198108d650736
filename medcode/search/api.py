"""Search endpoints, mounted at /api/v1/search by medcode/api.py."""

from ninja import Router

router = Router(tags=["search"])
