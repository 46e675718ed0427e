"""Fetch a page as a reader of the zh-Hans interface would (issue 26)."""

from django.test import Client
from django.urls import reverse
from django.utils import translation

ZH = "zh-hans"


def get_zh(client: Client, name: str, *args, data: dict | None = None, method: str = "get", **kwargs):
    """Request the named page in Simplified Chinese. Asks for it the ways the interface may choose a
    language (the URL reversed under the language, whose prefix it carries if URLs are prefixed;
    Accept-Language; the active language when no middleware chooses), following redirects."""
    with translation.override(ZH):
        url = reverse(name, args=args, kwargs=kwargs or None)
        return getattr(client, method)(url, data or {}, HTTP_ACCEPT_LANGUAGE=ZH, follow=True)


def text_zh(client: Client, name: str, *args, status: int = 200, **kwargs) -> str:
    response = get_zh(client, name, *args, **kwargs)
    assert response.status_code == status, response.status_code
    return response.content.decode()
