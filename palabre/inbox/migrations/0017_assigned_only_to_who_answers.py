"""Comments are assigned only to those who may answer them (owners and community managers):
what was assigned to an editor or an analyst, who only read the inbox, goes back to nobody
(the managers are alerted instead), and a rule assigning to them stops, as it does when a
role changes (accounts/services.py, `_assignments_release`)."""

from django.db import migrations
from django.db.models import Exists, OuterRef

ANSWERING = ("owner", "manager")  # permissions.ALLOWED[Action.ANSWER] when this was written


def release(apps, schema_editor):
    Membership = apps.get_model("accounts", "Membership")
    Interaction = apps.get_model("inbox", "Interaction")
    ModerationRule = apps.get_model("inbox", "ModerationRule")

    def answers(field):
        return Exists(
            Membership.objects.filter(
                workspace=OuterRef("workspace"), user=OuterRef(field), role__in=ANSWERING
            )
        )

    Interaction.objects.filter(assigned_to__isnull=False).exclude(answers("assigned_to")).update(
        assigned_to=None
    )
    rules = ModerationRule.objects.filter(assign_to__isnull=False).exclude(answers("assign_to"))
    rules.filter(action="assign").update(assign_to=None, enabled=False)
    rules.update(assign_to=None)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0010_workspace_logo"),
        ("inbox", "0016_alter_interaction_kind"),
    ]

    operations = [migrations.RunPython(release, migrations.RunPython.noop)]
