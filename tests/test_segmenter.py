"""jieba's dictionary cache lives in the user cache folder and is built once."""

from __future__ import annotations

import os
import subprocess
import sys

CODE = (
    "from nianbao.segmenter import private_tokenizer, quiet_jieba\n"
    "jieba = quiet_jieba()\n"
    "jieba.initialize()\n"
    "tok = private_tokenizer()\n"
    "tok.add_word('依申请公开', freq=200000)\n"
    "print(jieba.lcut('依申请公开政府信息', HMM=False), tok.lcut('依申请公开政府信息', HMM=False))\n"
)


def _run(cache_home) -> str:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    return subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True, check=True).stdout


def test_jieba_cache_is_built_once_in_the_user_cache_folder(tmp_path):
    cache = tmp_path / "nianbao" / "jieba.cache"
    first = _run(tmp_path)
    assert cache.is_file() and cache.stat().st_size > 1_000_000
    built = cache.stat().st_mtime_ns
    second = _run(tmp_path)
    assert cache.stat().st_mtime_ns == built  # loaded, not rebuilt
    assert first == second
    # the private tokenizer shares the dictionary and keeps its own words to itself
    assert second.strip() == "['依', '申请', '公开', '政府', '信息'] ['依申请公开', '政府', '信息']"
