"""Bad request bodies answer in the API's error format (400/413), never a 500 or an HTML page,
and write nothing."""

from __future__ import annotations

from django.conf import settings

from creators.models import Creator
from tenancy.scoping import tenant_scope
from tests.support.api import error


def test_deeply_nested_json_is_a_400_in_the_error_format(tenant_a, api_a):
    body = "[" * 100_000  # Python's json gives up with RecursionError long before the end
    r = api_a.generic("POST", "/api/v1/creators/", body, content_type="application/json")
    err = error(r, 400, "parse_error")
    assert err["message"] == "JSON parse error - nested too deeply."
    with tenant_scope(tenant_a.org):
        assert not Creator.objects.exists()


def test_a_body_over_the_upload_limit_is_a_413_in_the_error_format(tenant_a, api_a):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = '{"name": "Lee", "handle": "' + "x" * limit + '"}'
    r = api_a.generic("POST", "/api/v1/creators/", body, content_type="application/json")
    err = error(r, 413, "request_too_large")
    assert err["message"] == f"The request body is larger than {limit} bytes."
    with tenant_scope(tenant_a.org):
        assert not Creator.objects.exists()
    # just under the limit is parsed as usual (and the handle is then too long)
    body = '{"name": "Lee", "handle": "' + "x" * (limit - 40) + '"}'
    r = api_a.generic("POST", "/api/v1/creators/", body, content_type="application/json")
    assert error(r, 400, "invalid")["fields"] == {
        "handle": ["Ensure this field has no more than 80 characters."]
    }
