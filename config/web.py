"""Generic helpers for the web pages of every app (imports no app).

htmx requests are recognised by django-htmx's HtmxMiddleware (`request.htmx`)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` address from the form or query string if it stays on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def web_login_required(view):
    """login_required that, for an htmx request, sends the whole page to the log-in form
    (a 401 with HX-Redirect back to the page it came from) instead of swapping a log-in page into
    a button. Django's login_required alone would answer htmx with a 302 that htmx follows and
    swaps in place."""
    wrapped = login_required(view)

    def check(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated and request.htmx:
            response = HttpResponse(status=401)
            referer = request.headers.get("Referer", "")
            next_url = referer if url_has_allowed_host_and_scheme(referer, {request.get_host()}) else "/"
            response["HX-Redirect"] = f"{reverse('login')}?next={next_url}"
            return response
        return wrapped(request, *args, **kwargs)

    check.__name__ = view.__name__
    check.__doc__ = view.__doc__
    return check
