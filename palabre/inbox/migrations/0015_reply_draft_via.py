from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("inbox", "0014_reply_draft")]

    operations = [
        migrations.AddField(
            model_name="interaction",
            name="reply_draft_via",
            field=models.CharField(blank=True, max_length=100),
        ),
    ]
