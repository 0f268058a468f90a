import uuid

import pytest
import redis
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from waitlist.models import WaitlistEntry
from waitlist.tests.factories import WaitlistEntryFactory
from waitlist.tests.helpers import invite_link

pytestmark = pytest.mark.django_db

JOIN = "/api/v1/waitlist/"
ENTRIES = "/api/v1/waitlist/entries/"


def join(api_client, **body):
    return api_client.post(JOIN, body, format="json")


def test_joining_answers_202_and_queues_the_email(api_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = join(api_client, email="Ada@Example.com", name="Ada", note="Latin")

    assert response.status_code == 202
    assert "waitlist" in response.json()["detail"]
    entry = WaitlistEntry.objects.get()
    assert (entry.email, entry.name, entry.note) == ("Ada@example.com", "Ada", "Latin")


def test_the_answer_is_identical_for_new_waiting_approved_and_registered_emails(
    api_client, django_capture_on_commit_callbacks
):
    """The same answer, the same queries and one queued task: nothing tells them apart."""
    WaitlistEntryFactory(email="waiting@example.com")
    WaitlistEntryFactory(email="approved@example.com", status=WaitlistEntry.Status.APPROVED)
    UserFactory(email="member@example.com")
    responses, work = [], []
    for email in [
        "new@example.com",
        "waiting@example.com",
        "APPROVED@example.com",
        "member@example.com",
    ]:
        with (
            django_capture_on_commit_callbacks(execute=True) as queued,
            CaptureQueriesContext(connection) as queries,  # the request's, not the task's
        ):
            responses.append(join(api_client, email=email))
        work.append((len(queries), len(queued)))

    assert {r.status_code for r in responses} == {202}
    assert len({r.content for r in responses}) == 1
    assert len(set(work)) == 1
    assert work[0][1] == 1
    assert WaitlistEntry.objects.count() == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"email": ["a@example.com"]}, "email"),
        ({"email": "a" * 10_000 + "@example.com"}, "email"),
        ({"email": "a@example.com", "name": "n" * 10_000}, "name"),
        ({"email": "a@example.com", "note": "n" * 10_000}, "note"),
        ({"email": "a@example.com", "name": {"first": "Ada"}}, "name"),
    ],
)
def test_bad_join_input_is_a_json_400_naming_the_field(api_client, body, field):
    response = join(api_client, **body)

    assert response.status_code == 400
    assert field in response.json()
    assert not WaitlistEntry.objects.exists()


def test_a_json_array_body_is_a_400_not_a_500(api_client):
    response = api_client.post(JOIN, [1, 2], format="json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_joining_is_throttled_per_client(api_client, settings):
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["waitlist"].split("/")[0])
    answers = [join(api_client, email=f"a{i}@example.com").status_code for i in range(limit + 1)]

    assert answers == [202] * limit + [429]
    assert "throttled" in join(api_client, email="z@example.com").json()["detail"]


def test_throttle_counts_are_shared_through_redis(api_client, settings, redis_url):
    prefix = f"cerego-test-throttle-{uuid.uuid4().hex}"  # leaves other tests' keys alone
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    server = redis.Redis.from_url(redis_url)
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["waitlist"].split("/")[0])
    try:
        for i in range(limit):
            assert join(api_client, email=f"a{i}@example.com").status_code == 202
        # What another web process would see: the count lives in Redis, not in this process.
        keys = server.keys(f"{prefix}:*throttle_waitlist_*")
        assert len(keys) == 1
        assert server.ttl(keys[0]) > 0
        assert join(api_client, email="one-more@example.com").status_code == 429
    finally:
        for key in server.scan_iter(f"{prefix}:*"):
            server.delete(key)


def test_staff_list_entries_filtered_by_status(staff_api_client, django_assert_max_num_queries):
    WaitlistEntryFactory.create_batch(3)
    WaitlistEntryFactory(status=WaitlistEntry.Status.REJECTED)

    with django_assert_max_num_queries(4):
        everything = staff_api_client.get(ENTRIES)
    rejected = staff_api_client.get(ENTRIES, {"status": "rejected"})

    assert everything.status_code == 200
    assert everything.json()["count"] == 4
    assert [e["status"] for e in rejected.json()["results"]] == ["rejected"]
    assert set(everything.json()["results"][0]) >= {"id", "email", "status", "position"}


def test_an_undecided_entry_says_decided_by_null_as_its_schema_allows(staff_api_client, client):
    WaitlistEntryFactory()

    entry = staff_api_client.get(ENTRIES).json()["results"][0]
    schema = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    assert entry["decided_by"] is None
    assert schema["components"]["schemas"]["WaitlistEntry"]["properties"]["decided_by"]["nullable"]


def test_staff_approve_mails_the_invite(
    staff_api_client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    entry = WaitlistEntryFactory(email="ada@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_api_client.post(f"{ENTRIES}{entry.pk}/approve/")

    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["decided_by"] == staff.username
    assert mailoutbox[0].to == ["ada@example.com"]
    assert invite_link(mailoutbox[0])


def test_staff_reject(staff_api_client, mailoutbox):
    entry = WaitlistEntryFactory()

    response = staff_api_client.post(f"{ENTRIES}{entry.pk}/reject/")

    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert mailoutbox == []


def test_deciding_a_registered_entry_is_a_400(staff_api_client):
    entry = WaitlistEntryFactory(status=WaitlistEntry.Status.REGISTERED)

    response = staff_api_client.post(f"{ENTRIES}{entry.pk}/approve/")

    assert response.status_code == 400
    assert "already registered" in str(response.json())


@pytest.mark.parametrize("entry_id", ["999999", "abc"])
def test_unknown_entries_are_404(staff_api_client, entry_id):
    assert staff_api_client.post(f"{ENTRIES}{entry_id}/approve/").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", ENTRIES), ("post", f"{ENTRIES}1/approve/"), ("post", f"{ENTRIES}1/reject/")],
)
def test_staff_endpoints_refuse_learners_with_403_and_strangers_with_401(
    learner_api_client, api_client, method, path
):
    entry = WaitlistEntryFactory()
    path = path.replace("/1/", f"/{entry.pk}/")

    assert getattr(learner_api_client, method)(path).status_code == 403
    assert getattr(api_client, method)(path).status_code == 401
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.PENDING


def test_join_is_documented_in_the_schema(client):
    schema = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    join_op = schema["paths"]["/api/v1/waitlist/"]["post"]
    assert set(join_op["responses"]) >= {"202", "400", "429"}
    approve = schema["paths"]["/api/v1/waitlist/entries/{id}/approve/"]["post"]
    assert set(approve["responses"]) >= {"200", "400", "401", "403", "404"}


def test_a_forged_forwarded_for_header_does_not_dodge_the_throttle(api_client, settings):
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["waitlist"].split("/")[0])
    answers = [
        api_client.post(
            JOIN, {"email": f"a{i}@example.com"}, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}"
        ).status_code
        for i in range(limit + 1)
    ]

    assert answers[-1] == 429
