"""Tracking plans: a store's Attribution publisher and the non-macro template tag Amazon issues
for it. Fetching the tag is mandatory before Amazon measures anything, so a plan only exists
with its tag."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attribution.amazon import AmazonError
from attribution.models import Store
from attribution.services import ads_client, publisher_is_non_macro
from campaigns.models import TrackingPlan


def _usable(store: Store) -> None:
    if store.status != Store.Status.ACTIVE:
        raise ValidationError({"store": f"{store} is not active ({store.get_status_display()})."})
    if not store.advertiser_id:
        raise ValidationError({"store": f"Amazon lists no Attribution advertiser for {store}."})


def store_publishers(*, store: Store) -> list[dict[str, Any]]:
    """The store's Attribution publishers from Amazon that take a non-macro template tag (the
    only kind of tag a plan holds): [{id, name, macroEnabled}]. Macro-enabled publishers fill
    the ids in themselves and are not offered (see `publisher_is_non_macro`)."""
    _usable(store)
    try:
        publishers = ads_client(store.connection).publishers(store.profile_id)
    except AmazonError as exc:
        raise ValidationError(f"Amazon did not list the publishers: {exc.message}") from exc
    return [
        {**p, "id": str(p.get("id", "")), "name": str(p.get("name", ""))}
        for p in publishers
        if p.get("id") and publisher_is_non_macro(p)
    ]


def _fetch_tag(store: Store, publisher_id: str) -> str:
    try:
        tags = ads_client(store.connection).non_macro_template_tags(
            store.profile_id, publisher_ids=[publisher_id], advertiser_ids=[store.advertiser_id]
        )
    except AmazonError as exc:
        raise ValidationError(f"Amazon did not issue the tag: {exc.message}") from exc
    tag = (tags.get(str(store.advertiser_id)) or {}).get(str(publisher_id), "")
    if not tag or "maas=" not in tag:
        raise ValidationError("Amazon answered without a tag for this publisher.")
    return str(tag).strip().lstrip("?&")


def _check_name(store: Store, name: str, exclude: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the plan a name."})
    clash = TrackingPlan.objects.filter(store=store, name__iexact=name, archived_at=None)
    if exclude:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ValidationError({"name": "This store already has a plan with that name."})
    return name


def tracking_plan_create(*, store: Store, publisher_id: str, name: str = "") -> TrackingPlan:
    """Pick a publisher of the store, fetch its non-macro template tag from Amazon, keep it."""
    publisher_id = str(publisher_id or "").strip()
    publishers = {p["id"]: p for p in store_publishers(store=store)}
    publisher = publishers.get(publisher_id)
    if publisher is None:
        raise ValidationError({"publisher_id": "Pick one of the store's Amazon publishers."})
    name = _check_name(store, name or publisher["name"])
    tag = _fetch_tag(store, publisher_id)
    with transaction.atomic():
        return TrackingPlan.objects.create(
            store=store,
            name=name,
            publisher_id=publisher_id,
            publisher_name=publisher["name"],
            template_tag=tag,
            tag_fetched_at=timezone.now(),
        )


def tracking_plan_rename(*, plan: TrackingPlan, name: str) -> TrackingPlan:
    plan.name = _check_name(plan.store, name, exclude=plan.pk)
    plan.save(update_fields=["name"])
    return plan


def tracking_plan_refresh_tag(*, plan: TrackingPlan) -> TrackingPlan:
    """Ask Amazon for the tag again (also re-enables measurement). Existing links keep the tag
    they were made with; the link checker shows links whose tag differs."""
    plan.template_tag = _fetch_tag(plan.store, plan.publisher_id)
    plan.tag_fetched_at = timezone.now()
    plan.save(update_fields=["template_tag", "tag_fetched_at"])
    return plan


def tracking_plan_archive(*, plan: TrackingPlan) -> TrackingPlan:
    if plan.archived_at is None:
        plan.archived_at = timezone.now()
        plan.save(update_fields=["archived_at"])
    return plan


def tracking_plan_unarchive(*, plan: TrackingPlan) -> TrackingPlan:
    if plan.archived_at is not None:
        _check_name(plan.store, plan.name, exclude=plan.pk)
        plan.archived_at = None
        plan.save(update_fields=["archived_at"])
    return plan


def tracking_plan_delete(*, plan: TrackingPlan) -> None:
    """Only a plan no campaign uses can be deleted; archive it otherwise."""
    with transaction.atomic():
        used = plan.campaigns.count()
        if used:
            raise ValidationError(
                f"{plan.name} is used by {used} campaign{'s' if used != 1 else ''}; "
                "archive it instead."
            )
        plan.delete()
