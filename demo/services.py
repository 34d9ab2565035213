"""The whole demo for `make run`: brands connected to the sandbox, their campaigns and links,
past shopper traffic through the sandbox's shopper simulator (demo campaigns only), a first
sync per store, and a report of what actually happened in each store."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Sum

from attribution.models import DailyMetric, MetricLevel, Store, SyncRun
from attribution.sync.lease import SyncBusy
from attribution.sync.service import store_sync
from attribution.sync.windows import Window, default_window
from campaigns.models import LinkClickDaily
from commissions.models import Conversion
from core.money import money_format
from demo.amazon import demo_amazon_ensure
from demo.campaigns import brand_of, demo_campaigns_ensure
from demo.organizations import demo_organizations_ensure
from demo.portal import demo_portal_ensure
from demo.traffic import HISTORY_DAYS, History, demo_history_ensure, demo_shoppers_start
from tenancy.scoping import tenant_scope

log = logging.getLogger(__name__)


@dataclass
class StoreReport:
    """What the demo did in one store and what the store now holds."""

    org: str
    store: Store
    campaigns: int
    history: History
    sync: str
    our_clicks: int = 0  # link clicks in our tables (bots excluded)
    amazon_clicks: int = 0  # Amazon's clicks after the sync (campaign level)
    rows: int = 0  # Amazon report rows stored
    conversions: int = 0
    sales: Decimal = Decimal(0)
    commission: Decimal = Decimal(0)

    def line(self) -> str:
        s = self.store
        currency = s.currency_code
        head = f"/o/{self.org}/ {s.country_code} store ({currency}, {s.timezone}): "
        if not self.campaigns:
            return head + "no demo campaign"
        h = self.history
        return (
            head + f"{self.campaigns} demo campaign(s); past shoppers: {h.visits:,} visits, "
            f"{h.our_clicks:,} link clicks, {h.amazon_clicks:,} reached Amazon; "
            f"first sync {self.sync}; the store holds {self.our_clicks:,} link clicks, "
            f"{self.amazon_clicks:,} Amazon clicks in {self.rows:,} report rows, "
            f"{self.conversions:,} conversions, sales {money_format(self.sales, currency)}, "
            f"commission {money_format(self.commission, currency)}"
        )


def _sync(org_id: int, store: Store) -> str:
    try:
        usual = default_window(store)
        # a backfill over all the demo traffic, so "vs previous period" has numbers too
        window = Window(usual.end - timedelta(days=HISTORY_DAYS + 14), usual.end)
        run = store_sync(
            organization_id=org_id,
            store_id=store.pk,
            trigger=SyncRun.Trigger.COMMAND,
            owner=f"demo-{uuid.uuid4()}",
            window=window,
        )
    except SyncBusy:
        return "already running"
    return run.status if run else "store gone"


def _measure(report: StoreReport) -> None:
    store = report.store
    with tenant_scope(store.organization_id):
        report.our_clicks = (
            LinkClickDaily.objects.filter(link__store=store, sub_id="").aggregate(n=Sum("clicks"))[
                "n"
            ]
            or 0
        )
        facts = DailyMetric.objects.filter(store=store)
        report.rows = facts.count()
        report.amazon_clicks = (
            facts.filter(level=MetricLevel.CAMPAIGN).aggregate(n=Sum("clicks"))["n"] or 0
        )
        money = Conversion.objects.filter(store=store).aggregate(
            n=Count("pk"), sales=Sum("sales"), commission=Sum("commission")
        )
        report.conversions = money["n"] or 0
        report.sales = money["sales"] or Decimal(0)
        report.commission = money["commission"] or Decimal(0)


def demo_ensure(*, live_shoppers: bool = False) -> list[StoreReport | str]:
    """Everything; returns a report per store (or a line per organisation without stores)."""
    out: list[StoreReport | str] = []
    all_stores: list[Store] = []
    for org in demo_organizations_ensure():
        stores = demo_amazon_ensure(org, brand_of(org).regions)
        if not stores:
            out.append(f"/o/{org.slug}/: no Amazon sandbox configured, no stores")
            continue
        reports = []
        for store in stores:
            campaigns = demo_campaigns_ensure(org, store)
            reports.append(StoreReport(org.slug, store, len(campaigns), History(), "not needed"))
        demo_portal_ensure(org)
        for report in reports:
            if report.campaigns:
                report.history = demo_history_ensure(report.store)
                report.sync = _sync(org.pk, report.store)
            _measure(report)
        out.extend(reports)
        all_stores.extend(stores)
    if live_shoppers and all_stores:
        links = demo_shoppers_start(all_stores)
        out.append(f"Sandbox shoppers now visit {links} demo links (only the demo's campaigns).")
    return out
