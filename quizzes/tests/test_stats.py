"""The statistics: the heatmap's study days, weekly retention, memory per catalog, the
predicted decay, and who may ask for what."""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from accounts.tests.factories import UserFactory
from decks.models import Catalog
from decks.tests.factories import CatalogFactory, CatalogFlashcardFactory
from quizzes import memory
from quizzes.models import CardProgress, CardState, ReviewLog
from quizzes.selectors.progress import progress_summary
from quizzes.selectors.settings import study_settings_of
from quizzes.selectors.stats import statistics_of
from quizzes.study_days import study_day_bounds, study_day_of

pytestmark = pytest.mark.django_db

STATS = "/api/v1/stats/"


def living_in(user, time_zone, rollover_hour=4):
    user.settings.time_zone = time_zone
    user.settings.save()
    study_settings = study_settings_of(user)
    study_settings.day_rollover_hour = rollover_hour
    study_settings.save()


def review(user, flashcard, at, *, rating=3, state=CardState.REVIEW):
    return ReviewLog.objects.create(
        user=user,
        flashcard=flashcard,
        rating=rating,
        reviewed_at=at,
        state_before={"state": state},
        state_after={},
    )


def studied(user, flashcard, *, stability, last_review):
    return CardProgress.objects.create(
        user=user,
        flashcard=flashcard,
        state=CardState.REVIEW,
        stability=stability,
        difficulty=5,
        last_review=last_review,
        due=last_review + timedelta(days=stability),
        reps=3,
    )


def heatmap(stats):
    return {row["date"]: row["reviews"] for row in stats["reviews_per_day"] if row["reviews"]}


def test_reviews_land_on_the_study_days_of_the_learners_time_zone_and_rollover(learner, card):
    living_in(learner, "Asia/Tokyo", rollover_hour=4)
    tokyo = [  # (local time in Tokyo, UTC+9)
        datetime(2026, 3, 2, 3, 59),  # before 4 am: still Sunday's study day
        datetime(2026, 3, 2, 3, 59, 59, 999_999),
        datetime(2026, 3, 2, 4, 0),
        datetime(2026, 3, 2, 12, 0),
        datetime(2026, 3, 3, 3, 59),  # the small hours of Tuesday are Monday's
        datetime(2026, 3, 3, 4, 0),
        datetime(2026, 3, 3, 23, 30),
    ]
    for local in tokyo:
        review(learner, card, (local - timedelta(hours=9)).replace(tzinfo=UTC))
    now = datetime(2026, 3, 4, 3, 0, tzinfo=UTC)  # noon in Tokyo

    stats = statistics_of(learner, now=now)

    assert heatmap(stats) == {date(2026, 3, 1): 2, date(2026, 3, 2): 3, date(2026, 3, 3): 2}
    assert len(stats["reviews_per_day"]) == 365
    assert stats["reviews_per_day"][-1] == {"date": date(2026, 3, 4), "reviews": 0}


def test_half_hour_time_zones_roll_over_at_their_own_hour(learner, card):
    living_in(learner, "Asia/Kolkata", rollover_hour=4)  # UTC+5:30
    review(learner, card, datetime(2026, 3, 1, 22, 20, tzinfo=UTC))  # 03:50 on 2 March
    review(learner, card, datetime(2026, 3, 1, 22, 40, tzinfo=UTC))  # 04:10 on 2 March

    stats = statistics_of(learner, now=datetime(2026, 3, 4, tzinfo=UTC))

    assert heatmap(stats) == {date(2026, 3, 1): 1, date(2026, 3, 2): 1}


def test_study_days_follow_daylight_saving_changes(learner, card):
    living_in(learner, "Europe/Berlin", rollover_hour=4)
    for moment in (
        datetime(2026, 3, 29, 1, 30),  # 03:30 CEST: the clocks jumped an hour, before 4
        datetime(2026, 3, 29, 2, 0),  # 04:00 CEST
        datetime(2026, 10, 25, 0, 30),  # 02:30 CEST, the first time
        datetime(2026, 10, 25, 1, 30),  # 02:30 CET, the second time
        datetime(2026, 10, 25, 2, 30),  # 03:30 CET
        datetime(2026, 10, 25, 3, 0),  # 04:00 CET
    ):
        review(learner, card, moment.replace(tzinfo=UTC))

    stats = statistics_of(learner, now=datetime(2026, 11, 1, 12, tzinfo=UTC))

    assert heatmap(stats) == {
        date(2026, 3, 28): 1,
        date(2026, 3, 29): 1,
        date(2026, 10, 24): 3,
        date(2026, 10, 25): 1,
    }


@pytest.mark.parametrize(
    ("time_zone", "rollover_hour"),
    [
        ("Europe/Berlin", 2),  # the rollover hour is the very hour the clocks change
        ("Europe/Berlin", 0),
        ("America/St_Johns", 4),  # UTC-3:30, with DST
        ("Asia/Kathmandu", 23),  # UTC+5:45
        ("Australia/Lord_Howe", 2),  # DST moves the clocks by half an hour
        ("Pacific/Chatham", 3),  # UTC+12:45 / +13:45
    ],
)
def test_every_review_counts_on_the_study_day_study_day_of_gives_it(
    learner, card, time_zone, rollover_hour
):
    living_in(learner, time_zone, rollover_hour)
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    rng = random.Random(time_zone)
    moments = [now - timedelta(seconds=rng.uniform(0, 360 * 86_400)) for _ in range(150)]
    for day in (date(2026, 3, 29), date(2026, 4, 5), date(2026, 9, 27), date(2026, 10, 25)):
        start = study_day_bounds(day, time_zone=time_zone, rollover_hour=rollover_hour)[0]
        start = start.astimezone(UTC)  # real time: arithmetic on local times is wall time
        moments += [start, start - timedelta(microseconds=1), start + timedelta(minutes=59)]
    for moment in moments:
        review(learner, card, moment)

    stats = statistics_of(learner, now=now)

    expected = Counter(
        study_day_of(moment, time_zone=time_zone, rollover_hour=rollover_hour) for moment in moments
    )
    assert heatmap(stats) == expected


def test_the_heatmap_covers_one_year_and_no_more(learner, card):
    now = datetime(2026, 3, 4, 12, tzinfo=UTC)  # UTC, rollover at 4
    review(learner, card, datetime(2025, 3, 5, 4, 0, tzinfo=UTC))  # the first day shown
    review(learner, card, datetime(2025, 3, 5, 3, 59, tzinfo=UTC))  # the day before it

    stats = statistics_of(learner, now=now)

    assert stats["reviews_per_day"][0]["date"] == date(2025, 3, 5)
    assert heatmap(stats) == {date(2025, 3, 5): 1}


def test_weekly_retention_is_the_share_of_review_state_reviews_recalled(learner, card):
    monday = datetime(2026, 3, 2, 9, tzinfo=UTC)
    for offset, rating in enumerate((3, 2, 4, 1)):
        review(learner, card, monday + timedelta(days=offset), rating=rating)
    review(learner, card, monday, rating=1, state=CardState.LEARNING)  # not a retention test
    review(learner, card, monday - timedelta(days=7), rating=3, state=CardState.NEW)
    study_settings = study_settings_of(learner)
    study_settings.desired_retention = 0.85
    study_settings.save()

    stats = statistics_of(learner, now=datetime(2026, 3, 10, 12, tzinfo=UTC))

    weeks = {row["week"]: row for row in stats["retention_per_week"]}
    assert weeks[date(2026, 3, 2)] == {
        "week": date(2026, 3, 2),
        "reviews": 4,
        "recalled": 3,
        "retention": 0.75,
    }
    assert weeks[date(2026, 2, 23)]["retention"] is None
    assert weeks[date(2026, 3, 9)]["retention"] is None
    assert all(week.weekday() == 0 for week in weeks)
    assert stats["desired_retention"] == 0.85
    assert heatmap(stats)[date(2026, 3, 2)] == 2


def test_one_catalog_counts_only_its_own_reviews(learner, deck, spanish):
    other = CatalogFactory(owner=learner, language=spanish)
    elsewhere = CatalogFlashcardFactory(catalog=other, flashcard__language=spanish).flashcard
    mine = deck.memberships.first().flashcard
    at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    review(learner, mine, at)
    review(learner, elsewhere, at, rating=1)
    review(learner, elsewhere, at)

    stats = statistics_of(learner, now=at + timedelta(days=1), catalog=deck)

    assert heatmap(stats) == {date(2026, 3, 2): 1}
    assert stats["retention_per_week"][-1]["retention"] == 1.0
    assert [row["catalog"] for row in stats["catalogs"]] == [deck.pk]


def test_memory_per_catalog_averages_all_its_cards_and_counts_levels(learner, deck):
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    cards = [membership.flashcard for membership in deck.memberships.order_by("id")]
    studied(learner, cards[0], stability=3, last_review=now - timedelta(days=2))
    studied(learner, cards[1], stability=40, last_review=now - timedelta(days=10))
    decay = memory.decay_of(memory.DEFAULT_PARAMETERS)

    (row,) = statistics_of(learner, now=now)["catalogs"]

    recall = sum(
        memory.retrievability(
            stability=s, last_review=now - timedelta(days=e), now=now, decay=decay
        )
        for s, e in ((3, 2), (40, 10))
    )
    assert row["memory_strength"] == round(100 * recall / 30)
    assert row["cards"] == 30
    assert row["studied"] == 2
    assert row["levels"] == {
        "New": 28,
        "Building": 0,
        "Level 1": 1,
        "Level 2": 0,
        "Level 3": 1,
        "Level 4": 0,
        "Mastery": 0,
    }


def test_the_prediction_of_one_card_is_its_forgetting_curve(learner, card):
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    last_review = now - timedelta(days=2, hours=5)
    studied(learner, card, stability=5.5, last_review=last_review)
    decay = memory.decay_of(memory.DEFAULT_PARAMETERS)

    prediction = statistics_of(learner, now=now)["prediction"]

    assert prediction["cards"] == 1
    assert len(prediction["days"]) == 91
    for offset, day in enumerate(prediction["days"]):
        expected = memory.retrievability(
            stability=5.5, last_review=last_review, now=now + timedelta(days=offset), decay=decay
        )
        assert day["memory_strength"] == pytest.approx(100 * expected, abs=0.051)
    strengths = [day["memory_strength"] for day in prediction["days"]]
    assert strengths == sorted(strengths, reverse=True)
    assert strengths[0] > strengths[-1] + 25
    assert prediction["days"][0]["date"] == date(2026, 3, 10)
    assert prediction["days"][90]["date"] == date(2026, 6, 8)


def test_the_prediction_of_a_collection_falls_and_stays_close_to_every_cards_curve(
    learner, spanish
):
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    catalog = CatalogFactory(owner=learner, language=spanish)
    rng = random.Random(10)
    cards = []
    for _ in range(300):
        flashcard = CatalogFlashcardFactory(catalog=catalog, flashcard__language=spanish).flashcard
        stability = rng.lognormvariate(2, 1.5)
        elapsed = rng.uniform(0, 1.5 * stability)
        cards.append((stability, now - timedelta(days=elapsed)))
        studied(learner, flashcard, stability=stability, last_review=cards[-1][1])
    decay = memory.decay_of(memory.DEFAULT_PARAMETERS)

    days = statistics_of(learner, now=now)["prediction"]["days"]

    for offset in (0, 1, 7, 30, 90):
        at = now + timedelta(days=offset)
        exact = sum(
            memory.retrievability(stability=s, last_review=last, now=at, decay=decay)
            for s, last in cards
        )
        assert days[offset]["memory_strength"] == pytest.approx(100 * exact / 300, abs=0.3)
    strengths = [day["memory_strength"] for day in days]
    assert strengths == sorted(strengths, reverse=True)
    summary = progress_summary(learner, now=now)
    assert abs(strengths[0] - summary["average_memory_strength"]) <= 1


def test_a_learner_with_nothing_studied_gets_empty_but_whole_statistics(learner_api_client):
    response = learner_api_client.get(STATS)

    assert response.status_code == 200
    stats = response.json()
    assert stats["catalog"] is None
    assert len(stats["reviews_per_day"]) == 365
    assert {row["reviews"] for row in stats["reviews_per_day"]} == {0}
    assert len(stats["retention_per_week"]) in (53, 54)
    assert stats["catalogs"] == []
    assert stats["prediction"]["cards"] == 0
    assert {day["memory_strength"] for day in stats["prediction"]["days"]} == {0.0}


def test_statistics_through_the_api_for_one_catalog(learner_api_client, learner, deck, card):
    review(learner, card, datetime.now(UTC) - timedelta(hours=1))
    studied(learner, card, stability=4, last_review=datetime.now(UTC) - timedelta(hours=1))

    response = learner_api_client.get(STATS, {"catalog": deck.pk})

    assert response.status_code == 200
    stats = response.json()
    assert stats["catalog"] == deck.pk
    assert stats["time_zone"] == "UTC"
    assert stats["day_rollover_hour"] == 4
    assert sum(row["reviews"] for row in stats["reviews_per_day"]) == 1
    assert stats["catalogs"][0]["levels"]["Level 1"] == 1
    assert stats["prediction"]["cards"] == 1
    assert stats["prediction"]["days"][0]["memory_strength"] > 99


def test_another_learners_private_catalog_is_not_found(learner_api_client, spanish):
    private = CatalogFactory(owner=UserFactory(), language=spanish)
    public = CatalogFactory(
        owner=UserFactory(), language=spanish, visibility=Catalog.Visibility.PUBLIC
    )

    assert learner_api_client.get(STATS, {"catalog": private.pk}).status_code == 404
    assert learner_api_client.get(STATS, {"catalog": private.pk + 1000}).status_code == 404
    assert learner_api_client.get(STATS, {"catalog": public.pk}).status_code == 200


@pytest.mark.parametrize("catalog", ["abc", "²", "٣", "0", "-1", "1.5", "1e3", "9" * 30])
def test_a_bad_catalog_parameter_is_a_400(learner_api_client, catalog):
    response = learner_api_client.get(STATS, {"catalog": catalog})

    assert response.status_code == 400
    assert "catalog" in response.json()


def test_an_empty_catalog_parameter_means_the_whole_collection(learner_api_client):
    response = learner_api_client.get(f"{STATS}?catalog=")

    assert response.status_code == 200
    assert response.json()["catalog"] is None


def test_statistics_need_a_signed_in_learner(api_client):
    assert api_client.get(STATS).status_code == 401


def test_the_schema_documents_the_statistics(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    operation = schema["paths"]["/api/v1/stats/"]["get"]
    assert {"200", "400", "401", "404"} <= set(operation["responses"])
    assert [parameter["name"] for parameter in operation["parameters"]] == ["catalog"]
    body = schema["components"]["schemas"]["Statistics"]["properties"]
    assert {"reviews_per_day", "retention_per_week", "catalogs", "prediction"} <= set(body)


def test_statistics_cost_the_same_queries_for_100_cards_as_for_10000(spanish, api_client):
    from quizzes.tests.test_query_counts import collection, queries

    counts = {}
    for size in (100, 10_000):
        user = UserFactory()
        catalog = collection(user, spanish, size)
        api_client.force_authenticate(user)
        counts[size] = (
            queries(lambda: api_client.get(STATS)),
            queries(lambda c=catalog: api_client.get(STATS, {"catalog": c.pk})),
        )

    assert counts[100] == counts[10_000]
    assert max(counts[10_000]) <= 10, counts
