"""What the query-count tests look for in the statements a request ran."""


def membership_counts(captured: object) -> list[str]:
    """The statements that count a catalog's cards row by row: the counter spares them."""
    return [
        query["sql"]
        for query in captured.captured_queries
        if "COUNT(" in query["sql"] and '"decks_catalogflashcard"' in query["sql"]
    ]
