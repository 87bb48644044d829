"""The vote form on the item page: no choice is made for the member, and a vote without one is refused."""

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from arbitration.models import Vote
from tests.arbitration.conference.conftest import seat_members

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_vote_form_has_no_pre_selected_choice(item, session, bodies):
    member = seat_members(session, bodies[:1])[0]

    page = client_for(member).get(f"/conference/items/{item.pk}/").content.decode()

    select = re.search(r'<select name="lead_department_id".*?</select>', page, re.S).group(0)
    assert "required" in select.split(">", 1)[0]
    # The one option marked selected is the empty prompt, which cannot be submitted (disabled, value "").
    assert re.findall(r"<option[^>]*selected[^>]*>", select) == ['<option value="" selected disabled>']


def test_a_vote_without_a_chosen_lead_is_refused_and_nothing_is_stored(item, session, bodies):
    member = seat_members(session, bodies[:1])[0]
    client = client_for(member)

    for lead in (None, "", "not-a-department"):
        body = {"reason": "职责清单"} | ({} if lead is None else {"lead_department_id": lead})
        response = client.post(f"/conference/items/{item.pk}/vote/", body)
        assert response.status_code == 400
        assert "请选择主办单位，或选择弃权。" in response.content.decode()
    assert Vote.objects.count() == 0


def test_a_vote_and_an_abstention_are_confirmed_with_what_comes_next(item, session, bodies, city):
    member = seat_members(session, bodies[:1])[0]
    client = client_for(member)

    voted = client.post(
        f"/conference/items/{item.pk}/vote/", {"lead_department_id": city["urban"].pk, "reason": "职责"}
    )
    assert voted.status_code == 302
    assert [str(m) for m in get_messages(voted.wsgi_request)] == ["您的表决已记录，主持人结束表决前可以修改。"]
    abstained = client.post(f"/conference/items/{item.pk}/vote/", {"lead_department_id": "abstain", "reason": "回避"})
    assert abstained.status_code == 302
    assert Vote.objects.get().lead_id is None
