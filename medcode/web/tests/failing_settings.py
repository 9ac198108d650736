"""medcode's settings with one view that fails (medcode.web.tests.urls), for serving tests."""

from medcode.settings import *  # noqa: F403

ROOT_URLCONF = "medcode.web.tests.urls"
