"""What the read side keeps of its own: background exports. The money ledger (conversions,
adjustments, payout batches) lives in commissions.models."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from tenancy.models import TenantModel


class Export(TenantModel):
    """An aggregated CSV export run in the background (large ranges), with progress and a file
    that is served by a signed, expiring link and deleted after `expires_at`."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    class GroupBy(models.TextChoices):
        DAY = "day", "Day (per store)"
        CAMPAIGN = "campaign", "Campaign"
        CREATOR = "creator", "Creator"
        LINK = "link", "Link"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who else asked, when not a person: "API key <name> (<prefix>)".
    requested_via = models.CharField(max_length=150, blank=True)
    start = models.DateField()
    end = models.DateField()
    store_ids = ArrayField(models.BigIntegerField(), default=list)
    group_by = models.CharField(max_length=8, choices=GroupBy.choices, default=GroupBy.DAY)
    # Optional filters (the API's): only rows of this campaign / creator / link.
    campaign_id = models.BigIntegerField(null=True, blank=True)
    creator_id = models.BigIntegerField(null=True, blank=True)
    link_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    rows_estimate = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    file_path = models.CharField(max_length=500, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="export_range"
            )
        ]

    def __str__(self) -> str:
        return f"export {self.pk} {self.start}..{self.end} by {self.group_by} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def file_name(self) -> str:
        return f"attribution-{self.group_by}-{self.start:%Y%m%d}-{self.end:%Y%m%d}.csv"
