"""HTTP pieces both doors of decks (pages and API) use."""

from django.http import HttpResponse

from decks.models import Catalog
from decks.services.exports import (
    EXPORT_FORMATS,
    catalog_export_apkg,
    catalog_export_csv,
    export_file_name,
)


def catalog_export_response(catalog: Catalog, file_format: str) -> HttpResponse:
    """The catalog as a file download; `file_format` is one of EXPORT_FORMATS."""
    export = catalog_export_csv if file_format == "csv" else catalog_export_apkg
    response = HttpResponse(export(catalog=catalog), content_type=EXPORT_FORMATS[file_format])
    response["Content-Disposition"] = (
        f'attachment; filename="{export_file_name(catalog, file_format)}"'
    )
    return response
