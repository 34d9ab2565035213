"""The organisation's workflow dashboard and a campaign's performance tab."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from campaigns.models import Campaign
from campaigns.selectors import campaign_get
from reporting.periods import PRESETS, period_from, period_latest_day
from reporting.selectors.freshness import store_freshness
from reporting.selectors.onboarding import onboarding_checklist
from reporting.selectors.overview import organization_overview
from reporting.selectors.performance import campaign_performance
from reporting.selectors.performance_tables import TABLES, performance_table
from reporting.selectors.trends import campaign_clicks_today, overview_trends
from reporting.values import Period
from tenancy.replica import ReplicaReadsMixin
from tenancy.views.base import OrgView


class WorkflowDashboardView(OrgView, ReplicaReadsMixin):
    """Organisation home (its reads may come from the read replica: tenancy.replica)."""

    template_name = "reporting/overview.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        # one meaning of "last 30 days" on every page (reporting.periods)
        latest = period_latest_day()
        period, preset, error = period_from(request.GET, latest=latest)
        overview = organization_overview(period=period)
        stores = [line.store for line in overview.stores]
        return self.render(
            request,
            {
                "overview": overview,
                "onboarding": onboarding_checklist(org_slug=self.organization.slug),
                "trends": overview_trends(period=period, stores=stores, latest=latest),
                "period": period,
                "preset": preset,
                "presets": PRESETS,
                "period_error": error,
            },
        )


class CampaignPerformanceView(OrgView, ReplicaReadsMixin):
    template_name = "reporting/campaign_performance.html"

    def get(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = campaign_get(campaign_id=campaign_id)
        store = campaign.store
        today = store.today()
        # the same range as the overview and the export (reporting.periods), not the store's
        # data_through: the overview and this page must show a campaign over the same days
        period, preset, error = period_from(request.GET)
        context = {"campaign": campaign, "store": store, "period": period, "preset": preset}
        table = request.GET.get("table")
        if request.htmx and table in TABLES:  # type: ignore[attr-defined]
            # a search, sort or page of one table: that table only
            return self.render(
                request,
                {**context, "name": table, "t": self._table(request, table, campaign, period)},
                template_name="reporting/partials/table.html",
            )
        performance = campaign_performance(campaign=campaign, period=period, today=today)
        context |= {
            "performance": performance,
            "changes": performance.kpi_changes(),
            "clicks_today": campaign_clicks_today(campaign_id=campaign.pk, today=today),
            "presets": PRESETS,
            "period_error": error,
            "tables": {name: self._table(request, name, campaign, period) for name in TABLES},
            "freshness": store_freshness([store]),
        }
        return self.render(request, context)

    @staticmethod
    def _table(request: HttpRequest, name: str, campaign: Campaign, period: Period) -> dict:
        mine = request.GET.get("table") == name
        params = request.GET if mine else {}
        try:
            page = int(params.get("page", 1))
        except ValueError:
            page = 1
        return performance_table(
            campaign=campaign,
            period=period,
            name=name,
            q=params.get("q", ""),
            sort=params.get("sort", "sales"),
            descending=params.get("dir", "desc") != "asc",
            page=page,
        )
