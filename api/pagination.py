"""Cursor pagination for every list: `?cursor=` from the previous page's `next`, `?page_size=`
up to 500. Stable under inserts (a cursor, not an offset)."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    ordering = "-pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
