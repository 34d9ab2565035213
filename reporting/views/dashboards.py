"""The organisation's workflow dashboard and a campaign's performance tab."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from campaigns.selectors import campaign_get
from reporting.periods import PRESETS, period_from, period_latest_day
from reporting.selectors.freshness import store_freshness
from reporting.selectors.onboarding import onboarding_checklist
from reporting.selectors.overview import organization_overview
from reporting.selectors.performance import campaign_performance, table_view
from reporting.selectors.trends import campaign_clicks_today, overview_trends
from tenancy.replica import ReplicaReadsMixin
from tenancy.views.base import OrgView

TABLES = ("creators", "links")


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
        performance = campaign_performance(campaign=campaign, period=period, today=today)
        tables = {name: self._table(request, name, getattr(performance, name)) for name in TABLES}
        context = {
            "campaign": campaign,
            "store": store,
            "performance": performance,
            "changes": performance.kpi_changes(),
            "clicks_today": campaign_clicks_today(campaign_id=campaign.pk, today=today),
            "period": period,
            "preset": preset,
            "presets": PRESETS,
            "period_error": error,
            "tables": tables,
            "freshness": store_freshness([store]),
        }
        table = request.GET.get("table")
        if request.htmx and table in TABLES:  # type: ignore[attr-defined]
            return self.render(
                request,
                {**context, "name": table, "t": tables[table]},
                template_name="reporting/partials/table.html",
            )
        return self.render(request, context)

    @staticmethod
    def _table(request: HttpRequest, name: str, rows: list) -> dict:
        mine = request.GET.get("table") == name
        params = request.GET if mine else {}
        try:
            page = int(params.get("page", 1))
        except ValueError:
            page = 1
        return table_view(
            rows,
            q=params.get("q", ""),
            sort=params.get("sort", "sales"),
            descending=params.get("dir", "desc") != "asc",
            page=page,
        )
