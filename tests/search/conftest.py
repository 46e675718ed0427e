import pytest

from config import localcache


@pytest.fixture(autouse=True)
def fresh_synonyms():
    """Each test reads the synonym list its own rows make (the list is kept per process)."""
    localcache.forget("search-synonyms")
    yield
    localcache.forget("search-synonyms")
