import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
LOGOUT = "/api/v1/auth/logout/"
REGISTER = "/api/v1/auth/register/"
ME = "/api/v1/auth/me/"
SETTINGS = "/api/v1/auth/settings/"
PASSWORD_CHANGE = "/api/v1/auth/password/change/"
PASSWORD_RESET = "/api/v1/auth/password/reset/"
PASSWORD_RESET_CONFIRM = "/api/v1/auth/password/reset/confirm/"


ODD_VALUES: list[object] = [
    None,
    1e308,
    -1,
    True,
    [],
    {},
    [None],
    "x" * 10_000,
    "nul\x00byte",
    "😀" * 300,
]
WRITE_ENDPOINTS = [
    ("post", "/api/v1/waitlist/", ["email", "name", "note"]),
    ("post", TOKEN, ["username", "password"]),
    ("post", REFRESH, ["refresh"]),
    ("post", LOGOUT, ["refresh"]),
    ("post", REGISTER, ["invite_token", "username", "email", "password"]),
    ("patch", ME, ["username", "email"]),
    ("patch", SETTINGS, ["desired_retention", "preferred_quiz_types", "time_zone", "theme"]),
    ("post", PASSWORD_CHANGE, ["old_password", "new_password"]),
    ("post", PASSWORD_RESET, ["email"]),
    ("post", PASSWORD_RESET_CONFIRM, ["uid", "token", "new_password"]),
]


@pytest.mark.parametrize(("method", "path", "fields"), WRITE_ENDPOINTS)
def test_odd_values_in_any_field_are_4xx_json_never_500(learner_api_client, method, path, fields):
    for field in fields:
        for value in ODD_VALUES:
            cache.clear()  # not the throttle under test here
            body = dict.fromkeys(fields, "plain-value-123") | {field: value}

            response = getattr(learner_api_client, method)(path, body, format="json")

            assert response.status_code < 500, (field, value)
            if response.status_code != 204:
                assert response["Content-Type"] == "application/json", (field, value)
