"""Letter texts as templates an administrator edits (docs/letters.md).

- LetterTemplate (with history), seeded with the default zh-Hans text of each kind;
- a draft's generated `paragraphs` give way to `remarks`, the drafter's own words: the words of a draft about a
  case, a scorecard or a referral were written by code and now come from the template when it is issued, so they
  are dropped; a free-standing draft's paragraphs were a person's and are kept as its remarks.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def keep_the_drafters_words(apps, schema_editor):
    LetterDraft = apps.get_model("supervision", "LetterDraft")
    free_standing = LetterDraft.objects.filter(status="draft", case=None, scorecard=None, referral=None)
    for draft in free_standing:
        words = "\n".join(str(p).strip() for p in draft.paragraphs or [] if str(p).strip())
        if words:
            draft.remarks = words
            draft.save(update_fields=["remarks"])


def seed_default_texts(apps, schema_editor):
    from supervision.texts.defaults import DEFAULT_TEMPLATES

    LetterTemplate = apps.get_model("supervision", "LetterTemplate")
    HistoricalLetterTemplate = apps.get_model("supervision", "HistoricalLetterTemplate")
    now = timezone.now()
    for kind, text in DEFAULT_TEMPLATES.items():
        if LetterTemplate.objects.filter(kind=kind).exists():
            continue
        template = LetterTemplate.objects.create(kind=kind, title=text["title"], body=text["body"])
        HistoricalLetterTemplate.objects.create(
            id=template.pk,
            kind=kind,
            title=template.title,
            body=template.body,
            updated_at=template.updated_at,
            history_date=now,
            history_type="+",
            history_change_reason="default text",
        )


class Migration(migrations.Migration):

    dependencies = [
        ('supervision', '0003_who_columns_without_constraint'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='LetterTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('reminder', '催办通知书'), ('escalation', '督办函'), ('warning', '预警函'), ('interview', '约谈通知'), ('referral', '移送函')], max_length=16, unique=True, verbose_name='kind')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('body', models.TextField(help_text='One paragraph per line. Placeholders are written ${name}.', verbose_name='body')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
            ],
            options={
                'verbose_name': 'letter template',
                'verbose_name_plural': 'letter templates',
                'ordering': ['kind'],
            },
        ),
        migrations.AddField(
            model_name='historicalletterdraft',
            name='remarks',
            field=models.TextField(blank=True, help_text="The drafter's own words, added to the template's text where it says ${remarks}.", verbose_name='additional paragraphs'),
        ),
        migrations.AddField(
            model_name='letterdraft',
            name='remarks',
            field=models.TextField(blank=True, help_text="The drafter's own words, added to the template's text where it says ${remarks}.", verbose_name='additional paragraphs'),
        ),
        migrations.RunPython(keep_the_drafters_words, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='historicalletterdraft',
            name='paragraphs',
        ),
        migrations.RemoveField(
            model_name='letterdraft',
            name='paragraphs',
        ),
        migrations.AlterField(
            model_name='historicalletterdraft',
            name='title',
            field=models.CharField(blank=True, help_text="Blank: the title of the kind's text template.", max_length=200, verbose_name='title'),
        ),
        migrations.AlterField(
            model_name='letterdraft',
            name='title',
            field=models.CharField(blank=True, help_text="Blank: the title of the kind's text template.", max_length=200, verbose_name='title'),
        ),
        migrations.CreateModel(
            name='HistoricalLetterTemplate',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('kind', models.CharField(choices=[('reminder', '催办通知书'), ('escalation', '督办函'), ('warning', '预警函'), ('interview', '约谈通知'), ('referral', '移送函')], db_index=True, max_length=16, verbose_name='kind')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('body', models.TextField(help_text='One paragraph per line. Placeholders are written ${name}.', verbose_name='body')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField()),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical letter template',
                'verbose_name_plural': 'historical letter templates',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(seed_default_texts, migrations.RunPython.noop),
    ]
