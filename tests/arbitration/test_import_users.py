"""manage.py import_users (docs/sign-in.md): the staff file, applied idempotently."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from arbitration.choices import Role
from arbitration.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def staff_file(tmp_path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "staff.csv"
    path.write_text(text, encoding=encoding)
    return path


def run(*args) -> str:
    out = StringIO()
    call_command("import_users", *map(str, args), stdout=out)
    return out.getvalue()


GOOD = """name,username,department,roles,phone
张伟,zhang.wei,,派单员,0531-1001
李娜,li.na,CGJ,liaison,0531-1002
王强,wang.qiang,SJJ|ZJJ,liaison|conference_member,
"""


def test_importing_the_same_file_twice_changes_nothing_the_second_time(tmp_path, city):
    path = staff_file(tmp_path, GOOD)
    first = run(path)
    assert "新建 3" in first  # the centre reads the command in Chinese
    history_rows = User.history.count()
    second = run(path)
    assert "没有变化" in second
    assert User.history.count() == history_rows
    wang = User.objects.get(username="wang.qiang")
    assert wang.roles == {Role.LIAISON, Role.CONFERENCE_MEMBER}
    assert wang.department_ids == {city["market"].pk, city["housing"].pk}
    zhang = User.objects.get(username="zhang.wei")
    assert (zhang.full_name, zhang.phone, zhang.roles) == ("张伟", "0531-1001", {Role.DISPATCHER})
    assert not zhang.has_usable_password()


def test_a_changed_row_updates_that_user_only(tmp_path, city):
    run(staff_file(tmp_path, GOOD))
    output = run(staff_file(tmp_path, GOOD.replace("li.na,CGJ,liaison", "li.na,SJJ,liaison")))
    assert "更新 1，" in output
    assert User.objects.get(username="li.na").department_ids == {city["market"].pk}


def test_users_missing_from_the_file_are_deactivated_only_when_asked(tmp_path, city):
    factories.user("old.hand", Role.LIAISON, departments=(city["urban"],))
    path = staff_file(tmp_path, GOOD)
    output = run(path)
    assert "old.hand" in output
    assert User.objects.get(username="old.hand").is_active
    run(path, "--deactivate-missing")
    old = User.objects.get(username="old.hand")
    assert not old.is_active  # deactivated, still there with its history
    assert old.history.filter(is_active=False).exists()
    assert User.objects.get(username="hotline-platform").is_active  # system accounts are never touched


def test_bad_rows_are_all_reported_with_their_lines_and_nothing_is_written(tmp_path, city):
    bad = GOOD + "赵六,zhao.liu,NOPE,liaison,\n钱七,qian.qi,CGJ,wizard,\n李娜,li.na,CGJ,liaison,\n"
    with pytest.raises(CommandError) as refused:
        run(staff_file(tmp_path, bad))
    message = str(refused.value)
    assert "NOPE" in message and "wizard" in message
    assert all(f"第 {line} 行" in message for line in (5, 6, 7))
    assert "第 2 行" not in message
    assert not User.objects.filter(username__in=["zhang.wei", "li.na", "zhao.liu"]).exists()


def test_a_gb18030_file_from_chinese_excel_is_read(tmp_path, city):
    run(staff_file(tmp_path, GOOD, encoding="gb18030"))
    assert User.objects.get(username="li.na").full_name == "李娜"
