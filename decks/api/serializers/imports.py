from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from decks.models import ImportJob
from decks.services.imports import import_job_progress


class ImportCreateSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="A CSV or TSV file (front, back, hint, language) or an Anki .apkg."
    )
    catalog = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Import everything into this catalog (you must be able to edit it).",
    )
    language = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=15,
        help_text=(
            "Language code for rows without one. Left out (and no catalog with a language), "
            "it is detected per deck; see `decks` in the job."
        ),
    )


class RejectedRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        help_text="Row of the CSV file (header = 1) or note number of the package."
    )
    reason = serializers.CharField()


class ImportDeckSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The deck's name in the file, or the file's name.")
    name = serializers.CharField(help_text="The catalog name it gets.")
    cards = serializers.IntegerField(help_text="Card rows of the deck in the file.")
    reviews = serializers.IntegerField(help_text="Reviews of its Anki history.")
    without_language = serializers.IntegerField(help_text="Rows that name no language.")
    detected = serializers.CharField(
        allow_null=True, help_text="Language detected from those rows, or null when unsure."
    )
    language = serializers.CharField(
        allow_null=True, help_text="The language those rows get (the detected one here)."
    )


class ImportJobSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField(help_text="0-100")
    created = serializers.IntegerField(
        source="created_count", read_only=True, help_text="Cards created."
    )
    rejected = RejectedRowSerializer(
        many=True, read_only=True, help_text="Rows not imported, with the reason."
    )
    format = serializers.CharField(source="file_format", read_only=True)
    decks = ImportDeckSerializer(
        many=True,
        read_only=True,
        help_text="Per deck, when the import was given no language: the languages detected.",
    )

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "status",
            "progress",
            "created",
            "skipped_duplicates",
            "rejected",
            "rejected_count",
            "reviews_imported",
            "reviews_skipped",
            "catalogs",
            "decks",
            "detail",
            "file_name",
            "format",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_progress(self, job: ImportJob) -> int:
        return import_job_progress(job)


class ImportRequestErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(required=False)
    file = serializers.ListField(child=serializers.CharField(), required=False)
    catalog = serializers.ListField(child=serializers.CharField(), required=False)
    language = serializers.ListField(child=serializers.CharField(), required=False)
