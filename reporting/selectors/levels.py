"""Which of Amazon's report levels answers what, and what a page calls the difference.

Amazon masks each report row of a tag group with fewer than 10 lifetime clicks, so a coarser
level hides less; its how-to says to request the level a page shows rather than sum finer rows
(Amazon Attribution API how-to, "Reports resource"). Store and campaign totals therefore come
from CAMPAIGN rows, a creator's numbers from ADGROUP rows, a link's from CREATIVE rows. A
campaign's total less the sum of its ad groups is what Amazon counts for the campaign but does
not show per creator yet: pages name it with NOT_ATTRIBUTED.
"""

from __future__ import annotations

from attribution.models import MetricLevel

TOTALS_LEVEL = MetricLevel.CAMPAIGN
CREATOR_LEVEL = MetricLevel.ADGROUP
LINK_LEVEL = MetricLevel.CREATIVE

NOT_ATTRIBUTED = "not yet attributed to a creator (under Amazon's 10-click threshold)"
