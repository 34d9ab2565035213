"""The new organisation's checklist (the overview shows it until every step is done): each
step's state from the data itself, and the page that does it. A fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from attribution.models import AmazonConnection, Store, SyncRun
from campaigns.models import (
    AffiliateLink,
    Campaign,
    CampaignCreator,
    LinkClickDaily,
    Product,
    TrackingPlan,
)
from tenancy.models import Organization
from tenancy.scoping import current_tenant_id


def _count(qs: QuerySet) -> Coalesce:
    """`qs`'s row count as a subquery (0 when none)."""
    counted = (
        qs.order_by().annotate(_one=Value(1)).values("_one").annotate(n=Count("*")).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    done: bool
    state: str  # what is there now, in words
    url: str  # the page that does it
    action: str  # the link's words


@dataclass(frozen=True)
class Onboarding:
    steps: list[Step]

    @property
    def done(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def complete(self) -> bool:
        return all(step.done for step in self.steps)

    @property
    def next_step(self) -> Step | None:
        return next((step for step in self.steps if not step.done), None)


def onboarding_checklist(*, org_slug: str) -> Onboarding:
    def url(name: str, *args: object) -> str:
        return reverse(name, args=[org_slug, *args])

    # One query: the organisation's row with each step's figures as subqueries (RLS binds
    # them to the tenant like any other read), so the overview's query count stays fixed.
    best = Campaign.objects.annotate(
        n_products=_count(Product.objects.filter(campaign=OuterRef("pk"), removed_at=None)),
        n_creators=_count(
            CampaignCreator.objects.filter(campaign=OuterRef("pk")).exclude(
                status=CampaignCreator.Status.REMOVED
            )
        ),
    ).order_by("-n_products", "-n_creators", "-pk")
    row = (
        Organization.objects.filter(pk=current_tenant_id())
        .annotate(
            connected=Exists(
                AmazonConnection.objects.filter(status=AmazonConnection.Status.ACTIVE)
            ),
            stores=_count(Store.objects.filter(status=Store.Status.ACTIVE)),
            plans=_count(TrackingPlan.objects.filter(archived_at=None)),
            links=_count(AffiliateLink.objects.filter(is_active=True)),
            clicked=Exists(LinkClickDaily.objects.filter(clicks__gt=0)),
            synced=Exists(SyncRun.objects.filter(status=SyncRun.Status.SUCCEEDED)),
            campaign_pk=Subquery(best.values("pk")[:1]),
            campaign_name=Subquery(best.values("name")[:1]),
            campaign_products=Subquery(best.values("n_products")[:1]),
            campaign_creators=Subquery(best.values("n_creators")[:1]),
        )
        .values()
        .get()
    )
    connected, stores, plans = row["connected"], row["stores"], row["plans"]
    links, clicked, synced = row["links"], row["clicked"], row["synced"]
    campaign = (
        {
            "pk": row["campaign_pk"],
            "name": row["campaign_name"],
            "n_products": row["campaign_products"],
            "n_creators": row["campaign_creators"],
        }
        if row["campaign_pk"]
        else None
    )

    stocked = bool(campaign and campaign["n_products"] and campaign["n_creators"])
    campaign_url = url("campaign", campaign["pk"]) if campaign else url("campaigns")
    steps = [
        Step(
            "amazon",
            "Connect Amazon Ads",
            connected and stores > 0,
            f"{stores} store{'s' if stores != 1 else ''} connected"
            if connected
            else "Not connected yet",
            url("amazon-settings"),
            "Connect Amazon Ads",
        ),
        Step(
            "plan",
            "Create a tracking plan",
            plans > 0,
            f"{plans} plan{'s' if plans != 1 else ''}" if plans else "No plan yet",
            url("tracking-plan-create"),
            "Create a tracking plan",
        ),
        Step(
            "campaign",
            "Create a campaign",
            campaign is not None,
            f"{campaign['name']}" if campaign else "No campaign yet",
            url("campaign-create"),
            "Create a campaign",
        ),
        Step(
            "stock",
            "Add products and creators",
            stocked,
            (
                f"{campaign['n_products']} product{'s' if campaign['n_products'] != 1 else ''}, "
                f"{campaign['n_creators']} creator{'s' if campaign['n_creators'] != 1 else ''}"
                f" in {campaign['name']}"
            )
            if campaign
            else "Create a campaign first",
            campaign_url,
            "Add products and creators",
        ),
        Step(
            "links",
            "Send creators their links",
            links > 0 and clicked,
            (
                f"{links} link{'s' if links != 1 else ''}; "
                + ("clicks are coming in" if clicked else "no click yet")
            )
            if links
            else "No link yet",
            url("campaign-links", campaign["pk"]) if campaign else url("campaigns"),
            "Copy or download the links",
        ),
        Step(
            "sync",
            "First sync with Amazon",
            synced,
            "Amazon's numbers are in" if synced else "Not synced yet",
            url("sync-status"),
            "Open Amazon sync",
        ),
    ]
    return Onboarding(steps)
