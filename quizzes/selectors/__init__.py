"""Reads of the quizzes app that both doors (pages and API) use, by concept."""
