# The cockpit's heat map reads matter family × district (DailyDistrictVolume); streets only on drill-down
# (DailyPlaceVolume, district first). The counts are derived data: the old per-leaf rows are dropped, and
# `manage.py rebuild_rollups` counts them again (docs/cockpit.md, "Rollups").

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0011_surge_alerts"),
    ]

    operations = [
        migrations.DeleteModel(name="DailyPlaceVolume"),
        migrations.CreateModel(
            name="DailyPlaceVolume",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField(verbose_name="day")),
                ("family_id", models.IntegerField(verbose_name="matter family")),
                ("district_code", models.CharField(max_length=12, verbose_name="district")),
                ("street_code", models.CharField(max_length=12, verbose_name="street")),
                ("tickets", models.PositiveIntegerField(verbose_name="tickets")),
            ],
            options={
                "verbose_name": "daily volume by matter family and street",
                "verbose_name_plural": "daily volumes by matter family and street",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("district_code", "day", "family_id", "street_code"),
                        include=("tickets",),
                        name="daily_place_volume_key",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="DailyDistrictVolume",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField(verbose_name="day")),
                ("family_id", models.IntegerField(verbose_name="matter family")),
                ("district_code", models.CharField(max_length=12, verbose_name="district")),
                ("tickets", models.PositiveIntegerField(verbose_name="tickets")),
            ],
            options={
                "verbose_name": "daily volume by matter family and district",
                "verbose_name_plural": "daily volumes by matter family and district",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("day", "family_id", "district_code"),
                        include=("tickets",),
                        name="daily_district_volume_key",
                    )
                ],
            },
        ),
        migrations.RemoveConstraint(model_name="dailyvolume", name="daily_volume_key"),
        migrations.AddConstraint(
            model_name="dailyvolume",
            constraint=models.UniqueConstraint(
                fields=("day", "channel", "request_type", "district_code"),
                include=("tickets",),
                name="daily_volume_key",
            ),
        ),
        migrations.RemoveConstraint(model_name="dailydepartmentvolume", name="daily_department_volume_key"),
        migrations.AddConstraint(
            model_name="dailydepartmentvolume",
            constraint=models.UniqueConstraint(
                fields=("day", "department_id"), include=("tickets",), name="daily_department_volume_key"
            ),
        ),
        migrations.RemoveConstraint(model_name="dailyfriction", name="daily_friction_key"),
        migrations.AddConstraint(
            model_name="dailyfriction",
            constraint=models.UniqueConstraint(
                fields=(
                    "day",
                    "kind",
                    "matter_id",
                    "district_code",
                    "street_code",
                    "from_department_id",
                    "to_department_id",
                ),
                include=("events",),
                name="daily_friction_key",
            ),
        ),
    ]
