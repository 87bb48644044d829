"""API authentication: DRF's token check, made cheap.

Its own module because DRF imports authentication classes while `rest_framework.views` loads.
"""

import functools

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


class TokenAuthentication(authentication.TokenAuthentication):
    """The same answers as DRF's, from one plain statement instead of a compiled join: every call a system or a
    voting member makes pays for it, and at a conference fifty of them arrive at the same moment."""

    def authenticate_credentials(self, key):
        user = _user_with_token(key)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, Token(key=key, user=user)


def _user_with_token(key: str):
    query, converters = _user_query(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(query, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for position, convert in converters:
        values[position] = convert(values[position])
    return get_user_model().from_db(connection.alias, None, values)


@functools.cache
def _user_query(vendor: str) -> tuple[str, list]:
    """The statement, and the conversions the ORM would apply to its values (SQLite returns datetimes as text):
    a raw queryset would work these out again on every request."""
    user = get_user_model()
    quote = connection.ops.quote_name
    fields = user._meta.concrete_fields
    columns = ", ".join(f"u.{quote(f.column)}" for f in fields)
    query = (
        f"SELECT {columns} FROM {quote(user._meta.db_table)} u"
        f" JOIN {quote(Token._meta.db_table)} t ON t.user_id = u.id WHERE t.key = %s"
    )
    converters = []
    for position, field in enumerate(fields):
        column = field.get_col(user._meta.db_table)
        found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if found:
            converters.append((position, functools.partial(_convert, found, column)))
    return query, converters


def _convert(converters: list, column, value):
    for convert in converters:
        value = convert(value, column, connection)
    return value


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key mz_<prefix>_<secret>`: a system acting as its account, within its key's scope
    (docs/hardening.md). The scope is enforced here, not by a permission class, so that a view declaring its own
    permission classes cannot let a key past it: intake keys may only POST to views marked `intake_endpoint`,
    read keys may only read."""

    keyword = "Api-Key"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid API key header."))
        from arbitration.services.api_keys import api_key_check  # models are not ready when DRF imports this

        try:
            key = api_key_check(header[1].decode("ascii"))
        except UnicodeDecodeError:
            key = None
        if key is None or not key.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked API key."))
        _scope_check(request, key)
        return key.user, key

    def authenticate_header(self, request) -> str:
        return self.keyword


def _scope_check(request, key) -> None:
    from arbitration.models.api_keys import ApiKeyScope

    view = (getattr(request, "parser_context", None) or {}).get("view")
    allowed = {
        ApiKeyScope.FULL: True,
        ApiKeyScope.READ: request.method in ("GET", "HEAD", "OPTIONS"),
        ApiKeyScope.INTAKE: request.method == "POST" and getattr(view, "intake_endpoint", False),
    }[key.scope]
    if not allowed:
        raise exceptions.PermissionDenied(_("This API key's scope does not allow this request."))


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """How the schema names API keys (here, so it is registered whenever the authentication class is loaded)."""

    target_class = "config.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema) -> dict:
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Api-Key mz_<prefix>_<secret>` (docs/hardening.md)"}  # fmt: skip
