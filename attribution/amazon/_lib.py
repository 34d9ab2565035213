"""The only module that imports `ad_api` (python-amazon-ad-api), without letting its import-time
`logging.basicConfig` take over the root logger. The rest of the package uses these names."""

import logging

_root = logging.getLogger()
_saved_handlers, _saved_level = list(_root.handlers), _root.level
import ad_api.api  # noqa: E402  (must come before ad_api.base: the library has a circular import)
from ad_api.api import Attribution, Metadata, Profiles  # noqa: E402
from ad_api.base import Marketplaces  # noqa: E402
from ad_api.base import exceptions as ad_exceptions  # noqa: E402

_root.handlers[:] = _saved_handlers
_root.setLevel(_saved_level)
del ad_api

__all__ = ["Attribution", "Marketplaces", "Metadata", "Profiles", "ad_exceptions"]
