"""Writes of the quizzes app, by concept."""
