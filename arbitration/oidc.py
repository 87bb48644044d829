"""Single sign-on through the city's identity platform (OpenID Connect, mozilla-django-oidc): docs/sign-in.md.

Switched on by MINGZE_OIDC_ENABLED; while it is off the backend answers nobody and the sign-on views are not
found, so local passwords alone work (the embedded default). A signed-in person's department and roles come from
the claims named in settings and are applied through `person_sync`, exactly as a staff file would apply them.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from arbitration.auth_backend import UserBackend
from arbitration.errors import DomainError
from arbitration.models import User
from arbitration.services.people import person_facts, person_sync

logger = logging.getLogger(__name__)
SIGN_IN_REASON = gettext_noop("single sign-on")


class IdentityPlatformBackend(OIDCAuthenticationBackend):
    """Users matched by the username claim (not e-mail); department and roles follow the claims at each sign-in."""

    def authenticate(self, request, **kwargs):
        if not settings.MINGZE_OIDC_ENABLED:
            return None
        return super().authenticate(request, **kwargs)

    def get_user(self, user_id):
        """The signed-in user of a session this backend began, read as every session's user is (one statement, an
        inactive user refused: arbitration.auth_backend). The library's own reads the row alone and lets a user
        deactivated after signing in keep the session."""
        return UserBackend().get_user(user_id)

    def get_payload_data(self, token, key):
        """The library checks signature and nonce; the token must also be meant for us (aud) and come from the
        configured issuer, or another client's token of the same platform would sign a person in here."""
        payload = super().get_payload_data(token, key)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token audience is not this client")
        if settings.MINGZE_OIDC_ISSUER and payload.get("iss") != settings.MINGZE_OIDC_ISSUER:
            raise SuspiciousOperation("ID token issuer is not the configured identity platform")
        return payload

    def verify_claims(self, claims) -> bool:
        return bool(claims.get(settings.MINGZE_OIDC_USERNAME_CLAIM))

    def filter_users_by_claims(self, claims):
        return User.objects.filter(username=claims.get(settings.MINGZE_OIDC_USERNAME_CLAIM))

    def describe_user_by_claims(self, claims) -> str:
        return f"username {claims.get(settings.MINGZE_OIDC_USERNAME_CLAIM)}"

    def create_user(self, claims):
        return self._sync(claims)

    def update_user(self, user, claims):
        # A deactivated user stays out: the callback refuses an inactive user, and the claims must not revive one.
        return self._sync(claims) if user.is_active else user

    def _sync(self, claims) -> User | None:
        """Apply the claims; claims naming an unknown department or role refuse the sign-in (logged)."""
        try:
            facts = person_facts(
                username=str(claims.get(settings.MINGZE_OIDC_USERNAME_CLAIM) or ""),
                full_name=str(claims.get(settings.MINGZE_OIDC_NAME_CLAIM) or ""),
                departments=claims.get(settings.MINGZE_OIDC_DEPARTMENT_CLAIM),
                roles=claims.get(settings.MINGZE_OIDC_ROLES_CLAIM),
                phone=str(claims.get(settings.MINGZE_OIDC_PHONE_CLAIM) or ""),
            )
        except DomainError as refused:
            logger.warning("single sign-on refused for %s: %s", self.describe_user_by_claims(claims), refused)
            return None
        person_sync(facts, actor=None, reason=SIGN_IN_REASON)
        return User.objects.get(username=facts.username)


class _OnlyWhenEnabled:
    def dispatch(self, request, *args, **kwargs):
        if not settings.MINGZE_OIDC_ENABLED:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class SignOnStartView(_OnlyWhenEnabled, OIDCAuthenticationRequestView):
    """Redirects to the identity platform's authorization endpoint (with state and nonce kept in the session)."""


class SignOnCallbackView(_OnlyWhenEnabled, OIDCAuthenticationCallbackView):
    """The identity platform sends the browser back here with a code; a refused sign-in returns to the login page
    with a message saying so."""

    @property
    def failure_url(self) -> str:
        return resolve_url(settings.LOGIN_URL)

    def login_failure(self):
        messages.error(self.request, _("Single sign-on did not succeed. Ask the administrator to check your account."))
        return super().login_failure()


class LoginView(auth_views.LoginView):
    """The password login page; it offers the identity platform's button while single sign-on is on."""

    template_name = "registration/login.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"oidc_enabled": settings.MINGZE_OIDC_ENABLED}
