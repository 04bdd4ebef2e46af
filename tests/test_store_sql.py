"""Every SQL statement against the corpus store lives in one module (issue 16).

``nianbao.corpus.store`` holds the schema and every statement that reads or writes the
store, as named functions and Store methods; the review app, the exports, the command
line, scripts and benchmarks call those.  This test reads the source of every other
module (the package, benchmarks/, scripts/) and fails on what would be a statement of
its own: a call that runs SQL (``.execute(``, ``.executemany(``, ``.sql(``), a string
that reads as SQL (a statement keyword, a clause on one of the store's tables, a
``column = ?`` condition), or a DuckDB connection opened outside the store.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORE = ROOT / "src" / "nianbao" / "corpus" / "store.py"
SCANNED = [ROOT / "src" / "nianbao", ROOT / "benchmarks", ROOT / "scripts"]

RUNS_SQL = {"execute", "executemany", "sql"}
TABLES = "findings|reports|cells|claims|paragraphs|decisions|runs|meta|review_region"
# Upper-case keywords, as every statement in the project is written; prose does not shout.
SQL_TEXT = re.compile(
    r"\bSELECT\b|\bINSERT\s+(OR\s+REPLACE\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b"
    r"|\b(CREATE|ALTER|DROP)\s+(OR\s+REPLACE\s+)?(TEMP\s+)?TABLE\b"
    rf"|\b(FROM|JOIN)\s+({TABLES})\b|\bWHERE\s+[\w.]+\s|\bORDER\s+BY\b|\bGROUP\s+BY\b"
    r"|[\w.]+\s*(=|<>|<|>|ILIKE|IN)\s*\?|\bIS\s+(NOT\s+)?NULL\b"
)


def sql_in(source: str) -> list[tuple[int, str]]:
    """(line, what) for each piece of SQL in a module's source."""
    hits = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in RUNS_SQL:
                hits.append((node.lineno, f".{node.func.attr}(…)"))
            elif node.func.attr == "connect" and isinstance(node.func.value, ast.Name) and node.func.value.id == "duckdb":
                hits.append((node.lineno, "duckdb.connect(…)"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_TEXT.search(node.value):
            hits.append((node.lineno, node.value.strip()[:80]))
    return hits


def test_no_sql_outside_the_store_module():
    found = []
    for root in SCANNED:
        for path in sorted(root.rglob("*.py")):
            if path != STORE:
                found += [f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in sql_in(path.read_text(encoding="utf-8"))]
    assert not found, "SQL outside nianbao/corpus/store.py (add a named function there):\n" + "\n".join(found)


def test_the_scan_sees_the_statements_it_looks_for():
    # The store module itself is full of them: a scan that finds none there is broken.
    assert len(sql_in(STORE.read_text(encoding="utf-8"))) > 50
    # Shapes the review modules used before their statements moved to the store.
    before = '''
def decide(con, fid):
    if con.execute("SELECT 1 FROM findings WHERE finding_id = ?", [fid]).fetchone() is None:
        raise KeyError(fid)
def sql(self):
    where.append("f.rule = ?")
    where.append("d.status IS NULL")
_QUEUE_FROM = """
FROM findings f
LEFT JOIN reports r USING (report_id)
"""
con = duckdb.connect(str(path), read_only=True)
rows = con.sql("select * from cells")
'''
    assert sorted(line for line, _ in sql_in(before)) == [3, 3, 6, 7, 8, 12, 13]
    # Prose and code that are not SQL.
    assert sql_in('"""Select the findings from the reports, ordered by severity."""\nflt.query(status="open")\n') == []
