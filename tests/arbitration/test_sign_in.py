"""Single sign-on (docs/sign-in.md) against a real OpenID Connect provider running in the test."""

from urllib.parse import urlsplit

import pytest
import requests
from django.test import override_settings
from django.urls import reverse

from arbitration.choices import Role
from arbitration.models import User
from tests import factories
from tests.oidc_provider import OIDCProvider

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider():
    provider = OIDCProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
def sign_on(provider):
    """Settings pointing at the provider, read from its discovery document as an administrator would."""
    found = requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=5).json()
    with override_settings(
        MINGZE_OIDC_ENABLED=True,
        MINGZE_OIDC_ISSUER=found["issuer"],
        OIDC_RP_CLIENT_ID=provider.client_id,
        OIDC_RP_CLIENT_SECRET=provider.client_secret,
        OIDC_OP_AUTHORIZATION_ENDPOINT=found["authorization_endpoint"],
        OIDC_OP_TOKEN_ENDPOINT=found["token_endpoint"],
        OIDC_OP_USER_ENDPOINT=found["userinfo_endpoint"],
        OIDC_OP_JWKS_ENDPOINT=found["jwks_uri"],
    ):
        yield provider


def login_through_provider(client, provider):
    """The browser's round trip: our start view → the provider's authorize → our callback with the code."""
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302 and start["Location"].startswith(provider.issuer + "/authorize")
    back = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302
    callback = urlsplit(back.headers["Location"])
    assert callback.path == reverse("oidc_authentication_callback")
    return client.get(f"{callback.path}?{callback.query}")


def test_a_first_sign_in_creates_the_user_with_the_claimed_department_and_role(client, city, sign_on):
    sign_on.claims = {"preferred_username": "wang.li", "name": "王丽", "department": "CGJ", "roles": ["单位联络员"],
                      "phone_number": "0531-8888"}  # fmt: skip
    response = login_through_provider(client, sign_on)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = User.objects.get(username="wang.li")
    assert (user.full_name, user.phone) == ("王丽", "0531-8888")
    assert user.roles == {Role.LIAISON}
    assert user.department_ids == {city["urban"].pk}
    assert client.get(reverse("home")).wsgi_request.user == user


def test_a_later_sign_in_follows_the_claims_when_a_person_changes_post(client, city, sign_on):
    factories.user("wang.li", Role.LIAISON, departments=(city["urban"],))
    sign_on.claims = {"preferred_username": "wang.li", "name": "王丽", "department": "SJJ|ZJJ",
                      "roles": "dispatcher|liaison"}  # fmt: skip
    login_through_provider(client, sign_on)
    user = User.objects.get(username="wang.li")
    assert user.roles == {Role.DISPATCHER, Role.LIAISON}
    assert user.department_ids == {city["market"].pk, city["housing"].pk}
    assert user.history.filter(history_change_reason="single sign-on").exists()


def test_a_platform_that_sends_no_roles_claim_leaves_the_roles_granted_here(client, city, sign_on):
    factories.user("wang.li", Role.DISPATCHER, departments=(city["urban"],))
    sign_on.claims = {"preferred_username": "wang.li", "name": "王丽"}
    login_through_provider(client, sign_on)
    user = User.objects.get(username="wang.li")
    assert (user.full_name, user.roles, user.department_ids) == ("王丽", {Role.DISPATCHER}, {city["urban"].pk})


def test_claims_naming_an_unknown_department_refuse_the_sign_in(client, city, sign_on):
    sign_on.claims = {"preferred_username": "stranger", "department": "NOPE", "roles": "liaison"}
    response = login_through_provider(client, sign_on)
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert not User.objects.filter(username="stranger").exists()
    assert "_auth_user_id" not in client.session


def test_a_deactivated_user_is_not_let_in_nor_revived(client, city, sign_on):
    factories.user("gone", Role.LIAISON, departments=(city["urban"],), is_active=False)
    sign_on.claims = {"preferred_username": "gone", "department": "CGJ", "roles": "liaison"}
    response = login_through_provider(client, sign_on)
    assert response["Location"] == reverse("login")
    assert not User.objects.get(username="gone").is_active


def test_a_user_deactivated_after_signing_in_through_the_platform_is_signed_out(client, city, sign_on):
    sign_on.claims = {"preferred_username": "wang.li", "name": "王丽", "department": "CGJ", "roles": ["单位联络员"]}
    login_through_provider(client, sign_on)
    assert client.get(reverse("home")).wsgi_request.user.username == "wang.li"
    User.objects.filter(username="wang.li").update(is_active=False)  # an administrator deactivates them

    response = client.get(reverse("home"))

    assert not response.wsgi_request.user.is_authenticated
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_login_page_offers_the_platform_only_when_sign_on_is_on(client, sign_on):
    button = reverse("oidc_authentication_init")
    assert button in client.get(reverse("login")).content.decode()
    with override_settings(MINGZE_OIDC_ENABLED=False):
        assert button not in client.get(reverse("login")).content.decode()
        assert client.get(button).status_code == 404


def test_an_id_token_signed_by_another_key_is_refused(client, city, sign_on):
    sign_on.claims = {"preferred_username": "wang.li", "department": "CGJ", "roles": "liaison"}
    sign_on.signing_key = OIDCProvider().key  # same key id, but not the key the provider publishes
    response = login_through_provider(client, sign_on)
    assert response.status_code == 400
    assert not User.objects.filter(username="wang.li").exists()
