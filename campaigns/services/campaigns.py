"""Campaigns and their products."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from attribution.models import Store
from campaigns import amazon_ids
from campaigns.lock_objects import store_amazon_ids_lock
from campaigns.models import (
    TERMS_FIELDS,
    Campaign,
    CampaignStatusChange,
    CampaignTerms,
    Product,
    TrackingPlan,
)
from campaigns.terms import history_sorted, term_on
from tenancy.models import User


def _check_dates(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": "The end date is before the start date."})


def _check_plan(store: Store, plan: TrackingPlan) -> None:
    if plan.store_id != store.pk:
        raise ValidationError({"tracking_plan": "Pick a tracking plan of the same store."})
    if plan.archived_at is not None:
        raise ValidationError({"tracking_plan": "That tracking plan is archived."})


def _check_name(store: Store, name: str, exclude: int | None = None) -> None:
    """One name per campaign in a store (case aside): reports and exports name campaigns, and
    two "Spring Sale" rows side by side cannot be told apart."""
    others = Campaign.objects.filter(store=store, name__iexact=name.strip())
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise ValidationError(
            {"name": f"{store} already has a campaign named {name.strip()}; pick another name."}
        )


def _check_store(store: Store) -> None:
    if store.status != Store.Status.ACTIVE:
        raise ValidationError({"store": f"{store} is not active."})
    try:
        amazon_ids.marketplace_base(store.country_code)
    except ValidationError as exc:
        raise ValidationError({"store": exc.messages}) from exc


def campaign_create(
    *,
    store: Store,
    tracking_plan: TrackingPlan,
    name: str,
    starts_on: date,
    default_commission_rate: Decimal,
    ends_on: date | None = None,
    status: str = Campaign.Status.DRAFT,
    track_sales: bool = True,
    commission_basis: str = Campaign.CommissionBasis.PROMOTED,
    settlement_days: int = 30,
    store_page: str = "",
    auto_approve: bool = False,
    auto_approve_max_restated_percent: Decimal = Decimal("10.00"),
) -> Campaign:
    """A campaign with its `aa_campaignid`: readable, unique across the installation (see
    `campaign_id_mint`), never changed."""
    _check_store(store)
    _check_plan(store, tracking_plan)
    _check_dates(starts_on, ends_on)
    _check_name(store, name)
    try:
        store_page_id = amazon_ids.parse_store_page(store_page)
    except ValidationError as exc:
        raise ValidationError({"store_page": exc.messages}) from exc
    mark = amazon_ids.store_mark(
        country_code=store.country_code,
        advertiser_id=store.advertiser_id,
        profile_id=store.profile_id,
    )
    base = amazon_ids.campaign_id_base(name, starts_on.year, mark)
    with transaction.atomic():
        campaign_id = campaign_id_mint(store=store, base=base)
        campaign = Campaign(
            store=store,
            tracking_plan=tracking_plan,
            name=name.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            status=status,
            track_sales=track_sales,
            default_commission_rate=default_commission_rate,
            commission_basis=commission_basis,
            settlement_days=settlement_days,
            auto_approve=auto_approve,
            auto_approve_max_restated_percent=auto_approve_max_restated_percent,
            amazon_campaign_id=campaign_id,
            store_page_id=store_page_id,
        )
        campaign.full_clean(exclude=["organization"])
        campaign.save()
        # The first rows of the history hold from the start (effective_from None).
        CampaignStatusChange.objects.create(campaign=campaign, status=status)
        CampaignTerms.objects.create(
            campaign=campaign, **{name: getattr(campaign, name) for name in TERMS_FIELDS}
        )
    return campaign


def campaign_id_mint(*, store: Store, base: str) -> str:
    """The first of `base`, `base-2`, ... that no store of the installation has: free in this
    store (the tenant can see its own campaigns) and claimed in the registry of minted ids
    (which covers every organisation without reading any of their rows). Call inside the
    transaction that creates the campaign: a rollback releases the claim.

    Why a registry and not only the store's mark: the mark (marketplace + advertiser) keeps
    ids of different stores apart, but two organisations can connect the same advertiser and
    marketplace (an agency and the brand), and row-level security hides each from the other,
    so only a table outside the tenants can tell that an id is taken."""
    # One minter at a time per store, so two campaigns of one store never race for an id.
    store_amazon_ids_lock(store_id=store.pk)
    taken_here = set(
        Campaign.objects.filter(store=store, amazon_campaign_id__startswith=base).values_list(
            "amazon_campaign_id", flat=True
        )
    )
    for candidate in amazon_ids.id_candidates(base):
        if candidate not in taken_here and campaign_id_claim(candidate):
            return candidate
    raise AssertionError("unreachable")


_CLAIM_SQL = (
    "INSERT INTO campaigns_mintedcampaignid (digest, stores, created_at) "
    "VALUES (%s, 1, now()) ON CONFLICT (digest) DO NOTHING RETURNING id"
)


def campaign_id_claim(value: str) -> bool:
    """Claim `value` in the registry of minted campaign ids: True when no store had it. A
    concurrent claim of the same value waits for the other transaction, then loses or wins."""
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_SQL, [amazon_ids.campaign_id_digest(value)])
        return cursor.fetchone() is not None


def campaign_update(
    *,
    campaign: Campaign,
    store_page: str | None = None,
    terms_from: date | None = None,
    changed_by: User | None = None,
    **fields: Any,
) -> Campaign:
    """Change what a manager may change. The store and the Amazon id never change; the
    tracking plan and store page only while no link uses them (links are fixed at creation).

    A new status holds from the store's today (its history: CampaignStatusChange). New terms
    (rate, basis, settlement days) hold from `terms_from` (default: the store's today), never
    from a past day: applying terms to past days is commissions.services.campaign_terms_change
    (the manager sees what it moves first)."""
    from campaigns.services.links import links_activate_for, links_deactivate_for, links_sync

    unknown = set(fields) - {*Campaign.EDITABLE_FIELDS, "tracking_plan"}
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    plan = fields.pop("tracking_plan", None)
    terms = {name: fields.pop(name) for name in TERMS_FIELDS if name in fields}
    changed = []
    status_was = campaign.status
    with transaction.atomic():
        if plan is not None and plan.pk != campaign.tracking_plan_id:
            _check_plan(campaign.store, plan)
            if campaign.links.exists():
                raise ValidationError(
                    {"tracking_plan": "Links were made with the current plan's tag; it stays."}
                )
            campaign.tracking_plan = plan
            changed.append("tracking_plan")
        new_store_links = False
        if store_page is not None:
            try:
                page_id = amazon_ids.parse_store_page(store_page)
            except ValidationError as exc:
                raise ValidationError({"store_page": exc.messages}) from exc
            if page_id != campaign.store_page_id:
                store_links = campaign.links.filter(product__isnull=True)
                if page_id and campaign.store_page_id and store_links.exists():
                    raise ValidationError(
                        {
                            "store_page": "Store-page links exist for the current page; "
                            "remove the store page first, then add the new one."
                        }
                    )
                if not page_id:
                    links_deactivate_for(links=store_links)
                else:
                    new_store_links = True
                campaign.store_page_id = page_id
                changed.append("store_page_id")
        for name, value in fields.items():
            if getattr(campaign, name) != value:
                setattr(campaign, name, value)
                changed.append(name)
        _check_dates(campaign.starts_on, campaign.ends_on)
        if "name" in changed:
            _check_name(campaign.store, campaign.name, exclude=campaign.pk)
        campaign.full_clean(exclude=["organization"])
        if changed:
            campaign.save(update_fields=changed)
        if "status" in changed:
            if not CampaignStatusChange.objects.filter(campaign=campaign).exists():
                # A campaign from before the history: its status so far held until today.
                CampaignStatusChange.objects.create(campaign=campaign, status=status_was)
            CampaignStatusChange.objects.create(
                campaign=campaign,
                status=campaign.status,
                effective_from=campaign.store.today(),
                changed_by=changed_by,
            )
        changed_terms = {
            name: value for name, value in terms.items() if getattr(campaign, name) != value
        }
        if changed_terms:
            campaign_terms_set(
                campaign=campaign,
                effective_from=terms_from or campaign.store.today(),
                changed_by=changed_by,
                **changed_terms,
            )
        if new_store_links:
            # A page removed earlier and added again: revive its links, make the missing.
            links_activate_for(links=campaign.links.filter(product__isnull=True))
            links_sync(campaign=campaign)
    return campaign


def campaign_terms_set(
    *,
    campaign: Campaign,
    effective_from: date,
    default_commission_rate: Decimal | None = None,
    commission_basis: str | None = None,
    settlement_days: int | None = None,
    changed_by: User | None = None,
    allow_past: bool = False,
    applied_to_pending: bool = False,
) -> CampaignTerms:
    """Record a change of the campaign's terms from `effective_from` (a row of its terms
    history holding the terms that differ from those in force that day; None: not changed).
    Each holds until the next change of the same term. Days before it keep the terms they were
    earned under: a date before the store's today is refused unless `allow_past`
    (commissions.services.campaign_terms_change, the manager's explicit choice). The campaign's
    own fields show the terms going forward (the latest change of each)."""
    if not allow_past and effective_from < campaign.store.today():
        raise ValidationError(
            {
                "terms_from": "Past days keep the terms they were earned under; pick today or "
                "a later day (or apply the change to pending conversions from Change terms)."
            }
        )
    wanted = {
        "default_commission_rate": default_commission_rate,
        "commission_basis": commission_basis,
        "settlement_days": settlement_days,
    }
    with transaction.atomic():
        if not CampaignTerms.objects.filter(campaign=campaign).exists():
            # A campaign from before the history: its terms so far hold until this change.
            CampaignTerms.objects.create(
                campaign=campaign, **{name: getattr(campaign, name) for name in TERMS_FIELDS}
            )
        rows = history_sorted(CampaignTerms.objects.filter(campaign=campaign))
        changes = {
            name: value
            for name, value in wanted.items()
            if value is not None and value != term_on(rows, effective_from, name)
        }
        if not changes:
            raise ValidationError(
                {"terms_from": "These are already the terms in force from that day."}
            )
        row = CampaignTerms(
            campaign=campaign,
            effective_from=effective_from,
            changed_by=changed_by,
            applied_to_pending=applied_to_pending,
            **changes,
        )
        row.full_clean(exclude=["organization", "campaign", "changed_by"])
        row.save()
        rows.append(row)
        rows = history_sorted(rows)
        going_forward = {name: term_on(rows, None, name) for name in TERMS_FIELDS}
        for name, value in going_forward.items():
            setattr(campaign, name, value)
        Campaign.objects.filter(pk=campaign.pk).update(**going_forward)
    return row


def products_add(*, campaign: Campaign, entries: Iterable[tuple[str, str]]) -> list[Product]:
    """Add (ASIN, title) pairs; an ASIN removed earlier comes back with its links. Every
    ASIN is validated before anything is written."""
    from campaigns.services.links import links_activate_for, links_sync

    clean: dict[str, str] = {}
    errors = []
    for n, (raw_asin, title) in enumerate(entries, 1):
        try:
            asin = amazon_ids.normalize_asin(raw_asin)
        except ValidationError:
            errors.append(f"Line {n}: {raw_asin.strip()!r} is not an ASIN (10 letters and digits).")
            continue
        if len((title or "").strip()) > 200:
            errors.append(f"Line {n}: the title is longer than 200 characters.")
            continue
        clean[asin] = (title or "").strip() or clean.get(asin, "")
    if errors:
        raise ValidationError({"products": errors})
    if not clean:
        raise ValidationError({"products": "Enter at least one ASIN."})
    products = []
    with transaction.atomic():
        existing = {p.asin: p for p in Product.objects.filter(campaign=campaign, asin__in=clean)}
        for asin, title in clean.items():
            product = existing.get(asin)
            if product is None:
                try:
                    with transaction.atomic():
                        product = Product.objects.create(campaign=campaign, asin=asin, title=title)
                except IntegrityError as exc:
                    raise ValidationError({"products": f"{asin} was just added."}) from exc
            else:
                revived = product.removed_at is not None
                product.removed_at = None
                product.title = title or product.title
                product.save(update_fields=["removed_at", "title"])
                if revived:
                    links_activate_for(links=product.links.all())
            products.append(product)
        links_sync(campaign=campaign)
        from campaigns.tasks import products_metadata_refresh_task

        # Amazon's title, image, price and availability, once the products are committed
        products_metadata_refresh_task.delay_on_commit(
            campaign.organization_id, campaign.store_id, [p.pk for p in products]
        )
    return products


def product_remove(*, product: Product) -> Product:
    """Take a product out of the campaign: its links stop redirecting; clicks are kept."""
    from campaigns.services.links import links_deactivate_for

    with transaction.atomic():
        if product.removed_at is None:
            product.removed_at = timezone.now()
            product.save(update_fields=["removed_at"])
        links_deactivate_for(links=product.links.all())
    return product
