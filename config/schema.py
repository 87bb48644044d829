"""The OpenAPI schema declares every error an operation can answer (docs/hardening.md).

A drf-spectacular postprocessing hook, so operations added later are covered without their authors listing the
errors: every operation may answer 400 (a malformed parameter, a control character), 401 and 403 (credentials,
scope, role), 404 (a missing or hidden object) and 429 (throttled); an operation that writes may also answer
409 (a refused state change) and 413 (an oversized body). Each with the error body {code, message, details}.
What an operation declares itself is kept.
"""

from __future__ import annotations

ERROR_COMPONENT = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string", "description": "In the language of the request (Accept-Language)."},
        "details": {"type": "object", "additionalProperties": {}},
    },
    "required": ["code", "message", "details"],
}
DESCRIPTIONS = {
    "400": "Invalid input or query parameter",
    "401": "Not signed in, or an invalid, expired or revoked key or token",
    "403": "Not allowed for this account or key scope",
    "404": "Not found (missing and hidden look the same)",
    "409": "The object's state does not allow this",
    "413": "Request body too large",
    "429": "Too many requests (see Retry-After)",
}
READ_ERRORS = ("400", "401", "403", "404", "429")
WRITE_ERRORS = (*READ_ERRORS, "409", "413")
WRITES = frozenset({"post", "put", "patch", "delete"})


def error_responses(result: dict, generator, request, public) -> dict:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(ERROR_COMPONENT, ERROR_SCHEMA)
    body = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}}
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status in WRITE_ERRORS if method in WRITES else READ_ERRORS:
                operation["responses"].setdefault(
                    status,
                    {"description": DESCRIPTIONS[status], "content": body},
                )
    return result
