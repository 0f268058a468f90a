"""Shapes of the quizzes API, by concept."""
