from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from config import health

# A database outage outside a view is a 503 too (config/middleware.py).
handler500 = "config.middleware.server_error"

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("reviews.api.urls")),
    path("", include("ranking.api.urls")),
    path("", include("moderation.api.urls")),
    path("", include("brands.api.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("healthz", health.liveness, name="healthz"),
    path("readyz", health.readiness, name="readyz"),
    path("healthz/detail", health.detail, name="healthz-detail"),
    # The web pages. Listed after the API so the page URLs win reverse("review-detail") and
    # reverse("product-detail"), which the API router also names.
    path("", include("accounts.urls")),
    path("", include("reviews.urls")),
    path("rankings/", include("ranking.urls")),
    path("", include("moderation.urls")),
    path("", include("brands.urls")),
]


def serve_media(request, path):
    # MEDIA_ROOT is read per request, so a test's own media folder is served too.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA:
    # Local-disk media in development and the embedded default; object storage in production.
    urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media)]
