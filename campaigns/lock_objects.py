"""Row locks of the campaigns domain, in one place and one order (Saleor's `lock_objects.py`).

A transaction that needs several of these takes them in this order, each set by ascending
primary key, so two transactions never wait on each other in a circle:

1. the store (`store_amazon_ids_lock`): whoever mints Amazon ids that must be unique in the
   store (campaign ids, creative ids) holds it until commit, so two minters never pick the
   same free id (campaign ids are also claimed in the installation-wide registry of minted
   ids, whose unique key settles races between stores);
2. the campaign (`campaign_adgroup_ids_lock`): whoever mints ad-group ids (creators joining a
   campaign) holds it until commit.

Each function must be called inside `transaction.atomic()`.
"""

from __future__ import annotations

from attribution.models import Store
from campaigns.models import Campaign


def store_amazon_ids_lock(*, store_id: int) -> None:
    Store.objects.select_for_update().filter(pk=store_id).order_by("pk").first()


def campaign_adgroup_ids_lock(*, campaign_id: int) -> None:
    Campaign.objects.select_for_update().filter(pk=campaign_id).order_by("pk").first()
