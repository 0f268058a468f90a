import pytest
from django.db import IntegrityError, transaction

from accounts.tests.factories import UserFactory
from quizzes.models import StudySettings
from quizzes.selectors.settings import study_settings_of

pytestmark = pytest.mark.django_db


def test_a_new_learner_gets_default_study_settings_on_first_use():
    user = UserFactory()

    study_settings = study_settings_of(user)

    assert study_settings.desired_retention == pytest.approx(0.90)
    assert study_settings.daily_new_limit == 20
    assert study_settings.fsrs_parameters is None
    assert study_settings_of(user).pk == study_settings.pk, "made once, then read"


def test_desired_retention_outside_its_range_is_refused_by_the_database():
    study_settings = study_settings_of(UserFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        StudySettings.objects.filter(pk=study_settings.pk).update(desired_retention=0.99)
