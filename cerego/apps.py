from django.apps import AppConfig


class CeregoConfig(AppConfig):
    """The project's own plumbing as an app, so its system checks are registered."""

    name = "cerego"

    def ready(self) -> None:
        from cerego import checks  # noqa: F401 - registering is importing
