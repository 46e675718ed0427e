"""The interface language of each request (issue 26): Simplified Chinese or English.

Which language, first match wins:
1. the address: `/zh-hans/...` is Chinese, whoever opens it, so a shared link opens in the
   sender's language (English pages have no prefix: every existing address stays English);
2. the signed-in member's `language` (a generic attribute of `request.user`; config imports no
   app), then the `django_language` cookie the language switch sets;
3. the browser's `Accept-Language`; else English.

An unprefixed page asked for (GET) in Chinese by 2 or 3 redirects to its `/zh-hans/` address, so
an address always names one language: the page and fragment caches key on it, and what a member
copies from the address bar opens in the same language. The API has no prefix and answers in the
negotiated language (`Vary: Accept-Language, Cookie`); token users' profile language is applied by
their authentication (accounts.authentication).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import LocalePrefixPattern, is_valid_path
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy, ngettext_lazy, npgettext_lazy

HTMX_HEADER = "HX-Request"


def default_language() -> str:
    return translation.get_supported_language_variant(settings.LANGUAGE_CODE)


def supported(code: str | None) -> str | None:
    """The LANGUAGES code for `code` ("zh-cn" gives "zh-hans"), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def _prefixed() -> list[str]:
    default = default_language()
    return [code for code, _name in settings.LANGUAGES if code != default]


def language_from_path(path: str) -> str | None:
    """The language an address names by its prefix (`/zh-hans/...`), or None (unprefixed)."""
    for code in _prefixed():
        if path == f"/{code}" or path.startswith(f"/{code}/"):
            return code
    return None


def path_in_language(path: str, code: str) -> str:
    """`path` (with or without a language prefix) as the address of the same page in `code`."""
    current = language_from_path(path)
    if current:
        path = path[len(current) + 1 :] or "/"
    return path if code == default_language() else f"/{code}{path}"


def html_lang(code: str) -> str:
    """A LANGUAGES code as BCP 47 writes it: "zh-hans" is "zh-Hans" (`<html lang>`, hreflang)."""
    language, _sep, script = code.partition("-")
    return f"{language}-{script.title()}" if len(script) == 4 else code


def preferred_language(request: HttpRequest) -> str:
    """The language for an unprefixed address: profile, then cookie, then Accept-Language."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        chosen = supported(getattr(user, "language", ""))
        if chosen:
            return chosen
    chosen = supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    if chosen:
        return chosen
    # Accept-Language only (the cookie was read above; the path is never looked at here).
    return supported(translation.get_language_from_request(request)) or default_language()


class LanguagePrefix(LocalePrefixPattern):
    """i18n_patterns' prefix, with the default language unprefixed, that matches an address by
    its own prefix whatever language is active: a POST or an htmx request to an unprefixed address
    from someone reading Chinese still finds its view. reverse() adds the active language's
    prefix (none for English)."""

    def __init__(self) -> None:
        super().__init__(prefix_default_language=False)

    @property
    def language_prefix(self) -> str:
        code = translation.get_language() or default_language()
        return "" if code == default_language() else f"{code}/"

    def match(self, path: str):
        code = language_from_path(f"/{path}")
        if code:
            return path[len(code) :].removeprefix("/"), (), {}
        return path, (), {}


class LanguageMiddleware:
    """Activates the request's language (see the module docstring). After AuthenticationMiddleware:
    it reads the member's profile setting."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from_path = language_from_path(request.path_info)
        language = from_path or preferred_language(request)
        request.LANGUAGE_CODE = language
        # Active for this request only: the thread's language is put back afterwards, so work done
        # after it in the same thread (tests, a task run eagerly) is not in a visitor's language.
        with translation.override(language):
            if (
                not from_path
                and language != default_language()
                and request.method in {"GET", "HEAD"}
                and HTMX_HEADER not in request.headers
            ):
                target = f"/{language}{request.path_info}"
                if is_valid_path(target, getattr(request, "urlconf", None)):
                    query = request.META.get("QUERY_STRING", "")
                    location = f"{request.META.get('SCRIPT_NAME', '')}{target}" + (f"?{query}" if query else "")
                    response = HttpResponseRedirect(location)
                    patch_vary_headers(response, ("Accept-Language", "Cookie"))
                    return response
            response = self.get_response(request)
            # The active language at the end: a token user's profile may have changed it (API).
            response.headers.setdefault("Content-Language", html_lang(translation.get_language() or language))
        if not from_path:
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


def _language_links(request: HttpRequest, current: str) -> list[dict]:
    path = request.path
    query = request.META.get("QUERY_STRING", "")
    links = []
    for code, name in settings.LANGUAGES:
        url = path_in_language(path, code) + (f"?{query}" if query else "")
        links.append(
            {
                "code": code,
                "tag": html_lang(code),
                "name": name,
                "url": url,
                "absolute": request.build_absolute_uri(url),
                "active": code == current,
                "default": code == default_language(),
            }
        )
    return links


def languages(request: HttpRequest) -> dict:
    """Context processor: `html_lang` for `<html lang>`, and the page's address in each language
    (`language_links`: code, BCP 47 tag, name, URL, absolute URL, active, default) for hreflang alternates
    and the switch; built only when a template reads them (card partials never do)."""
    current = translation.get_language() or default_language()
    return {"html_lang": html_lang(current), "language_links": lambda: _language_links(request, current)}


# Django's own Chinese for relative times reads "3 日之前", "5分钟之前"; Xiaohongshu's readers
# expect "3 天前", "5 分钟前". The project catalogue (locale/) comes before Django's, so these
# entries there win; they are restated here only so that makemessages keeps them.
RELATIVE_TIME_WORDING = (
    gettext_lazy("now"),
    gettext_lazy("%(delta)s ago"),
    gettext_lazy("%(delta)s from now"),
    gettext_lazy(", "),
    ngettext_lazy("a second ago", "%(count)s seconds ago", "count"),
    ngettext_lazy("a minute ago", "%(count)s minutes ago", "count"),
    ngettext_lazy("an hour ago", "%(count)s hours ago", "count"),
    npgettext_lazy("naturaltime-past", "%(num)d year", "%(num)d years", "num"),
    npgettext_lazy("naturaltime-past", "%(num)d month", "%(num)d months", "num"),
    npgettext_lazy("naturaltime-past", "%(num)d week", "%(num)d weeks", "num"),
    npgettext_lazy("naturaltime-past", "%(num)d day", "%(num)d days", "num"),
    npgettext_lazy("naturaltime-past", "%(num)d hour", "%(num)d hours", "num"),
    npgettext_lazy("naturaltime-past", "%(num)d minute", "%(num)d minutes", "num"),
    ngettext_lazy("%(num)d year", "%(num)d years", "num"),
    ngettext_lazy("%(num)d month", "%(num)d months", "num"),
    ngettext_lazy("%(num)d week", "%(num)d weeks", "num"),
    ngettext_lazy("%(num)d day", "%(num)d days", "num"),
    ngettext_lazy("%(num)d hour", "%(num)d hours", "num"),
    ngettext_lazy("%(num)d minute", "%(num)d minutes", "num"),
)

# Django's own Chinese for the commonest form errors reads like a compiler ("确保该变量至少包含 3
# 字符"); these read as the product does. Restated for makemessages, as above.
FORM_ERROR_WORDING = (
    gettext_lazy("This field is required."),
    gettext_lazy("Enter a valid email address."),
    gettext_lazy("Select a valid choice. %(value)s is not one of the available choices."),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
)
