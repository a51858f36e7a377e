from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0010_reply_thanks_and_languages_in_words"),
    ]

    operations = [
        migrations.AddField(
            model_name="channelsync",
            name="stream_holder",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="channelsync",
            name="stream_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="channelsync",
            name="stream_live",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="channelsync",
            name="stream_cursor",
            field=models.CharField(blank=True, max_length=100),
        ),
    ]
