"""Who is asking: a browser, a mobile browser, a link-preview fetcher or another bot. Uses
crawlerdetect (a maintained list of crawler user agents) plus the preview fetchers that unfurl
links in chats and social apps, which must never reach the Amazon tag."""

from __future__ import annotations

import functools
import re

from crawlerdetect import CrawlerDetect

BROWSER, MOBILE, PREVIEW, BOT, HEAD = "browser", "mobile", "preview", "bot", "head"
BOT_CLASSES = frozenset({PREVIEW, BOT, HEAD})
MAX_UA = 512

# Link unfurlers (most are also in crawlerdetect's list; here they are told apart as previews).
_PREVIEW = re.compile(
    r"facebookexternalhit|facebot|facebookcatalog|meta-externalagent|twitterbot|slackbot|"
    r"slack-imgproxy|whatsapp/|telegrambot|discordbot|linkedinbot|skypeuripreview|"
    r"microsoftpreview|bingpreview|iframely|embedly|pinterestbot|redditbot|applebot|"
    r"google-pagerenderer|googleother|vkshare|mastodon|bluesky|bitlybot|outbrain|"
    r"quora link preview|yahoo link preview|kakaotalk-scrap|google web preview",
    re.IGNORECASE,
)
_MOBILE = re.compile(r"mobile|android|iphone|ipad|ipod|windows phone", re.IGNORECASE)


@functools.cache
def _detector() -> CrawlerDetect:
    return CrawlerDetect()


@functools.lru_cache(maxsize=8192)
def classify(user_agent: str) -> str:
    ua = (user_agent or "")[:MAX_UA]
    if not ua.strip():
        return BOT  # real browsers always send one
    if _PREVIEW.search(ua):
        return PREVIEW
    if _detector().isCrawler(ua):
        return BOT
    return MOBILE if _MOBILE.search(ua) else BROWSER
