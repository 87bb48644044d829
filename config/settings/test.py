"""Tests: the database comes from DATABASE_URL (SQLite by default, PostgreSQL in CI's second pass)."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
CELERY_TASK_ALWAYS_EAGER = True
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
LANGUAGE_CODE = "zh-hans"
# Unsigned unless a test asks for the `signing` fixture, whatever certificate a developer's var/ holds.
MINGZE_SIGNING_CERT = MINGZE_SIGNING_KEY = ""
MINGZE_PUBLIC_BASE_URL = "https://mingze.example.gov.cn"
MINGZE_SIGNING_DEMO_DIR = BASE_DIR / "var" / "test-signing"  # noqa: F405
# The whole suite runs from one address within the hour: only the throttling tests set real rates.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": "1000000/hour", "anon": "1000000/hour"}}  # noqa: F405
# A second alias on the same test database, as a replica would be (TEST MIRROR); reads go to it only in the tests
# that set MINGZE_READ_REPLICA = "replica" (tests/test_db_router.py).
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
MINGZE_READ_REPLICA = None
# Counted on every page: a test writes and reads within the same seconds (tests/arbitration/test_remembered.py
# turns remembering on).
MINGZE_LIST_COUNT_SECONDS = MINGZE_QUEUE_COUNT_SECONDS = 0
