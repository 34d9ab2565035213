"""The API's JSON parser: DRF's, except that a body nested deeper than Python's json can
follow (it raises RecursionError, e.g. on 100,000 `[`) is a parse error (400) in the API's
error format instead of a 500."""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
