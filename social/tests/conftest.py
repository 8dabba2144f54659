import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached profiles must not leak from one test's database into the next.
    cache.clear()
    yield
    cache.clear()
