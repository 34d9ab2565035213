"""Affiliate links: one per (campaign, creator, product or store page), made in bulk, with
readable creative ids and a destination fixed at creation. Small batches are made inline;
big ones (thousands of creators x products) by a background job with progress, so no request
ever runs long."""

from __future__ import annotations

import secrets
import string
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from campaigns import amazon_ids
from campaigns.clicks.routes import routes_publish, routes_publish_on_commit
from campaigns.lock_objects import store_amazon_ids_lock
from campaigns.models import AffiliateLink, Campaign, CampaignCreator, LinkJob, Product

CODE_ALPHABET = string.ascii_letters + string.digits
CODE_LENGTH = 10
INLINE_LIMIT = 2000
CHUNK = 1000
LINKABLE_STATUSES = (CampaignCreator.Status.INVITED, CampaignCreator.Status.ACTIVE)

Pair = tuple[CampaignCreator, Product | None]


def new_code() -> str:
    """10 random base62 characters (about 59 bits): unguessable, globally unique in practice;
    the unique index settles the rest."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _missing_pairs(campaign: Campaign) -> list[Pair]:
    creators = list(
        CampaignCreator.objects.filter(campaign=campaign, status__in=LINKABLE_STATUSES).order_by(
            "pk"
        )
    )
    targets: list[Product | None] = list(
        Product.objects.filter(campaign=campaign, removed_at=None).order_by("pk")
    )
    if campaign.store_page_id:
        targets.append(None)
    existing = set(
        AffiliateLink.objects.filter(campaign=campaign).values_list(
            "campaign_creator_id", "product_id"
        )
    )
    return [
        (cc, product)
        for cc in creators
        for product in targets
        if (cc.pk, product.pk if product else None) not in existing
    ]


def links_missing_count(*, campaign: Campaign) -> int:
    return len(_missing_pairs(campaign))


def _build(campaign: Campaign, pairs: Sequence[Pair], taken: set[str]) -> list[AffiliateLink]:
    store, plan = campaign.store, campaign.tracking_plan
    links = []
    for cc, product in pairs:
        asin = product.asin if product else None
        creative = amazon_ids.unique_id(
            amazon_ids.creative_id_base(adgroup_id=cc.amazon_adgroup_id, asin=asin), taken
        )
        taken.add(creative)
        destination = amazon_ids.destination_url(
            country_code=store.country_code,
            template_tag=plan.template_tag,
            campaign_id=campaign.amazon_campaign_id,
            adgroup_id=cc.amazon_adgroup_id,
            creative_id=creative,
            asin=asin,
            store_page_id=campaign.store_page_id,
        )
        links.append(
            AffiliateLink(
                organization_id=campaign.organization_id,
                campaign=campaign,
                campaign_creator=cc,
                product=product,
                store_id=campaign.store_id,
                amazon_creative_id=creative,
                code=new_code(),
                destination_url=destination,
                is_active=True,
            )
        )
    return links


def links_generate(*, campaign: Campaign, limit: int | None = None) -> int:
    """Make the campaign's missing links (at most `limit`); returns how many were made."""
    with transaction.atomic():
        # Creative ids are unique per store: one generator at a time per store.
        store_amazon_ids_lock(store_id=campaign.store_id)
        pairs = _missing_pairs(campaign)[:limit] if limit else _missing_pairs(campaign)
        if not pairs:
            return 0
        taken = set(
            AffiliateLink.objects.filter(store_id=campaign.store_id).values_list(
                "amazon_creative_id", flat=True
            )
        )
        links = _build(campaign, pairs, taken)
        for attempt in range(3):
            try:
                with transaction.atomic():
                    AffiliateLink.objects.bulk_create(links, batch_size=1000)
                break
            except IntegrityError:
                if attempt == 2:
                    raise
                for link in links:  # a code collision (about 1 in 10^17): new codes, again
                    link.code = new_code()
        transaction.on_commit(lambda: routes_publish(links))
    return len(links)


def link_create(
    *, campaign_creator: CampaignCreator, product: Product | None
) -> tuple[AffiliateLink, bool]:
    """The link of one (creator in a campaign, product or store page): made now if missing,
    with the same rules as links_generate. Returns (link, created)."""
    campaign = campaign_creator.campaign
    if product is not None and product.campaign_id != campaign.pk:
        raise ValidationError({"product": "Pick a product of the creator's campaign."})
    existing = AffiliateLink.objects.filter(
        campaign_creator=campaign_creator, product=product
    ).first()
    if existing is not None:
        return existing, False
    if campaign_creator.status not in LINKABLE_STATUSES:
        raise ValidationError({"campaign_creator": "The creator was removed from this campaign."})
    if product is not None and product.removed_at is not None:
        raise ValidationError({"product": "The product was removed from this campaign."})
    if product is None and not campaign.store_page_id:
        raise ValidationError({"product": "The campaign has no store page; pick a product."})
    with transaction.atomic():
        store_amazon_ids_lock(store_id=campaign.store_id)
        taken = set(
            AffiliateLink.objects.filter(store_id=campaign.store_id).values_list(
                "amazon_creative_id", flat=True
            )
        )
        (link,) = _build(campaign, [(campaign_creator, product)], taken)
        try:
            with transaction.atomic():
                link.save()
        except IntegrityError:  # made meanwhile, or a code collision: the caller retries
            raise ValidationError(
                {"campaign_creator": "The link was just made; try again."}
            ) from None
        transaction.on_commit(lambda: routes_publish([link]))
    return link, True


def links_sync(*, campaign: Campaign) -> int | LinkJob:
    """Make the missing links now when they are few, else start (or reuse) a background job.
    Returns the number made, or the job."""
    from campaigns import tasks

    missing = links_missing_count(campaign=campaign)
    if missing == 0:
        return 0
    if missing <= INLINE_LIMIT:
        return links_generate(campaign=campaign)
    open_job = LinkJob.objects.filter(
        campaign=campaign, status__in=(LinkJob.Status.QUEUED, LinkJob.Status.RUNNING)
    ).first()
    if open_job:
        return open_job
    job = LinkJob.objects.create(campaign=campaign, total=missing)
    organization_id, job_id = campaign.organization_id, job.pk
    tasks.links_generate_job.delay_on_commit(organization_id, job_id)
    return job


def link_job_step(*, job: LinkJob, chunk: int = CHUNK) -> bool:
    """One chunk of a background link job, in its own transaction; False when finished."""
    if not job.is_open:
        return False
    made = links_generate(campaign=job.campaign, limit=chunk)
    job.done = min(job.total, job.done + made) if made else job.total
    job.status = LinkJob.Status.RUNNING if made else LinkJob.Status.DONE
    fields = ["done", "status"]
    if not made:
        job.finished_at = timezone.now()
        fields.append("finished_at")
    job.save(update_fields=fields)
    return bool(made)


def link_job_run(*, job: LinkJob) -> LinkJob:
    """Run a job to the end in one go (tests, operators); the task commits per chunk."""
    while link_job_step(job=job):
        pass
    return job


def link_job_fail(*, job: LinkJob, error: str) -> None:
    job.status = LinkJob.Status.FAILED
    job.error = error[:2000]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])


def link_set_active(*, link: AffiliateLink, active: bool) -> AffiliateLink:
    if active:
        if link.campaign_creator.status == CampaignCreator.Status.REMOVED:
            raise ValidationError("The creator was removed from this campaign.")
        if link.product and link.product.removed_at is not None:
            raise ValidationError("The product was removed from this campaign.")
        if link.product is None and not link.campaign.store_page_id:
            raise ValidationError("The campaign has no store page any more.")
    if link.is_active != active:
        link.is_active = active
        link.save(update_fields=["is_active"])
        routes_publish_on_commit([link.pk], link.organization_id)
    return link


def links_deactivate_for(*, links: QuerySet[AffiliateLink]) -> int:
    """Stop these links redirecting (404); the cached routes follow on commit."""
    ids = list(links.filter(is_active=True).values_list("pk", flat=True))
    if ids:
        AffiliateLink.objects.filter(pk__in=ids).update(is_active=False)
        first = AffiliateLink.objects.filter(pk=ids[0]).values_list("organization_id", flat=True)
        routes_publish_on_commit(ids, first[0])
    return len(ids)


def links_activate_for(*, links: QuerySet[AffiliateLink]) -> int:
    """Revive links whose creator and product are in the campaign again."""
    ids = list(
        links.filter(is_active=False, campaign_creator__status__in=LINKABLE_STATUSES)
        .exclude(product__removed_at__isnull=False)
        .values_list("pk", flat=True)
    )
    if ids:
        AffiliateLink.objects.filter(pk__in=ids).update(is_active=True)
        first = AffiliateLink.objects.filter(pk=ids[0]).values_list("organization_id", flat=True)
        routes_publish_on_commit(ids, first[0])
    return len(ids)
