"""jieba, imported once and quiet: its dictionary-loading chatter is not for users."""

from __future__ import annotations

import logging
from types import ModuleType


def quiet_jieba() -> ModuleType:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba
