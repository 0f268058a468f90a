"""The shape of the download of a learner's data, for the schema (the view streams it)."""

from rest_framework import serializers

from accounts.api.serializers import MeSerializer
from quizzes.api.serializers.settings import LearningSettingsSerializer


def _rows(help_text: str) -> serializers.ListField:
    return serializers.ListField(child=serializers.DictField(), help_text=help_text)


class AccountExportSerializer(serializers.Serializer):
    format = serializers.CharField(help_text='Always "cerego-export".')
    version = serializers.IntegerField(help_text="The file's layout version: 1.")
    exported_at = serializers.DateTimeField()
    profile = MeSerializer()
    settings = LearningSettingsSerializer()
    catalogs = _rows(
        "Catalogs you own: {id, name, description, visibility, language, copied_from, "
        "created_at, updated_at, flashcards: [ids in catalog order]}."
    )
    flashcards = _rows("Cards you own: {id, front, back, hint, language, created_at, updated_at}.")
    shares = _rows("Whom you shared with: {catalog | flashcard: id, user, role, created_at}.")
    shared_with_me = _rows("Shared with you: {catalog | flashcard: id, owner, role, created_at}.")
    progress = _rows(
        "Your memory of each card you studied: {flashcard, state, step, stability, difficulty, "
        "due, last_review, reps, lapses, streak, best_streak, suspended, is_leech, …}."
    )
    reviews = _rows(
        "Every review, oldest first: {client_review_id, flashcard, rating, quiz_type, correct, "
        "response_ms, reviewed_at, state_before, state_after, source, created_at}."
    )
    parameter_fits = _rows("Your FSRS parameter fits, oldest first.")
