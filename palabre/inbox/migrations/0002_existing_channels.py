from django.db import migrations
from django.utils import timezone


def create_rows(apps, schema_editor):
    """Channels and workspaces made before the inbox existed get their rows too."""
    Channel = apps.get_model("palabre_channels", "Channel")
    Workspace = apps.get_model("accounts", "Workspace")
    ChannelSync = apps.get_model("inbox", "ChannelSync")
    WorkspaceSweep = apps.get_model("inbox", "WorkspaceSweep")
    now = timezone.now()
    for channel in Channel.objects.all():
        ChannelSync.objects.get_or_create(channel=channel, defaults={"next_attempt_at": now})
    for workspace in Workspace.objects.all():
        WorkspaceSweep.objects.get_or_create(workspace=workspace, defaults={"next_attempt_at": now})


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0001_initial"),
        ("palabre_channels", "0003_channel_cadence_per_week_channel_time_slots"),
    ]
    operations = [migrations.RunPython(create_rows, migrations.RunPython.noop)]
