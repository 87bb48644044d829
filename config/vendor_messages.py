"""Messages of the libraries we use that their own zh-Hans catalogues lack (Django's admin, django-axes,
django-simple-history). Listed here so that `make messages` keeps them in locale/ (LOCALE_PATHS comes first, so
our translation is the one used); tests/test_pages_language.py finds any new one on a page."""

from django.utils.translation import gettext_noop

VENDOR_MESSAGES = (
    # Django's admin (5.2): the hidden headings of its model tables
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    # django-simple-history: the history list in the admin
    gettext_noop("Changes"),
    # django-celery-beat: the title of the task filter
    gettext_noop("Task Name"),
    # django-axes: its models
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("Access Attempt"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Attempt Time"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
)
