"""Record on each joined / advanced / stepped_back event the clearance it granted.

Existing rows are filled from the policy version in force when they were recorded (the one
the event names, else the latest created by then, else the defaults), so a policy edited
after a decision no longer reaches back into it.
"""

from typing import Any

from django.db import migrations, models

GRANT_EVENTS = ("joined", "advanced", "stepped_back")


def backfill(apps: Any, schema_editor: Any) -> None:
    from wellgate.policy.rules import PolicySettings

    PathwayEvent = apps.get_model("pathway", "PathwayEvent")
    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    versions: dict[int, list[Any]] = {}
    for v in PolicyVersion.objects.order_by("force_id", "number"):
        versions.setdefault(v.force_id, []).append(v)

    def version_at(e: Any) -> Any:
        if e.policy_version_id is not None:
            return next(v for v in versions[e.force_id] if v.pk == e.policy_version_id)
        earlier = [v for v in versions.get(e.force_id, []) if v.created_at <= e.recorded_at]
        return earlier[-1] if earlier else None

    events = PathwayEvent.objects.filter(type__in=GRANT_EVENTS, grant_supervised__isnull=True)
    for e in events.iterator():
        version = version_at(e)
        policy = PolicySettings.from_dict(version.settings) if version else PolicySettings()
        code = policy.stages[0].code if e.type == "joined" else e.stage
        stage = next((s for s in policy.stages if s.code == code), None)
        if stage is None:
            continue  # not a stage of that policy: left as a legacy event
        # A step back is capped again by what was held before when the log is replayed.
        PathwayEvent.objects.filter(pk=e.pk).update(
            grant_category=stage.max_category or "",
            grant_media=list(stage.media),
            grant_supervised=stage.supervised,
            grant_policy_number=version.number if version else 0,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("pathway", "0001_initial"),
        ("policy", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="pathwayevent",
            name="grant_category",
            field=models.CharField(blank=True, max_length=1),
        ),
        migrations.AddField(
            model_name="pathwayevent",
            name="grant_media",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="pathwayevent",
            name="grant_policy_number",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="pathwayevent",
            name="grant_supervised",
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
