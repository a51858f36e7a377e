import datetime

from django.db import migrations
from django.utils import timezone


def create_rows(apps, schema_editor):
    """Channels and workspaces made before analytics existed get their job rows too."""
    Channel = apps.get_model("palabre_channels", "Channel")
    Workspace = apps.get_model("accounts", "Workspace")
    ChannelDaily = apps.get_model("analytics", "ChannelDaily")
    CommunityRefresh = apps.get_model("analytics", "CommunityRefresh")
    MonthlyReport = apps.get_model("analytics", "MonthlyReport")
    now = timezone.now()
    first = (now.date().replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    report_at = datetime.datetime.combine(first, datetime.time(7, 0), tzinfo=datetime.UTC)
    for channel in Channel.objects.all():
        ChannelDaily.objects.get_or_create(channel=channel, defaults={"next_attempt_at": now})
    for workspace in Workspace.objects.all():
        CommunityRefresh.objects.get_or_create(workspace=workspace, defaults={"next_attempt_at": now})
        MonthlyReport.objects.get_or_create(
            workspace=workspace, defaults={"next_attempt_at": report_at}
        )


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_initial")]
    operations = [migrations.RunPython(create_rows, migrations.RunPython.noop)]
