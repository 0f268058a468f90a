"""The paginator counts only what it must: a short first page is the whole list."""

import pytest
from django.core.paginator import EmptyPage

from accounts.models import User
from accounts.tests.factories import UserFactory
from cerego.paging import Counted, Paginator

pytestmark = pytest.mark.django_db


def users() -> object:
    return User.objects.order_by("pk")


def test_a_first_page_shorter_than_a_page_is_the_whole_list_and_counts_nothing(
    django_assert_num_queries,
):
    made = UserFactory.create_batch(3)

    with django_assert_num_queries(1):
        page = Paginator(users(), 5).page(1)
        assert page.paginator.count == 3
        assert page.paginator.num_pages == 1
        assert not page.has_next()
    assert list(page) == made


def test_a_full_first_page_is_counted_and_read_once(django_assert_num_queries):
    made = UserFactory.create_batch(7)

    with django_assert_num_queries(2):  # the page, then COUNT(*)
        page = Paginator(users(), 5).page("1")
        assert list(page) == made[:5]
    assert (page.paginator.count, page.has_next(), page.end_index()) == (7, True, 5)


def test_other_pages_and_known_counts_page_as_django_does(django_assert_num_queries):
    made = UserFactory.create_batch(7)

    assert list(Paginator(users(), 5).page(2)) == made[5:]
    with django_assert_num_queries(1):  # the page; the count was known
        assert list(Paginator(Counted(users(), 7), 5).page(1)) == made[:5]
    with pytest.raises(EmptyPage):
        Paginator(users(), 5).page(3)


@pytest.mark.parametrize("asked", [None, "", "x", "1", 1, "1.5"])
def test_get_page_shows_the_first_page_for_what_django_shows_it(asked):
    made = UserFactory.create_batch(2)

    page = Paginator(users(), 5).get_page(asked)

    assert (page.number, list(page), page.paginator.count) == (1, made, 2)


def test_an_empty_list_is_one_empty_page_unless_refused():
    page = Paginator(users(), 5).page(1)
    assert (list(page), page.paginator.count, page.paginator.num_pages) == ([], 0, 1)
    with pytest.raises(EmptyPage):
        Paginator(users(), 5, allow_empty_first_page=False).page(1)
    assert Paginator(users(), 5).get_page("0").number == 1  # the last page: the only one
