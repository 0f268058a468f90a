from django.db import models


class Language(models.Model):
    """A language cards can be written in, identified by its BCP 47 code."""

    code = models.CharField(max_length=15, unique=True, help_text="ISO 639-1 / BCP 47 code.")
    name = models.CharField(max_length=64)
    native_name = models.CharField(max_length=64, blank=True)
    bidi = models.BooleanField(default=False, help_text="Written right to left.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
