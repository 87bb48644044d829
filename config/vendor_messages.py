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
)
