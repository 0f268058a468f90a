"""The decks API, one module per concept: languages, catalogs, flashcards, sharing (the
shares of a catalog or a card, and the share link), imports and exports; their shapes in
`serializers/`, routes in `urls.py`.

Querysets come from `decks.selectors`, writes go through `decks.services`; a private
object is a 404 to whoever may not see it, and a 403 to a viewer who tries to change it
(`permissions.ObjectAccess`, which asks `decks.selectors.catalog_access`, as the pages do).
"""
