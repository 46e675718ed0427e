import pytest

from config import throttling


@pytest.fixture(autouse=True)
def fresh_cache_breaker():
    """A cache failure in one test must not switch the limits off in the next."""
    throttling.reset_cache_breaker()
    yield
    throttling.reset_cache_breaker()


@pytest.fixture
def rates(settings):
    """Set abuse-limit rates for one test: rates(vote="2/minute", vote_new="1/minute")."""

    def apply(**scopes: str) -> None:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": scopes}

    return apply
