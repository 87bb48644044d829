"""manage.py api_key issue|rotate|revoke|list: the API keys of systems (docs/hardening.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from arbitration.errors import DomainError
from arbitration.models import User
from arbitration.models.api_keys import ApiKey, ApiKeyScope
from arbitration.services.api_keys import api_key_issue, api_key_revoke, api_key_rotate


class Command(BaseCommand):
    help = "Issue, rotate, revoke or list API keys. A key's full text is printed once, when it is issued."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        issue = actions.add_parser("issue", help="A new key acting as --user within --scope.")
        issue.add_argument("name")
        issue.add_argument("--user", required=True, help="Username of the system account the key acts as.")
        issue.add_argument("--scope", choices=ApiKeyScope.values, default=ApiKeyScope.READ)
        issue.add_argument("--days", type=int, default=settings.MINGZE_API_KEY_DAYS)
        rotate = actions.add_parser("rotate", help="A new key under the same name; the old one expires soon.")
        rotate.add_argument("name")
        rotate.add_argument("--days", type=int, default=settings.MINGZE_API_KEY_DAYS)
        rotate.add_argument("--grace-hours", type=int, default=settings.MINGZE_API_KEY_ROTATION_GRACE_HOURS)
        revoke = actions.add_parser("revoke", help="Stop a key at once.")
        revoke.add_argument("name")
        actions.add_parser("list", help="Every key, without secrets.")

    def handle(self, *args, action: str, **options) -> None:
        try:
            getattr(self, f"_{action}")(**options)
        except DomainError as error:
            raise CommandError(str(error)) from error

    def _issue(self, *, name: str, user: str, scope: str, days: int, **options) -> None:
        account = User.objects.filter(username=user).first()
        if account is None:
            raise CommandError(_("No user named %(name)s.") % {"name": user})
        _key, text = api_key_issue(name=name, user=account, scope=scope, days=days)
        self.stdout.write(text)

    def _rotate(self, *, name: str, days: int, grace_hours: int, **options) -> None:
        _key, text = api_key_rotate(name=name, days=days, grace_hours=grace_hours)
        self.stdout.write(text)

    def _revoke(self, *, name: str, **options) -> None:
        api_key_revoke(name=name)

    def _list(self, **options) -> None:
        for key in ApiKey.objects.select_related("user").order_by("name"):
            state = "revoked" if key.revoked_at else ("usable" if key.is_usable() else "expired")
            self.stdout.write(
                f"{key.name}\t{key.prefix}\t{key.user.username}\t{key.scope}\t{key.expires_at:%Y-%m-%d}\t{state}"
            )
