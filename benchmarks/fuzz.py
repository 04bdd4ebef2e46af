"""Fuzzing campaign: mutated real reports through ``nianbao.pipeline.check``.

Seeds are the real reports of corpus/samples, corpus/putian and corpus/seeds (HTML and
TXT as published), DOCX files built from those reports' own blocks with python-docx, and
PDFs printed from the real HTML reports with Chromium.  Each case is one seed and one or
more mutations: byte flips, truncation, NUL bytes, lying charsets, broken and deeply
nested HTML tables, huge, zero or negative spans, huge numbers, a 1 MB line, repeated
blocks, format confusion, broken DOCX zips (no body, encrypted member, malformed XML,
bad CRC, zip bomb, huge gridSpan) and broken PDFs.

Invariants checked on every case:

- no exception escapes ``check``;
- no ``internal`` message (a bug in nianbao, not a property of the file);
- the case finishes within ``--cpu-limit`` CPU seconds (20) and ``--memory-mb`` of address space
  (each worker process runs under ``resource.setrlimit(RLIMIT_AS)``).  CPU time, not wall time,
  decides, because the machine is shared and the campaign runs nice'd; a case still running
  after ``--wall-limit`` seconds is killed and counted too.  ``faulthandler`` samples the stack
  of a case once it has run ``--cpu-limit`` seconds, so a slow class says where it spends its time.

Failures are grouped into classes (exception type and innermost nianbao frame, or "over 20 s
CPU" and the frame it was in); the smallest input of each class is kept in ``OUT/classes/``.
Slow cases on inputs over 1 MB are classed apart: linear work on oversized input is what the
size guard of issue 19 item 6 is for.

    .venv/bin/python benchmarks/fuzz.py --cases 10000 [--seed 0] [--workers 2] [--cpu-limit 20] [--memory-mb 2048] [--out out/fuzz]
    .venv/bin/python benchmarks/fuzz.py --replay out/fuzz/classes/SOME/case.html   # one case, traceback shown

The machine is shared: run it nice'd in the background (``nice -n 10 ... &``).
"""

from __future__ import annotations

import argparse
import collections
import faulthandler
import io
import json
import multiprocessing as mp
import os
import random
import re
import resource
import statistics
import struct
import sys
import tempfile
import time
import traceback
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


# ---------------------------------------------------------------------------------------------
# Seeds


def text_seeds() -> list[tuple[str, str, bytes]]:
    """(name, suffix, bytes) of every real HTML/TXT report shipped in corpus/ (not heldout)."""
    seeds = []
    for base in ("samples", "putian"):
        for f in sorted((ROOT / "corpus" / base).glob("*/source.*")):
            seeds.append((f"{base}/{f.parent.name}", f.suffix, f.read_bytes()))
    for f in sorted((ROOT / "corpus" / "seeds").glob("*.txt")):
        seeds.append((f"seeds/{f.name}", ".txt", f.read_bytes()))
    return seeds


def docx_from_report(html_path: Path) -> bytes:
    """A DOCX holding a real report's paragraphs and tables (merged cells kept), via python-docx."""
    import docx

    from nianbao.ingest.html import load_html

    doc = load_html(html_path, html_path.read_bytes())
    d = docx.Document()
    for block in doc.blocks:
        if block.kind == "table" and block.rows:
            width = max(len(r) for r in block.rows)
            t = d.add_table(rows=len(block.rows), cols=width)
            for r, row in enumerate(block.rows):
                for c, cell in enumerate(row):
                    if cell.origin:
                        t.cell(r, c).text = cell.text
            # Merge horizontal runs of non-origin cells into their origin (the published spans).
            for r, row in enumerate(block.rows):
                c = 0
                while c < len(row):
                    e = c
                    while e + 1 < len(row) and not row[e + 1].origin and row[e + 1].text == row[c].text:
                        e += 1
                    if e > c:
                        t.cell(r, c).merge(t.cell(r, e))
                    c = e + 1
        elif block.kind == "heading":
            d.add_heading(block.text, level=2)
        else:
            d.add_paragraph(block.text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def binary_seeds(cache: Path, with_pdf: bool) -> list[tuple[str, str, bytes]]:
    """DOCX and PDF seeds derived from the real HTML reports (built once, cached)."""
    cache.mkdir(parents=True, exist_ok=True)
    seeds = []
    htmls = sorted((ROOT / "corpus" / "samples").glob("*-html"))
    for folder in htmls:
        out = cache / f"{folder.name}.docx"
        if not out.exists():
            out.write_bytes(docx_from_report(folder / "source.html"))
        seeds.append((f"docx/{folder.name}", ".docx", out.read_bytes()))
    if with_pdf:
        from nianbao.synth import available_makers, render_sample

        if "chromium" in available_makers():
            for folder in htmls[:3]:
                out = cache / f"{folder.name}-chromium.pdf"
                if not out.exists():
                    render_sample(folder, "chromium", out)
                seeds.append((f"pdf/{folder.name}", ".pdf", out.read_bytes()))
    return seeds


# ---------------------------------------------------------------------------------------------
# Mutations.  Each takes (rng, data) and returns the new bytes; the text ones work on the
# decoded text of HTML/TXT seeds and re-encode it.


def _decode(data: bytes) -> str:
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            pass
    return data.decode("utf-8", "replace")


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.choice([1, 2, 8, 64, 512])):
        if b:
            b[rng.randrange(len(b))] = rng.randrange(256)
    return bytes(b)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(1, max(2, len(data)))]


def nul_bytes(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.choice([1, 10, 1000])):
        pos = rng.randrange(len(b) + 1)
        b[pos:pos] = b"\x00" * rng.choice([1, 1, 4, 100])
    return bytes(b)


def lying_charset(rng: random.Random, data: bytes) -> bytes:
    text = _decode(data)
    choice = rng.randrange(5)
    if choice == 0:  # says UTF-8, is GBK
        body = text.encode("gb18030", "replace")
        return b'<meta charset="utf-8">' + body
    if choice == 1:  # says GBK, is UTF-8
        return re.sub(rb"charset\s*=\s*[\"']?[\w-]+", b"charset=gbk", data, count=1) if b"charset" in data else b'<meta charset="gbk">' + data
    if choice == 2:  # a charset nobody knows, or a wide one on narrow bytes
        name = rng.choice([b"x-unknown-9", b"utf-16", b"utf-32", b"shift_jis", b"big5", b"iso-2022-jp", b"", b"utf-7"])
        return b'<meta http-equiv="Content-Type" content="text/html; charset=' + name + b'">' + data
    if choice == 3:  # a BOM that lies
        return rng.choice([b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"\xff\xfe\x00\x00"]) + data
    return text.encode(rng.choice(["utf-16-le", "utf-16-be", "utf-32", "big5"]), "replace")


_SPAN_VALUES = ["0", "-1", "-999999", "999999999", "2147483648", "1e9", "abc", "", "2.5", "  7 ", "200", "199",
                "100000000000000000000", "０３", "٣"]


def span_chaos(rng: random.Random, text: str) -> str:
    cells = [m.start() for m in re.finditer(r"<t[dh]\b", text, re.I)]
    if not cells:
        return text
    out = text
    for pos in sorted(rng.sample(cells, min(len(cells), rng.choice([1, 5, 50, 500]))), reverse=True):
        attr = rng.choice(["rowspan", "colspan"])
        val = rng.choice(_SPAN_VALUES)
        out = out[: pos + 3] + f' {attr}="{val}"' + out[pos + 3:]
    return out


def nested_tables(rng: random.Random, text: str) -> str:
    depth = rng.choice([10, 100, 300, 1000, 5000])
    pos = text.find("<td")
    if pos < 0:
        pos = len(text) // 2
    kind = rng.randrange(3)
    if kind == 0:
        inner = "<table><tr><td>" * depth + "本年新收政府信息公开申请数量 5" + "</td></tr></table>" * depth
    elif kind == 1:  # never closed
        inner = "<table><tr><td>1" * depth
    else:
        inner = "<div><span><p>" * depth + "收到和处理政府信息公开申请情况" + "</p></span></div>" * depth
    return text[:pos] + inner + text[pos:]


def break_tables(rng: random.Random, text: str) -> str:
    tags = [m for m in re.finditer(r"</?(tr|td|th|table|tbody)[^>]*>", text, re.I)]
    if not tags:
        return text
    out = text
    for m in sorted(rng.sample(tags, min(len(tags), rng.choice([1, 10, 100]))), key=lambda m: -m.start()):
        act = rng.randrange(3)
        if act == 0:
            out = out[: m.start()] + out[m.end():]  # drop the tag
        elif act == 1:
            out = out[: m.start()] + m.group(0) * rng.choice([2, 50]) + out[m.end():]
        else:
            out = out[: m.start()] + "<" + rng.choice(["tr", "td", "/tr", "table", "th colspan=3"]) + ">" + out[m.end():]
    return out


def many_rows(rng: random.Random, text: str) -> str:
    rows = list(re.finditer(r"<tr\b.*?</tr>", text, re.I | re.S))
    if rows:
        m = rng.choice(rows)
        return text[: m.end()] + m.group(0) * rng.choice([50, 500, 3000]) + text[m.end():]
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    return "\n".join(lines[: i + 1] + [lines[i]] * rng.choice([50, 500, 3000]) + lines[i + 1:])


def wide_rows(rng: random.Random, text: str) -> str:
    """Many extra cells (or tab-separated figures on a text line)."""
    n = rng.choice([30, 300, 3000])
    if "<td" in text:
        cells = list(re.finditer(r"<td\b[^>]*>.*?</td>", text, re.I | re.S))
        if cells:
            m = rng.choice(cells)
            return text[: m.end()] + "".join(f"<td>{rng.randrange(100)}</td>" for _ in range(n)) + text[m.end():]
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    lines.insert(i, "\t".join(str(rng.randrange(100)) for _ in range(n)))
    return "\n".join(lines)


def huge_numbers(rng: random.Random, text: str) -> str:
    nums = list(re.finditer(r"\d+", text))
    if not nums:
        return text
    out = text
    for m in sorted(rng.sample(nums, min(len(nums), rng.choice([1, 5, 50]))), key=lambda m: -m.start()):
        kind = rng.randrange(6)
        if kind == 0:
            rep = "9" * rng.choice([20, 400, 5000, 50000])
        elif kind == 1:
            rep = "-" + m.group(0)
        elif kind == 2:
            rep = "1" + "0" * 308 + ".5"
        elif kind == 3:
            rep = "一" * rng.choice([20, 500]) + "万亿"
        elif kind == 4:
            rep = ",".join(["999"] * rng.choice([10, 2000]))
        else:
            rep = "0." + "3" * rng.choice([20, 5000])
        out = out[: m.start()] + rep + out[m.end():]
    return out


def long_line(rng: random.Random, text: str) -> str:
    """One line of about a megabyte (a report copied with its newlines lost, or a runaway cell)."""
    sentences = [s for s in re.split(r"(?<=[。；])", re.sub(r"<[^>]+>", "", text)) if s.strip()] or ["本机关共收到申请5件。"]
    unit = "".join(rng.sample(sentences, min(len(sentences), 8))).replace("\n", "")
    # Mostly long but below spaCy's 10^6 limit; a tenth just over it (those run ~20 s of jieba alone).
    target = rng.choices([20_000, 200_000, 1_000_001], [6, 3, 1])[0]
    line = (unit * (target // max(1, len(unit)) + 1))[:target]
    pos = text.find("</p>") if "</p>" in text else len(text) // 2
    return text[:pos] + line + text[pos:]


def no_newlines(rng: random.Random, text: str) -> str:
    return text.replace("\n", rng.choice(["", " ", "\t"]))


def splice(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text * 2
    a, b = sorted(rng.sample(range(len(text)), 2))
    c = rng.randrange(len(text))
    return text[:c] + text[a:b] * rng.choice([1, 2, 20]) + text[c:]


def shuffle_separators(rng: random.Random, text: str) -> str:
    sep = rng.choice(["\t", "|", " ", "　", "\t\t", ""])
    return re.sub(r"[\t|]", lambda _m: sep if rng.random() < 0.7 else rng.choice(["\t", "|", "\n"]), text)


def confuse_format(rng: random.Random, data: bytes) -> bytes:
    return rng.choice([b"%PDF-1.7\n", b"PK\x03\x04", b"<html><body>", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]) + data


TEXT_MUTATIONS = [span_chaos, nested_tables, break_tables, many_rows, wide_rows, huge_numbers, long_line, no_newlines,
                  splice, shuffle_separators]
BYTE_MUTATIONS = [flip_bytes, truncate, nul_bytes, lying_charset, confuse_format]


# DOCX: the zip and its XML.

def _zip_members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i, z.read(i)) for i in z.infolist()]


def _zip(members: list[tuple[str, bytes]], compress=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as z:
        for name, body in members:
            z.writestr(name, body)
    return buf.getvalue()


def docx_mutation(rng: random.Random, data: bytes) -> bytes:
    members = [(i.filename, b) for i, b in _zip_members(data)]
    names = [n for n, _ in members]
    doc_xml = dict(members)["word/document.xml"]
    kind = rng.randrange(12)

    def with_doc(new: bytes) -> bytes:
        return _zip([(n, new if n == "word/document.xml" else b) for n, b in members])

    if kind == 0:  # no body
        return with_doc(re.sub(rb"<w:body>.*</w:body>", b"", doc_xml, flags=re.S))
    if kind == 1:  # malformed XML
        return with_doc(doc_xml[: rng.randrange(len(doc_xml))])
    if kind == 2:  # bytes flipped inside the XML
        return with_doc(flip_bytes(rng, doc_xml))
    if kind == 3:  # a member missing
        drop = rng.choice(names)
        return _zip([(n, b) for n, b in members if n != drop])
    if kind == 4:  # an encrypted member (the flag bit set in both headers)
        raw = bytearray(_zip(members, zipfile.ZIP_STORED))
        for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            for m in re.finditer(re.escape(sig), bytes(raw)):
                if rng.random() < 0.5 or b"document" in raw[m.start(): m.start() + 200]:
                    flags = struct.unpack_from("<H", raw, m.start() + off)[0]
                    struct.pack_into("<H", raw, m.start() + off, flags | 1)
        return bytes(raw)
    if kind == 5:  # bad CRC / flipped compressed bytes
        return flip_bytes(rng, data)
    if kind == 6:
        return truncate(rng, data)
    if kind == 7:  # a zip bomb: the body padded with megabytes of whitespace
        pad = b" " * rng.choice([10, 200]) * 1024 * 1024
        return with_doc(doc_xml.replace(b"<w:body>", b"<w:body>" + pad, 1))
    if kind == 8:  # huge or negative gridSpan, vMerge everywhere
        val = rng.choice([b"0", b"-5", b"100000", b"2147483648", b"x"])
        new = re.sub(rb"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="' + val + b'"/>', doc_xml, count=rng.choice([1, 50, 10000]))
        if rng.random() < 0.5:
            new = new.replace(b"<w:tcPr>", b'<w:tcPr><w:vMerge/>')
        return with_doc(new)
    if kind == 9:  # tables nested deep inside one cell
        depth = rng.choice([10, 100, 1000])
        tbl = b"<w:tbl><w:tr><w:tc>" * depth + b"<w:p><w:r><w:t>1</w:t></w:r></w:p>" + b"</w:tc></w:tr></w:tbl>" * depth
        return with_doc(doc_xml.replace(b"<w:body>", b"<w:body>" + tbl, 1))
    if kind == 10:  # text-level mutation of the XML's text runs
        text = doc_xml.decode("utf-8", "replace")
        text = rng.choice([huge_numbers, splice])(rng, text)
        return with_doc(text.encode("utf-8"))
    # many rows: one table row repeated
    rows = list(re.finditer(rb"<w:tr\b.*?</w:tr>", doc_xml, re.S))
    if not rows:
        return data
    m = rng.choice(rows)
    return with_doc(doc_xml[: m.end()] + m.group(0) * rng.choice([100, 3000]) + doc_xml[m.end():])


def pdf_mutation(rng: random.Random, data: bytes) -> bytes:
    kind = rng.randrange(7)
    if kind == 0:
        return flip_bytes(rng, data)
    if kind == 1:
        return truncate(rng, data)
    if kind == 2:  # the cross-reference table gone
        i = data.rfind(b"xref")
        return data[:i] + data[i + 4:] if i >= 0 else data
    if kind == 3:  # lying stream lengths
        return re.sub(rb"/Length \d+", lambda _m: b"/Length " + str(rng.choice([0, 1, 10**9])).encode(), data)
    if kind == 4:  # a page count that lies
        return re.sub(rb"/Count \d+", b"/Count " + str(rng.choice([0, 10**6, -1])).encode(), data)
    if kind == 5:  # only the header
        return data[:rng.choice([8, 100, 1024])]
    return b"%PDF-1.4\n" + os.urandom(rng.choice([100, 10000]))


# A 10^6-character line of Chinese is 3 MB of UTF-8; real reports are well under 1 MB.
MAX_CASE_BYTES = 3_500_000
BIG_BYTES = 1_000_000


def mutate(rng: random.Random, suffix: str, data: bytes) -> tuple[str, bytes, list[str]]:
    """One case: the seed with one to three mutations; returns (suffix, bytes, what was done)."""
    done = []
    if suffix == ".docx":
        if rng.random() < 0.15:
            data = rng.choice([flip_bytes, truncate])(rng, data)
            done.append("bytes")
        else:
            data = docx_mutation(rng, data)
            done.append("docx")
        return suffix, data, done
    if suffix == ".pdf":
        data = pdf_mutation(rng, data)
        return suffix, data, ["pdf"]
    for _ in range(rng.choice([1, 1, 2, 3])):
        if rng.random() < 0.6:
            fn = rng.choice(TEXT_MUTATIONS)
            new = fn(rng, _decode(data)).encode("utf-8")
        else:
            fn = rng.choice(BYTE_MUTATIONS)
            new = fn(rng, data)
        if len(new) > MAX_CASE_BYTES:
            continue  # keep cases near real sizes (issue 19 item 6 refuses far larger files)
        data = new
        done.append(fn.__name__)
    if rng.random() < 0.1:  # the extension lies too
        suffix = rng.choice([".html", ".txt", ".pdf", ".docx", ".doc", ""])
        done.append("suffix" + suffix)
    return suffix, data, done


# ---------------------------------------------------------------------------------------------
# The worker: one long-lived process under an address-space limit, restarted after a kill.


def _innermost_nianbao_frame(tb_frames) -> str:
    where = "?"
    for fs in tb_frames:
        if "/nianbao/" in fs.filename:
            where = f"{fs.filename.split('/nianbao/', 1)[1]}:{fs.lineno} {fs.name}"
    return where


def _explain_internal(path: Path) -> tuple[str, str]:
    """Run the stages of ``check`` again with nothing caught, to see where an ``internal`` came from."""
    from nianbao.model import Report
    from nianbao.pipeline import STAGES, run_stage
    from nianbao.settings import Settings

    settings = Settings()
    report = Report(source=str(path))
    try:
        for stage in STAGES:
            run_stage(stage, report, settings)
    except Exception as exc:  # noqa: BLE001 - this is the diagnosis
        from nianbao.errors import NianbaoError

        if not isinstance(exc, NianbaoError):
            frames = traceback.extract_tb(exc.__traceback__)
            return f"{type(exc).__name__} at {_innermost_nianbao_frame(frames)}", "".join(traceback.format_exception(exc))[-4000:]
    return "internal (not reproduced)", ""


def _peak_rss_reset() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _peak_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_main(conn, memory_mb: int, cpu_limit: float, dump_path: str) -> None:
    import warnings

    warnings.simplefilter("ignore")
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20, memory_mb * 2**20))
    from nianbao.pipeline import check

    check(ROOT / "corpus" / "samples" / "pingtan-2020-html" / "source.html")  # warm up: models, jieba
    conn.send(("ready", _peak_rss_mib()))
    dump = open(dump_path, "w")
    while True:
        msg = conn.recv()
        if msg is None:
            return
        path = Path(msg)
        _peak_rss_reset()
        dump.seek(0)
        dump.truncate()
        # A stack sample once the case has run cpu_limit seconds: where a slow case spends its time.
        faulthandler.dump_traceback_later(cpu_limit, exit=False, file=dump)
        t0, c0 = time.perf_counter(), time.process_time()
        escaped = None
        try:
            result = check(path)
        except BaseException as exc:  # noqa: BLE001 - an escape is exactly what is being looked for
            escaped = exc
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        faulthandler.cancel_dump_traceback_later()
        out = {"elapsed": elapsed, "cpu": cpu, "peak_rss_mib": _peak_rss_mib()}
        if escaped is not None:
            frames = traceback.extract_tb(escaped.__traceback__)
            out["class"] = f"escaped {type(escaped).__name__} at {_innermost_nianbao_frame(frames)}"
            out["detail"] = "".join(traceback.format_exception(escaped))[-4000:]
        else:
            # "rule-failed" is meant for a broken plug-in rule: from a built-in one it is a bug too.
            internal = [m for m in result.messages if m.code in ("internal", "rule-failed")]
            out["codes"] = sorted({m.code for m in result.messages if m.level == "error"})
            if internal:
                out["class"], out["detail"] = _explain_internal(path)
                if internal[0].code == "rule-failed":
                    out["class"] = "rule-failed " + re.sub(r"^rule (NB\d+).*?: (\w+):.*", r"\1 \2", internal[0].text)
                out["message"] = internal[0].text[:500]
            elif cpu > cpu_limit:
                dump.flush()
                out["class"] = f"over {cpu_limit:g} s CPU at {_hang_location(Path(dump_path).read_text(errors='replace'))}"
                out["detail"] = Path(dump_path).read_text(errors="replace")[-4000:]
        conn.send(("done", out))


def _hang_location(dump_text: str) -> str:
    """The innermost nianbao frame of the main thread in a faulthandler dump."""
    blocks = re.split(r"\n(?=(?:Current thread|Thread) 0x)", dump_text)
    main = next((b for b in blocks if b.startswith("Current thread")), dump_text)
    for line in main.splitlines():  # most recent call first
        m = re.search(r'File "[^"]*/nianbao/([^"]+)", line (\d+) in (\S+)', line)
        if m:
            return f"{m.group(1)}:{m.group(2)} {m.group(3)}"
    return "?"


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a live process, from /proc (for a worker about to be killed)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


class Worker:
    """One worker process: cases go in one at a time; a case past ``wall_limit`` is killed."""

    def __init__(self, memory_mb: int, cpu_limit: float, wall_limit: float, workdir: Path, name: str):
        self.memory_mb, self.cpu_limit, self.wall_limit = memory_mb, cpu_limit, wall_limit
        self.dump_path = str(workdir / f"faulthandler-{name}.txt")
        self.ctx = mp.get_context("spawn")
        self.proc = None
        self.restarts = 0
        self.start()

    def start(self) -> None:
        self.conn, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=worker_main, args=(child, self.memory_mb, self.cpu_limit, self.dump_path),
                                     daemon=True)
        self.proc.start()
        if not self.conn.poll(600):
            raise RuntimeError("the fuzz worker did not start within 600 s")
        _, self.baseline_rss = self.conn.recv()

    def run(self, path: Path) -> dict:
        t0 = time.perf_counter()
        cpu0 = _cpu_seconds(self.proc.pid)
        self.conn.send(str(path))
        if self.conn.poll(self.wall_limit):
            try:
                return self.conn.recv()[1]
            except EOFError:
                pass
        elapsed = time.perf_counter() - t0
        cpu = _cpu_seconds(self.proc.pid) - cpu0
        alive = self.proc.is_alive()
        if alive:
            self.proc.kill()
        self.proc.join()
        code = self.proc.exitcode
        dump = Path(self.dump_path).read_text(errors="replace") if Path(self.dump_path).exists() else ""
        self.restarts += 1
        self.start()
        if alive:
            return {"elapsed": elapsed, "cpu": cpu, "detail": dump[-4000:],
                    "class": f"killed after {self.wall_limit:g} s wall at {_hang_location(dump)}"}
        return {"elapsed": elapsed, "cpu": cpu, "detail": dump[-4000:],
                "class": f"worker died (exit {code}) at {_hang_location(dump)}"}

    def stop(self) -> None:
        try:
            self.conn.send(None)
            self.proc.join(10)
        except (BrokenPipeError, OSError):
            pass
        if self.proc.is_alive():
            self.proc.kill()


# ---------------------------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:90]


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt  # so that the workers are stopped and the summary written


def _case(args, seeds, weights, i: int) -> tuple[str, str, bytes, list[str]]:
    """Case ``i`` of the campaign: the same for a given --seed whatever the number of workers."""
    if i < len(seeds):  # the seeds themselves first: they must pass as they are
        name, suffix, data = seeds[i]
        return name, suffix, data, ["none"]
    rng = random.Random(args.seed * 1_000_003 + i)
    name, suffix, data = rng.choices(seeds, weights)[0]
    suffix, case, done = mutate(rng, suffix, data)
    return name, suffix, case, done


def campaign(args) -> int:
    import signal
    import threading

    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    out = Path(args.out)
    (out / "classes").mkdir(parents=True, exist_ok=True)
    seeds = text_seeds() + binary_seeds(out / "seeds", with_pdf=not args.no_pdf)
    weights = [3 if s[1] in {".html", ".txt"} else (2 if s[1] == ".docx" else 1) for s in seeds]
    tmp = Path(tempfile.mkdtemp(prefix="nianbao-fuzz-"))
    workers = [Worker(args.memory_mb, args.cpu_limit, args.wall_limit, tmp, f"w{k}") for k in range(args.workers)]
    print(f"{len(seeds)} seeds; {len(workers)} worker(s) ready, {workers[0].baseline_rss:.0f} MiB after warm-up; "
          f"limits per case: {args.cpu_limit:g} s CPU, {args.wall_limit:g} s wall (killed), "
          f"{args.memory_mb} MiB address space; load average {os.getloadavg()[0]:.1f}", flush=True)
    classes: dict[str, dict] = {}
    records: list[dict] = []
    lock = threading.Lock()
    next_case = iter(range(args.cases))
    log = open(out / "cases.jsonl", "w", encoding="utf-8")
    t_start = time.perf_counter()
    stop = threading.Event()

    def record(i, name, suffix, case, done, res) -> None:
        if (res.get("class") or "").startswith(("over", "killed")) and len(case) > BIG_BYTES:
            # Linear work on an oversized input: what issue 19 item 6's size guard is for.
            res["class"] = "on an input over 1 MB: " + res["class"]
        rec = {"i": i, "seed": name, "suffix": suffix, "mutations": done, "bytes": len(case),
               "elapsed": round(res["elapsed"], 3), "cpu": round(res.get("cpu", float("nan")), 3),
               "peak_rss_mib": round(res.get("peak_rss_mib", 0), 1), "class": res.get("class"), "codes": res.get("codes")}
        with lock:
            records.append(rec)
            log.write(json.dumps(rec, ensure_ascii=False) + "\n")
            if res.get("class"):
                cls = classes.setdefault(res["class"], {"count": 0, "smallest": None, "examples": []})
                cls["count"] += 1
                cls["examples"].append(i)
                if cls["smallest"] is None or len(case) < cls["smallest"]:
                    cls["smallest"] = len(case)
                    d = out / "classes" / _slug(res["class"])
                    d.mkdir(parents=True, exist_ok=True)
                    for old in d.glob("case*"):
                        old.unlink()
                    (d / f"case{suffix}").write_bytes(case)
                    (d / "info.json").write_text(json.dumps({**rec, "message": res.get("message"),
                                                             "detail": res.get("detail")}, ensure_ascii=False, indent=1))
                if cls["count"] == 1:
                    print(f"[{i}] new class: {res['class']}  ({name}, {'+'.join(done)})", flush=True)
            if len(records) % args.every == 0:
                log.flush()
                print(f"{len(records)} cases, {len(classes)} classes, {time.perf_counter() - t_start:.0f} s, "
                      f"load {os.getloadavg()[0]:.1f}", flush=True)

    def drive(worker: Worker, k: int) -> None:
        while not stop.is_set():
            with lock:
                i = next(next_case, None)
            if i is None:
                return
            name, suffix, case, done = _case(args, seeds, weights, i)
            path = tmp / f"w{k}" / f"case{suffix}"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(case)
            record(i, name, suffix, case, done, worker.run(path))

    threads = [threading.Thread(target=drive, args=(w, k), daemon=True) for k, w in enumerate(workers)]
    try:
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            for t in threads:
                t.join(1)
    except KeyboardInterrupt:
        stop.set()
        print(f"stopping after {len(records)} cases", flush=True)
        for t in threads:
            t.join(args.wall_limit + 60)
    finally:
        for w in workers:
            w.stop()
        log.close()
    wall = time.perf_counter() - t_start
    times = [r["elapsed"] for r in records]
    cpus = [r["cpu"] for r in records if r["cpu"] == r["cpu"]]
    sizes = [r["bytes"] for r in records]
    rss = [r["peak_rss_mib"] for r in records if r["peak_rss_mib"]]

    def q(xs, p):
        return round(sorted(xs)[int(p * (len(xs) - 1))], 3) if xs else None

    summary = {
        "cases": len(records), "wall_s": round(wall, 1), "seed": args.seed, "workers": args.workers,
        "limits": {"cpu_s": args.cpu_limit, "wall_s": args.wall_limit, "address_space_mib": args.memory_mb},
        "worker_baseline_rss_mib": round(workers[0].baseline_rss, 1),
        "worker_restarts": sum(w.restarts for w in workers),
        "case_wall_s": {"median": q(times, 0.5), "p99": q(times, 0.99), "max": q(times, 1.0)},
        "case_cpu_s": {"median": q(cpus, 0.5), "p99": q(cpus, 0.99), "max": q(cpus, 1.0)},
        "case_peak_rss_mib": {"median": q(rss, 0.5), "max": q(rss, 1.0)},
        "case_bytes": {"median": q(sizes, 0.5), "max": max(sizes) if sizes else None,
                       "over_1mb": sum(1 for n in sizes if n > BIG_BYTES)},
        "by_seed_format": dict(collections.Counter(Path(r["seed"]).parts[0] if r["seed"].startswith(("docx", "pdf")) else r["suffix"] or "none" for r in records)),
        "classes": {k: {"count": v["count"], "smallest_bytes": v["smallest"], "first": sorted(v["examples"])[:5]}
                    for k, v in sorted(classes.items(), key=lambda kv: -kv[1]["count"])},
    }
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1))
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 1 if classes else 0


def replay(path: Path) -> int:
    """One case in this process, with the traceback of anything that goes wrong."""
    from nianbao.pipeline import check

    t0 = time.perf_counter()
    result = check(path)
    print(f"{time.perf_counter() - t0:.2f} s, peak RSS {_peak_rss_mib():.0f} MiB")
    for m in result.messages:
        print(" ", m)
    if any(m.code == "internal" for m in result.messages):
        print(_explain_internal(path)[1])
        return 1
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=1_000, help="cases to run (the campaign of issue 19: 10000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cpu-limit", type=float, default=20.0, help="CPU seconds per case past which it counts as a hang")
    ap.add_argument("--wall-limit", type=float, default=90.0, help="wall seconds per case before the worker is killed")
    ap.add_argument("--workers", type=int, default=1, help="worker processes (the machine has 2 shared cores)")
    ap.add_argument("--memory-mb", type=int, default=2048, help="address-space limit of the worker process (MiB)")
    ap.add_argument("--out", default=str(ROOT / "out" / "fuzz"))
    ap.add_argument("--no-pdf", action="store_true", help="no PDF seeds (they need Chromium)")
    ap.add_argument("--every", type=int, default=500, help="print progress every N cases")
    ap.add_argument("--replay", type=Path, help="run one saved case and show its traceback")
    args = ap.parse_args()
    if args.replay:
        return replay(args.replay)
    return campaign(args)


if __name__ == "__main__":
    sys.exit(main())
