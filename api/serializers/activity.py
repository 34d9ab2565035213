"""/api/v1/activity/: the audit trail (audit/), as the Activity page shows it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from audit.selectors import ACTOR_API, ACTOR_SYSTEM
from audit.tracking import LABELS, REGISTRY


class ActivityQuerySerializer(serializers.Serializer):
    what = serializers.ChoiceField(
        choices=list(REGISTRY), required=False, help_text="Only events of this kind of object."
    )
    who = serializers.RegexField(
        rf"^(user:[0-9]{{1,18}}|{ACTOR_API}|{ACTOR_SYSTEM})$",
        required=False,
        help_text=f"`user:<id>` (a member), `{ACTOR_API}` (API keys) or `{ACTOR_SYSTEM}` "
        "(scheduled jobs and commands).",
    )
    object = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, help_text="The object's id (with `what`)."
    )
    start = serializers.DateField(required=False, help_text="First day (YYYY-MM-DD, UTC).")
    end = serializers.DateField(required=False, help_text="Last day, inclusive (UTC).")
    cursor = serializers.CharField(required=False, help_text="`next` of the previous page.")
    page_size = serializers.IntegerField(min_value=1, max_value=500, default=50)

    def validate(self, attrs: dict) -> dict:
        if attrs.get("object") and not attrs.get("what"):
            raise serializers.ValidationError({"object": ["Name the kind of object in `what`."]})
        if attrs.get("start") and attrs.get("end") and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": ["The end is before the start."]})
        return attrs


class ActorSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["user", "api_key", "task", "command", "system"])
    label = serializers.CharField()  # type: ignore[assignment]
    user = serializers.IntegerField(allow_null=True, help_text="The member's user id.")
    email = serializers.CharField(help_text="The member's e-mail when they acted.")
    api_key = serializers.CharField(help_text="The API key's public prefix.")
    name = serializers.CharField(help_text="The API key's, task's or command's name.")


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    before = serializers.CharField(
        allow_null=True, help_text="As stored (money: the currency's decimals); null: empty."
    )
    after = serializers.CharField(allow_null=True)
    before_display = serializers.CharField(help_text="As the Activity page shows it.")
    after_display = serializers.CharField()


class ActivitySerializer(serializers.Serializer):
    id = serializers.CharField(help_text="`<what>-<event id>`.")
    time = serializers.DateTimeField()
    what = serializers.ChoiceField(choices=list(REGISTRY))
    what_label = serializers.CharField()
    event = serializers.ChoiceField(choices=list(LABELS))
    object = serializers.IntegerField(help_text="The object's id.")
    object_label = serializers.CharField()
    actor = ActorSerializer()
    url = serializers.CharField(help_text="The page or API path the change was made through.")
    currency = serializers.CharField(help_text="The currency of the money fields, if any.")
    changes = ChangeSerializer(many=True)


@extend_schema_serializer(many=False)  # one page object, not a list of them
class ActivityPageSerializer(serializers.Serializer):
    next = serializers.CharField(allow_null=True)
    results = ActivitySerializer(many=True)
