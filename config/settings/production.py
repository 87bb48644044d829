"""Production: PostgreSQL from DATABASE_URL, secrets required, HTTPS everywhere."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")  # no default: start-up stops without it
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Never the demo certificate a seed_demo may have left under var/: the centre's own, or unsigned with a deploy
# warning (docs/documents.md, "Signing").
MINGZE_SIGNING_CERT = env("MINGZE_SIGNING_CERT", default="")
MINGZE_SIGNING_KEY = env("MINGZE_SIGNING_KEY", default="")
