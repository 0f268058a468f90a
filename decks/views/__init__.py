"""The decks pages, one module per concept: catalogs (list, create, the catalog page,
settings, delete, copy), cards (edit and remove in a catalog), sharing (people, the share
link, single cards), library (the public catalogs), imports and exports.

Each view parses, calls one selector or service, and renders; with HTMX it renders only the
fragment (a `partialdef` of the same template) that changed. What a user may do with a
catalog or a card is `decks.selectors.catalog_access`/`flashcard_access`, as in the API.
"""
