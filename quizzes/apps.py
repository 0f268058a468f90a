from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "quizzes"

    def ready(self) -> None:
        # decks reads review histories but may not import quizzes to record them; it
        # sends a signal, answered here (see decks/signals.py).
        from decks.signals import review_history_imported
        from quizzes.receivers import review_history_record

        review_history_imported.connect(
            review_history_record, dispatch_uid="quizzes.review_history_record"
        )
