"""Shapes of the decks API, one module per concept. Output and input serializers are
separate where they differ; none of them holds a rule: the services and selectors do."""
