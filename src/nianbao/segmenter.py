"""jieba, imported once and quiet: its dictionary-loading chatter is not for users.

jieba builds its prefix dictionary from the bundled word list on first use (about 1 s) and
keeps it in a cache file; nianbao puts that file in the user's cache folder
($XDG_CACHE_HOME/nianbao, else ~/.cache/nianbao), so it is built once per user and every later
process (and each private tokenizer, which starts from the global dictionary) loads it.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from types import ModuleType


def cache_dir() -> Path:
    """nianbao's folder in the user cache (XDG base directory convention)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nianbao"


def quiet_jieba() -> ModuleType:
    import jieba

    if not getattr(jieba, "_nianbao_ready", False):
        jieba.setLogLevel(logging.WARNING)
        folder = cache_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            folder = None  # no writable cache folder: jieba keeps its cache in the temp folder
        if folder is not None and not jieba.dt.initialized:
            jieba.dt.tmp_dir = str(folder)
        jieba._nianbao_ready = True
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
