"""Web forms of decks, one module per concept: they parse and type the input; the services
decide what is allowed."""
