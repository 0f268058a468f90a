"""HTTP pieces both doors of quizzes (pages and API) use."""

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from accounts.models import AuditEvent, User
from accounts.services import audit_event_record
from quizzes.selectors.account_data import account_export_sections

# Pieces are gathered into chunks of about this many characters before they are sent.
CHUNK_CHARS = 64 * 1024


def _pieces(sections: Mapping[str, Any]) -> Iterator[str]:
    encode = DjangoJSONEncoder(ensure_ascii=False).encode
    yield "{"
    for index, (key, value) in enumerate(sections.items()):
        yield f"{',' if index else ''}\n{encode(key)}: "
        if isinstance(value, Iterator):
            yield "["
            for number, item in enumerate(value):
                yield f"{',' if number else ''}\n  {encode(item)}"
            yield "\n]"
        else:
            yield encode(value)
    yield "\n}\n"


def _chunked(pieces: Iterable[str]) -> Iterator[str]:
    chunk: list[str] = []
    size = 0
    for piece in pieces:
        chunk.append(piece)
        size += len(piece)
        if size >= CHUNK_CHARS:
            yield "".join(chunk)
            chunk, size = [], 0
    if chunk:
        yield "".join(chunk)


def json_stream(sections: Mapping[str, Any]) -> Iterator[str]:
    """`sections` as one JSON object, written as it is read: an iterator becomes an array
    whose items are encoded one at a time (one per line), so memory stays flat."""
    return _chunked(_pieces(sections))


def account_export_response(user: User, *, ip: str | None) -> StreamingHttpResponse:
    """Everything the learner has, as a JSON file download; the download is audited.

    The rows are read while the file is sent, section by section, so a learner who answers
    a question during a long download may find that review in one section and not another.
    """
    audit_event_record(
        action=AuditEvent.Action.DATA_EXPORTED, actor=user, target=f"user {user.pk}", ip=ip
    )
    response = StreamingHttpResponse(
        json_stream(account_export_sections(user)), content_type="application/json"
    )
    name = f"cerego-{user.username}-{timezone.now():%Y-%m-%d}.json"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
