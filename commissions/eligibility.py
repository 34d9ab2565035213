"""When a conversion earns commission, and under which terms: defined here once.

A conversion (a creator's day of Amazon's numbers on a campaign) earns commission only when, on
its date:
- the campaign was running: active, or ended less than Amazon's attribution window ago (a
  draft or paused day earns nothing; CampaignStatusChange is the status over time);
- the date lies between the campaign's start and its end plus Amazon's 14-day attribution
  window (sales Amazon attributes to clicks made while the campaign ran);
- the creator was on the campaign (CampaignCreator.joined_on / removed_on).
Amazon's numbers of other days are still stored and shown as Amazon reports them, with no
commission and the reason (`Conversion.ineligible_reason`).

What it earns follows the terms in force on its date (CampaignTerms, CampaignCreatorTerms):
the rate (the creator's override, else the campaign's default), the basis and the settlement
days. `ineligible_reason` and `terms_in_force` are pure, so the settle
(commissions.services), the pages and the data migrations agree."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import models

from campaigns.models import (
    CampaignCreator,
    CampaignCreatorTerms,
    CampaignStatusChange,
    CampaignTerms,
)
from campaigns.terms import history_key as _history_key
from campaigns.terms import in_force_on, term_on

# Amazon attributes a sale to a click up to 14 days before it.
ATTRIBUTION_WINDOW_DAYS = 14
RUNNING = ("active", "ended")


class Ineligible(models.TextChoices):
    DRAFT = "draft", "The campaign was a draft on this day"
    PAUSED = "paused", "The campaign was paused on this day"
    ENDED = "ended", "The campaign had ended more than 14 days before"
    BEFORE_START = "before_start", "Before the campaign's start"
    AFTER_END = "after_end", "After the campaign's end and Amazon's 14-day attribution window"
    NOT_JOINED = "not_joined", "Before the creator joined the campaign"
    REMOVED = "removed", "After the creator was removed from the campaign"


REASONS: dict[str, str] = dict(Ineligible.choices)


def ineligible_reason(
    *,
    day: date,
    starts_on: date,
    ends_on: date | None,
    status: str,
    status_since: date | None,
    joined_on: date | None,
    removed_on: date | None,
) -> str:
    """'' when a conversion of `day` earns commission, else why not (an `Ineligible` value).
    `status` is the campaign's status on `day`, held since `status_since` (None: always)."""
    if day < starts_on:
        return Ineligible.BEFORE_START
    if ends_on is not None and day > ends_on + timedelta(days=ATTRIBUTION_WINDOW_DAYS):
        return Ineligible.AFTER_END
    if status == "draft":
        return Ineligible.DRAFT
    if status == "paused":
        return Ineligible.PAUSED
    if status == "ended" and status_since is not None:
        if day >= status_since + timedelta(days=ATTRIBUTION_WINDOW_DAYS):
            return Ineligible.ENDED
    elif status not in RUNNING:
        return Ineligible.DRAFT
    if joined_on is not None and day < joined_on:
        return Ineligible.NOT_JOINED
    if removed_on is not None and day >= removed_on:
        return Ineligible.REMOVED
    return ""


@dataclass(frozen=True)
class Terms:
    """What a conversion of one day earns under."""

    rate: Decimal
    basis: str
    settlement_days: int


def status_on(statuses: Sequence[Any], day: date, fallback: str) -> tuple[str, date | None]:
    """The campaign's status on `day` and the day it took effect (`statuses` history-sorted;
    `fallback`, the campaign's status, for a campaign without history)."""
    row = in_force_on(statuses, day)
    if row is None:
        return (statuses[0].status if statuses else fallback), None
    return row.status, row.effective_from


def terms_in_force(
    *, day: date, campaign: Any, terms: Sequence[Any], overrides: Sequence[Any], cc: Any
) -> Terms:
    """The terms of a conversion of `day` (histories history-sorted; each term the latest
    change of it on or before `day`; without a history, what the campaign and the creator's row
    say now)."""

    def term(name: str) -> Any:
        value = term_on(terms, day, name)
        return getattr(campaign, name) if value is None else value

    override_row = in_force_on(overrides, day) or (overrides[0] if overrides else cc)
    override = override_row.commission_rate_override
    return Terms(
        rate=override if override is not None else term("default_commission_rate"),
        basis=term("commission_basis"),
        settlement_days=term("settlement_days"),
    )


class TermsBook:
    """The status and terms histories of some campaign creators' campaigns, read in three
    queries, answering per (campaign creator, day)."""

    def __init__(self, campaign_creators: Iterable[CampaignCreator]) -> None:
        self.ccs = {cc.pk: cc for cc in campaign_creators}
        campaign_ids = {cc.campaign_id for cc in self.ccs.values()}
        self.statuses: dict[int, list[CampaignStatusChange]] = defaultdict(list)
        self.terms: dict[int, list[CampaignTerms]] = defaultdict(list)
        self.overrides: dict[int, list[CampaignCreatorTerms]] = defaultdict(list)
        for s in CampaignStatusChange.objects.filter(campaign_id__in=campaign_ids):
            self.statuses[s.campaign_id].append(s)
        for t in CampaignTerms.objects.filter(campaign_id__in=campaign_ids):
            self.terms[t.campaign_id].append(t)
        for o in CampaignCreatorTerms.objects.filter(campaign_creator_id__in=self.ccs):
            self.overrides[o.campaign_creator_id].append(o)
        for s_rows in self.statuses.values():
            s_rows.sort(key=_history_key)
        for t_rows in self.terms.values():
            t_rows.sort(key=_history_key)
        for o_rows in self.overrides.values():
            o_rows.sort(key=_history_key)

    def ineligible_reason(self, cc: CampaignCreator, day: date) -> str:
        campaign = cc.campaign
        status, since = status_on(self.statuses[campaign.pk], day, campaign.status)
        return ineligible_reason(
            day=day,
            starts_on=campaign.starts_on,
            ends_on=campaign.ends_on,
            status=status,
            status_since=since,
            joined_on=cc.joined_on,
            removed_on=cc.removed_on,
        )

    def terms_on(self, cc: CampaignCreator, day: date) -> Terms:
        return terms_in_force(
            day=day,
            campaign=cc.campaign,
            terms=self.terms[cc.campaign_id],
            overrides=self.overrides[cc.pk],
            cc=cc,
        )
