"""The intake API's OpenAPI 3.1 document, served at ``/api/v1/openapi.json``.

Written by hand from the same constants the form reader and the checks use (field names, kinds,
sides, limits), so the description cannot drift from what the endpoint accepts. The limits are
taken from the running settings when the document is requested.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from checker_console.domain.ni_number import ni_number_pattern
from checker_console.services.intake.checks import (
    DOCUMENT_KINDS,
    DOCUMENT_SIDES,
    MAX_DOCUMENTS,
    MAX_PAGE,
    MRZ_MAX_LENGTH,
    NAME_MAX_LENGTH,
)
from checker_console.services.intake.image_limits import ACCEPTED_FORMATS
from checker_console.settings import Settings, get_settings
from checker_console.web.intake_form import (
    DOCUMENT_FIELD,
    MAX_TEXT_FIELD_BYTES,
    SELFIE_FIELD,
    max_body_bytes,
)

SUBMISSION_PATH = "/api/v1/invitations/{token}/submission"
OPENAPI_PATH = "/api/v1/openapi.json"

#: Every ``error.code`` the endpoint can answer with, by HTTP status.
ERROR_CODES: dict[int, tuple[str, ...]] = {
    400: ("malformed_form",),
    401: ("unauthorised",),
    404: ("invitation_not_found", "not_found"),
    405: ("method_not_allowed",),
    409: ("already_submitted",),
    410: ("invitation_expired",),
    413: ("request_too_large", "form_too_large", "file_too_large", "too_many_documents"),
    415: ("not_multipart", "unsupported_format"),
    422: (
        "missing",
        "too_long",
        "invalid_characters",
        "invalid_date",
        "not_in_past",
        "implausible",
        "too_young",
        "invalid_ni_number",
        "no_documents",
        "no_photo_id",
        "unknown_kind",
        "unknown_side",
        "invalid_page",
        "invalid_mrz",
        "expected_text",
        "expected_file",
        "unexpected_field",
        "repeated_field",
        "empty_file",
        "too_many_pixels",
        "corrupt_image",
    ),
    500: ("internal_error",),
}

_STATUS_TEXT = {
    400: "The body is not a readable multipart form.",
    401: "The Authorization header is missing or its token is wrong.",
    404: "No invitation has this token, or the API has no such address.",
    405: "The address does not accept this method; the Allow header lists those it does.",
    409: "The invitation has already been used for a submission.",
    410: "The invitation has expired.",
    413: "The body, a file or the number of documents is over its limit.",
    415: "The body is not multipart/form-data, or a file is not an accepted image format.",
    422: "A field is missing or wrong, or an image was refused (empty, too many pixels, corrupt).",
    500: "Something failed on our side; nothing was saved.",
}


def _image_file(description: str) -> dict[str, Any]:
    return {
        "type": "string",
        "contentMediaType": "application/octet-stream",
        "minLength": 1,
        "description": description,
    }


def _request_schema(settings: Settings) -> dict[str, Any]:
    mib = settings.max_upload_bytes / (1024 * 1024)
    image_rule = (
        f"JPEG, PNG, WebP or HEIC, recognised from the file's own bytes; not empty; at most "
        f"{mib:g} MiB ({settings.max_upload_bytes} bytes) and {settings.max_image_pixels} pixels."
    )
    name = {"type": "string", "minLength": 1, "maxLength": NAME_MAX_LENGTH}
    document_parts: dict[str, Any] = {
        "file": _image_file(f"A photo of one side or page of the document. {image_rule}"),
        "kind": {"type": "string", "enum": list(DOCUMENT_KINDS)},
        "side": {"type": "string", "enum": list(DOCUMENT_SIDES), "default": "front"},
        "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
        "mrz": {
            "type": "string",
            "maxLength": MRZ_MAX_LENGTH,
            "pattern": "^[A-Za-z0-9< \\r\\n]*$",
            "description": "Optional: the machine readable zone as the applicant's app read it, "
            "one line per line (2 lines of 44 for a passport, 3 of 30 for an ID card). The "
            "checker sees it compared with the invitation; it never decides anything itself.",
            "examples": ["P<GBRQUILL<<ADA<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<\n..."],
        },
    }
    pattern = DOCUMENT_FIELD.pattern.replace(r"\d{1,3}", f"[0-{MAX_DOCUMENTS - 1}]")
    return {
        "type": "object",
        "description": (
            f"Up to {MAX_DOCUMENTS} documents, numbered from 0 with no gaps in the order a "
            "checker should see them: `documents[N][file]` and `documents[N][kind]` are "
            "required for each; `documents[N][side]`, `documents[N][page]` and "
            "`documents[N][mrz]` are optional. At least one must be a photo ID (passport, "
            "driving_licence, biometric_residence_permit, national_id_card). Unknown or "
            f"repeated fields are refused. Text fields are at most {MAX_TEXT_FIELD_BYTES} "
            f"bytes; the whole body at most {max_body_bytes(settings)} bytes."
        ),
        "required": [
            "given_name",
            "family_name",
            "date_of_birth",
            "ni_number",
            "documents[0][file]",
            "documents[0][kind]",
            SELFIE_FIELD,
        ],
        "properties": {
            "given_name": {**name, "description": "As on the photo ID."},
            "family_name": {**name, "description": "As on the photo ID."},
            "date_of_birth": {"type": "string", "format": "date", "examples": ["2001-05-12"]},
            "ni_number": {
                "type": "string",
                "pattern": ni_number_pattern(allow_example=settings.demo_mode),
                "description": "UK National Insurance number as HMRC issues them: 2 letters, "
                "6 numbers, then A, B, C or D; spaces allowed, any case. HMRC's example prefix "
                "QQ is accepted only while the console runs in demo mode (synthetic data).",
                "examples": ["QQ 12 34 56 C" if settings.demo_mode else "AB 12 34 56 C"],
            },
            **{f"documents[0][{part}]": schema for part, schema in document_parts.items()},
            SELFIE_FIELD: _image_file(f"A passport-style photo of the applicant. {image_rule}"),
        },
        "patternProperties": {
            pattern.replace("(file|kind|side|page|mrz)", part): schema
            for part, schema in document_parts.items()
        },
        "additionalProperties": False,
    }


def _error_response(status: int) -> dict[str, Any]:
    return {
        "description": _STATUS_TEXT[status],
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/Error"},
                "examples": {
                    code: {
                        "value": {"error": {"field": "…", "code": code, "reason": "…", "fix": "…"}}
                    }
                    for code in ERROR_CODES[status]
                },
            }
        },
    }


def openapi_document(settings: Settings) -> dict[str, Any]:
    image_types = [content_type for content_type, _ in ACCEPTED_FORMATS.values()]
    file_encoding = {"contentType": ", ".join([*image_types, "application/octet-stream"])}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Checker console intake API",
            "version": "1.0.0",
            "description": "An applicant's submission for an RA invitation: the details they "
            "entered, photos of their documents and a selfie. Every refusal is a JSON error "
            "naming the field, what was wrong and what to do; a refused submission leaves "
            "nothing behind.",
        },
        "servers": [{"url": "/"}],
        "security": [{"intakeToken": []}],
        "paths": {
            SUBMISSION_PATH: {
                "post": {
                    "operationId": "submitApplication",
                    "summary": "Submit an application for an invitation",
                    "parameters": [
                        {
                            "name": "token",
                            "in": "path",
                            "required": True,
                            "description": "The invitation's token, from the applicant's link.",
                            "schema": {"type": "string", "maxLength": 64},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": _request_schema(settings),
                                "encoding": {
                                    "documents[0][file]": file_encoding,
                                    SELFIE_FIELD: file_encoding,
                                },
                            }
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "The case was opened and queued for an ID checker.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/SubmissionCreated"}
                                }
                            },
                        },
                        **{str(status): _error_response(status) for status in ERROR_CODES},
                    },
                }
            },
            OPENAPI_PATH: {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": {"description": "The OpenAPI document."}},
                }
            },
        },
        "components": {
            "securitySchemes": {
                "intakeToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The service token shared with the applicant-facing service.",
                }
            },
            "schemas": {
                "SubmissionCreated": {
                    "type": "object",
                    "required": ["application_id", "status", "existing_profile_flag"],
                    "properties": {
                        "application_id": {"type": "integer"},
                        "status": {"type": "string", "examples": ["queued"]},
                        "existing_profile_flag": {
                            "type": "boolean",
                            "description": "A CIS profile already exists for this NI number "
                            "and date of birth; the checker sees the flag on the case.",
                        },
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["field", "code", "reason", "fix"],
                            "properties": {
                                "field": {
                                    "type": "string",
                                    "description": "The form field (e.g. documents[1][file]), "
                                    "or invitation, request or Authorization.",
                                },
                                "code": {
                                    "type": "string",
                                    "enum": sorted(
                                        {c for codes in ERROR_CODES.values() for c in codes}
                                    ),
                                },
                                "reason": {"type": "string", "description": "What was wrong."},
                                "fix": {"type": "string", "description": "What to do about it."},
                            },
                        }
                    },
                },
            },
        },
    }


async def serve_openapi(request: Request) -> JSONResponse:
    return JSONResponse(openapi_document(get_settings()), headers={"Cache-Control": "no-cache"})


routes = [Route(OPENAPI_PATH, serve_openapi, methods=["GET"])]
