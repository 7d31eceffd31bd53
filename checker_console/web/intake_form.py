"""Reading the intake API's multipart form, with every limit enforced while the body arrives.

The form (also described in ``/api/v1/openapi.json``):

- ``given_name``, ``family_name``, ``ni_number``: text; ``date_of_birth``: ``YYYY-MM-DD``.
- ``documents[N][file]`` (a file) and ``documents[N][kind]`` for each document, numbered from 0
  with no gaps, in the order a checker should see them; optional ``documents[N][side]``
  (front, back or page; default front), ``documents[N][page]`` (default 1) and
  ``documents[N][mrz]`` (the machine readable zone the applicant's app read, lines separated by
  line breaks).
- ``selfie``: a file.

The body is counted as it streams in and refused at the first byte past the limit (every
permitted file at its size limit plus room for the text fields), so nobody can make us read an
unbounded upload; a ``Content-Length`` over the limit is refused before reading anything.
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from datetime import date

from python_multipart.multipart import parse_options_header
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from checker_console.services.intake.checks import MAX_DOCUMENTS
from checker_console.services.intake.submissions import (
    DocumentUpload,
    IntakeRefused,
    SubmissionDetails,
    UploadedFile,
    document_field,
)
from checker_console.settings import Settings

TEXT_FIELDS = ("given_name", "family_name", "date_of_birth", "ni_number")
SELFIE_FIELD = "selfie"
DOCUMENT_FIELD = re.compile(r"^documents\[(\d{1,3})\]\[(file|kind|side|page|mrz)\]$")
MAX_TEXT_FIELD_BYTES = 1024
_FORM_OVERHEAD_BYTES = 256 * 1024
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SEE_SCHEMA = "Send multipart/form-data as described in /api/v1/openapi.json."


@dataclass(frozen=True)
class Submission:
    details: SubmissionDetails
    documents: list[DocumentUpload]
    selfie: UploadedFile | None


def max_body_bytes(settings: Settings) -> int:
    """Every permitted file at its size limit, plus room for the text fields and boundaries."""
    return settings.max_upload_bytes * (MAX_DOCUMENTS + 1) + _FORM_OVERHEAD_BYTES


def _too_large(limit: int) -> IntakeRefused:
    return IntakeRefused(
        "request",
        f"The upload is larger than {limit / (1024 * 1024):.0f} MiB in total.",
        413,
        code="request_too_large",
        fix="Send each photo as the phone camera took it; do not attach anything else.",
    )


class _BodyLimitExceeded(Exception):
    pass


async def _limited(stream: AsyncIterator[bytes], limit: int) -> AsyncGenerator[bytes, None]:
    received = 0
    async for chunk in stream:
        received += len(chunk)
        if received > limit:
            raise _BodyLimitExceeded
        yield chunk


async def read_form(request: Request, limit: int) -> FormData:
    """The parsed form, or a refusal for a body that is not multipart or is too large."""
    content_type, _ = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data":
        raise IntakeRefused(
            "request",
            "The request is not multipart/form-data.",
            415,
            code="not_multipart",
            fix=_SEE_SCHEMA,
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    parser = MultiPartParser(
        request.headers,
        _limited(request.stream(), limit),
        max_files=MAX_DOCUMENTS + 1,
        max_fields=len(TEXT_FIELDS) + 4 * MAX_DOCUMENTS,
        max_part_size=MAX_TEXT_FIELD_BYTES,
    )
    try:
        return await parser.parse()
    except _BodyLimitExceeded:
        raise _too_large(limit) from None
    except MultiPartException as exc:
        reason = f"The form could not be read: {exc.message}"
        if exc.message.startswith(("Too many", "Part exceeded")):
            raise IntakeRefused(
                "request", reason, 413, code="form_too_large", fix=_SEE_SCHEMA
            ) from None
        raise IntakeRefused(
            "request", reason, 400, code="malformed_form", fix=_SEE_SCHEMA
        ) from None


def _text(field: str, value: str | UploadFile) -> str:
    if not isinstance(value, str):
        raise IntakeRefused(
            field, "A file was sent where text was expected.", code="expected_text", fix=_SEE_SCHEMA
        )
    return value


async def _file(field: str, value: str | UploadFile) -> UploadedFile:
    if isinstance(value, str):
        raise IntakeRefused(
            field, "Text was sent where a file was expected.", code="expected_file", fix=_SEE_SCHEMA
        )
    data = await value.read()
    return UploadedFile(field, value.filename or "", value.content_type, data)


def _date_of_birth(raw: str) -> date:
    text = raw.strip()
    problem = "The date of birth is missing." if not text else f"{text[:20]!r} is not a date."
    if _DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            problem = f"{text} is not a real date."
    raise IntakeRefused(
        "date_of_birth", problem, code="invalid_date", fix="Enter your date of birth as YYYY-MM-DD."
    )


def _page(field: str, raw: str) -> int:
    if not raw.strip().isdigit():
        raise IntakeRefused(
            field, f"{raw[:20]!r} is not a page number.", code="invalid_page", fix="Send 1, 2, 3..."
        )
    return int(raw)


def _single_values(form: FormData) -> dict[str, str | UploadFile]:
    """Each field once; a repeated or unknown field is a client mistake worth naming."""
    values: dict[str, str | UploadFile] = {}
    for name, value in form.multi_items():
        known = name in TEXT_FIELDS or name == SELFIE_FIELD or DOCUMENT_FIELD.match(name)
        if not known:
            raise IntakeRefused(
                name[:80],
                "This field is not part of the form.",
                code="unexpected_field",
                fix=_SEE_SCHEMA,
            )
        if name in values:
            raise IntakeRefused(
                name, "This field was sent more than once.", code="repeated_field", fix=_SEE_SCHEMA
            )
        values[name] = value
    return values


async def _documents(values: dict[str, str | UploadFile]) -> list[DocumentUpload]:
    parts: dict[int, dict[str, str | UploadFile]] = {}
    for name, value in values.items():
        match = DOCUMENT_FIELD.match(name)
        if match:
            parts.setdefault(int(match.group(1)), {})[match.group(2)] = value
    if len(parts) > MAX_DOCUMENTS or any(index >= MAX_DOCUMENTS for index in parts):
        raise IntakeRefused(
            "documents",
            f"The most documents we take is {MAX_DOCUMENTS}.",
            413,
            code="too_many_documents",
            fix=f"Number documents from 0 to {MAX_DOCUMENTS - 1}.",
        )
    documents = []
    for index in range(len(parts)):
        part = parts.get(index, {})
        for required in ("file", "kind"):
            if required not in part:
                raise IntakeRefused(
                    document_field(index, required),
                    "This field is missing.",
                    code="missing",
                    fix="Send a file and a kind for every document, numbered from 0 with no gaps.",
                )
        side = _text(document_field(index, "side"), part.get("side", "front")).strip()
        page_field = document_field(index, "page")
        documents.append(
            DocumentUpload(
                kind=_text(document_field(index, "kind"), part["kind"]).strip(),
                side=side,
                page=_page(page_field, _text(page_field, part.get("page", "1"))),
                file=await _file(document_field(index, "file"), part["file"]),
                mrz=_text(document_field(index, "mrz"), part["mrz"]) if "mrz" in part else None,
            )
        )
    return documents


async def parse_submission(form: FormData) -> Submission:
    """The submission in the form, or a refusal naming the first field that is wrong."""
    values = _single_values(form)
    text = {name: _text(name, values.get(name, "")) for name in TEXT_FIELDS}
    details = SubmissionDetails(
        given_name=text["given_name"],
        family_name=text["family_name"],
        date_of_birth=_date_of_birth(text["date_of_birth"]),
        ni_number=text["ni_number"],
    )
    selfie = values.get(SELFIE_FIELD)
    return Submission(
        details=details,
        documents=await _documents(values),
        selfie=None if selfie is None else await _file(SELFIE_FIELD, selfie),
    )
