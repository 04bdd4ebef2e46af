"""jieba, imported once and quiet: its dictionary-loading chatter is not for users."""

from __future__ import annotations

import logging
from types import ModuleType


def quiet_jieba() -> ModuleType:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def private_tokenizer():
    """A jieba Tokenizer of its own (words added to it leave the global one untouched),
    started from the global dictionary instead of loading it a second time."""
    jieba = quiet_jieba()
    jieba.dt.check_initialized()
    tok = jieba.Tokenizer()
    tok.FREQ, tok.total = dict(jieba.dt.FREQ), jieba.dt.total
    tok.initialized = True
    return tok
