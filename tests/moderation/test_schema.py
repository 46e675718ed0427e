"""The moderation API is described by the OpenAPI schema, with its inputs."""

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


def test_schema_documents_every_moderation_endpoint():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    expected = {
        "/api/v1/reports/": {"get", "post"},
        "/api/v1/me/moderation/": {"get"},
        "/api/v1/announcements/": {"get"},
        "/api/v1/categories/{slug}/editors-picks/": {"get"},
        "/api/v1/moderation/queue/": {"get"},
        "/api/v1/moderation/queue/{id}/": {"get"},
        "/api/v1/moderation/queue/{id}/dismiss/": {"post"},
        "/api/v1/moderation/reviews/{id}/action/": {"post"},
        "/api/v1/moderation/reviews/{id}/feature/": {"put", "delete"},
        "/api/v1/moderation/comments/{id}/action/": {"post"},
        "/api/v1/moderation/users/{username}/action/": {"post"},
        "/api/v1/moderation/announcements/": {"get", "post"},
        "/api/v1/moderation/announcements/{id}/": {"get", "patch"},
        "/api/v1/moderation/editors-picks/{slug}/": {"get", "put"},
        "/api/v1/moderation/fraud-flags/": {"get"},
        "/api/v1/moderation/fraud-flags/{id}/": {"get"},
        "/api/v1/moderation/fraud-flags/{id}/decision/": {"post"},
        "/api/v1/moderation/audit/": {"get"},
        "/api/v1/moderation/audit/{id}/": {"get"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert set(paths[path]) - {"parameters"} == methods, path
    components = schema["components"]["schemas"]
    assert set(components["UserActionEnum"]["enum"]) == {"warn", "suspend", "unsuspend", "ban", "unban"}
    assert "days" in components["UserActionInputRequest"]["properties"]
    assert "evidence" in components["FraudFlagDetail"]["properties"]
    listed = paths["/api/v1/moderation/queue/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert listed["$ref"].endswith("/PaginatedQueueItemList")
    # Cursor pagination: next and previous links, no COUNT(*).
    assert set(components["PaginatedQueueItemList"]["properties"]) == {"next", "previous", "results"}
