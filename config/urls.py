from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import admin
from django.urls import URLResolver, include, path
from django.views.decorators.cache import cache_control
from django.views.i18n import JavaScriptCatalog
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from config import health
from config.locale import LanguagePrefix

# A database outage outside a view is a 503 too (config/middleware.py).
handler500 = "config.middleware.server_error"

# The API docs pages keep the strict script policy (assets from drf-spectacular-sidecar, Swagger
# UI's start-up script fetched as a file by the split view) but Swagger UI and ReDoc style their
# elements inline and ReDoc parses the schema in a blob: worker: allowed on these two pages only.
# ReDoc's sidebar also always shows Redocly's logo from its CDN (an image; nothing else from there).
_docs_styles = {"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}
swagger_policy = csp_replace(_docs_styles)
redoc_policy = csp_replace({**_docs_styles, "img-src": [SELF, "data:", "https://cdn.redoc.ly"]})

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("reviews.api.urls")),
    path("", include("ranking.api.urls")),
    path("", include("moderation.api.urls")),
    path("", include("brands.api.urls")),
    path("", include("search.api.urls")),
    path("", include("foryou.api.urls")),
]

# An unknown address under /api/ is a JSON 404 (config/exceptions.py).
handler404 = "config.exceptions.not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", swagger_policy(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("api/redoc/", redoc_policy(SpectacularRedocView.as_view(url_name="api-schema")), name="api-redoc"),
    path("healthz", health.liveness, name="healthz"),
    path("readyz", health.readiness, name="readyz"),
    path("healthz/detail", health.detail, name="healthz-detail"),
]

# The web pages, English unprefixed and Chinese under /zh-hans/ (config/locale.py). Listed after
# the API so the page URLs win reverse("review-detail") and reverse("product-detail"), which the
# API router also names.
web_pages = [
    path("", include("accounts.urls")),
    path("", include("reviews.urls")),
    path("", include("ranking.urls")),
    path("", include("moderation.urls")),
    path("", include("brands.urls")),
    path("", include("search.urls")),
    path("", include("foryou.urls")),
    # The JavaScript messages of the page's language, from our origin (the CSP allows no other);
    # one address per language, so a day's browser cache is never the other language's.
    path("jsi18n/", cache_control(max_age=86400)(JavaScriptCatalog.as_view()), name="javascript-catalog"),
]
urlpatterns.append(URLResolver(LanguagePrefix(), web_pages))


def serve_media(request, path):
    # MEDIA_ROOT is read per request, so a test's own media folder is served too.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA:
    # Local-disk media in development and the embedded default; object storage in production.
    urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media)]
