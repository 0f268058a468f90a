"""`{% url_for %}` writes what `{% url %}` writes, reversing each view's URL once."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import NoReverseMatch, resolve, set_script_prefix

from cerego.templatetags.links import url_format


def rendered(source: str, **values: object) -> str:
    request = RequestFactory().get("/catalogs/1/")
    request.resolver_match = resolve("/catalogs/1/")
    template = Template("{% load links %}" + source)
    context = Context(values)
    context.request = request
    return template.render(context)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("decks:card-edit", (7, 12345)),
        ("decks:card-remove", (0, 3)),
        ("decks:flashcard-share", (98765432109,)),
        ("decks:catalog-list", ()),
        ("decks:catalog-shared", ("a-token",)),  # not an id: reversed as {% url %} does
    ],
)
def test_url_for_writes_what_url_writes(name, args):
    names = " ".join(f"a{position}" for position in range(len(args)))
    values = {f"a{position}": arg for position, arg in enumerate(args)}

    ours = rendered(f"{{% url_for '{name}' {names} %}}", **values)

    assert ours == rendered(f"{{% url '{name}' {names} %}}", **values)


def test_url_for_reverses_a_name_once_for_every_row():
    url_format.cache_clear()
    rows = "".join(f"{{% url_for 'decks:card-edit' 1 {card} %}} " for card in range(50))

    assert rendered(rows).split() == [f"/catalogs/1/cards/{card}/edit/" for card in range(50)]
    assert url_format.cache_info().misses == 1


def test_url_for_keeps_the_script_prefix_it_runs_under():
    set_script_prefix("/cerego/")
    try:
        assert rendered("{% url_for 'decks:card-edit' 1 2 %}") == "/cerego/catalogs/1/cards/2/edit/"
    finally:
        set_script_prefix("/")
    assert rendered("{% url_for 'decks:card-edit' 1 2 %}") == "/catalogs/1/cards/2/edit/"


def test_url_for_as_a_variable_and_refusing_what_url_refuses():
    assert rendered("{% url_for 'decks:card-edit' 1 2 as edit %}[{{ edit }}]") == (
        "[/catalogs/1/cards/2/edit/]"
    )
    with pytest.raises(NoReverseMatch):
        rendered("{% url_for 'decks:card-edit' 1 %}")
    with pytest.raises(NoReverseMatch):
        rendered("{% url_for 'decks:card-edit' 1 -2 %}")
