"""The review app over HTTP (no browser): queue, finding page, decisions, exports, security.

The store holds real sample reports checked by the pipeline (gold reading as
fallback), a PDF rendering of the 2020 report's T3, and a hostile report.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from PIL import Image
from typer.testing import CliRunner

from nianbao.review import create_app
from nianbao.review import decisions as dec
from nianbao.review.app import BadInput, parse_corrected_value
from nianbao.review.queries import QueueFilter, ReviewStore, region_of
from nianbao.review.security import CONTENT_SECURITY_POLICY, TOKEN_COOKIE, Guard

BASE = "http://127.0.0.1:8765"


@pytest.fixture()
def store(store_path: Path):
    rs = ReviewStore.open(store_path)
    yield rs
    rs.close()


@pytest.fixture()
def client(store: ReviewStore):
    with TestClient(create_app(store, reviewer="张审核"), base_url=BASE) as c:
        yield c


def finding_id(store: ReviewStore, where: str) -> str:
    row = store.con.execute(
        f"SELECT f.finding_id FROM findings f JOIN reports r USING (report_id) WHERE {where} ORDER BY f.finding_id LIMIT 1"
    ).fetchone()
    assert row is not None, f"demo store has no finding where {where}"
    return row[0]


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def decide(client: TestClient, fid: str, status: str, **fields: str):
    page = client.get(f"/findings/{fid}")
    data = {"csrf_token": csrf(page.text), "status": status, **fields}
    return client.post(f"/findings/{fid}/decide", data=data, headers={"Origin": BASE}, follow_redirects=False)


# ---- decisions in the store ------------------------------------------------
def test_decisions_record_supersede_and_undo(store: ReviewStore) -> None:
    fid = finding_id(store, "f.family = 't3_result_total'")
    first = store.decide(fid, "needs_discussion", reviewer="a", comment="看一下", corrected_value=None)
    second = store.decide(fid, "confirmed", reviewer="b", comment=None, corrected_value=27)
    assert dec.current(store.con, fid).decision_id == second.decision_id
    assert [d.superseded for d in dec.history(store.con, fid)] == [False, True]
    undone = store.undo(reviewer="b")
    assert undone.decision_id == second.decision_id
    assert dec.current(store.con, fid).decision_id == first.decision_id  # the earlier decision is back
    assert store.undo(finding_id=fid).decision_id == first.decision_id
    assert dec.current(store.con, fid) is None
    assert len(dec.history(store.con, fid)) == 2  # nothing deleted: the history shows what was undone
    assert store.undo(reviewer="b") is None


def test_decisions_table_created_when_store_lacks_it(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute("CREATE TABLE findings (finding_id VARCHAR, report_id VARCHAR)")
    dec.ensure_table(con)
    d = dec.record(con, "f1", "false_alarm", reviewer="r", comment="  ", corrected_value=None)
    assert d.comment is None and dec.current(con, "f1").status == "false_alarm"
    with pytest.raises(ValueError, match="unknown decision"):
        dec.record(con, "f1", "maybe", reviewer="r")


# ---- queue -------------------------------------------------------------------
def test_queue_sorted_by_severity_with_filters_and_counts(client: TestClient, store: ReviewStore) -> None:
    html = client.get("/").text
    severities = re.findall(r'<tr class="finding-row sev-(\w+)"', html)
    assert severities and severities == sorted(severities, key=["error", "warning", "info"].index)
    total = store.con.execute("SELECT count(*) FROM findings").fetchone()[0]
    assert len(severities) == total

    only = client.get("/", params={"family": "t3_result_total"}).text
    rows = re.findall(r'<tr class="finding-row', only)
    n = store.con.execute("SELECT count(*) FROM findings WHERE family = 't3_result_total'").fetchone()[0]
    assert len(rows) == n > 0 and "breakdown_sum" not in only.split("<tbody>")[1]

    fid = finding_id(store, "f.family = 't3_result_total'")
    assert decide(client, fid, "confirmed").status_code == 303
    counts = client.get("/", params={"family": "t3_result_total"}).text
    assert re.search(r'data-status="confirmed"[^>]*>confirmed <span class="count">1</span>', counts)
    assert re.search(rf'data-status="open"[^>]*>open <span class="count">{n - 1}</span>', counts)
    open_only = client.get("/", params={"family": "t3_result_total", "status": "open"}).text
    assert fid not in open_only and len(re.findall(r'<tr class="finding-row', open_only)) == n - 1

    by_agency = client.get("/", params={"q": "金水"}).text
    assert "金水区司法局" in by_agency and "平潭综合实验区" not in by_agency.split("<tbody>")[1]
    assert "金水区" in client.get("/").text  # region column from the agency name
    # One finding is decided now: "all" lists it, the default ("open") does not.
    assert client.get("/", params={"year": "2020", "status": "all"}).text.count('class="finding-row') == store.con.execute(
        "SELECT count(*) FROM findings JOIN reports USING (report_id) WHERE year = 2020"
    ).fetchone()[0]


def test_region_of_agency_names() -> None:
    assert region_of("郑州市金水区司法局") == "郑州市金水区"
    assert region_of("平潭综合实验区管理委员会") == "平潭综合实验区"
    assert region_of("国家税务总局") is None
    assert QueueFilter.from_params({"status": "bogus", "year": "20x"}).items() == {}


# ---- finding page ---------------------------------------------------------------
def test_finding_page_shows_grid_with_hit_cell_expected_found_and_rule(client: TestClient, store: ReviewStore) -> None:
    fid = finding_id(store, "f.family = 't3_result_total' AND r.format = 'html'")
    cell = json.loads(store.con.execute("SELECT cells FROM findings WHERE finding_id = ?", [fid]).fetchone()[0])[0]
    expected, found = store.con.execute("SELECT expected, found FROM findings WHERE finding_id = ?", [fid]).fetchone()
    html = client.get(f"/findings/{fid}").text
    hit = re.findall(r'<td class="figure hit[^"]*" data-ref="([^"]+)"', html)
    assert hit == [cell]
    assert len(re.findall(r'<td class="figure related', html)) >= 5  # the other rows of the same column
    assert f'<b id="expected">{int(expected)}</b>' in html and f'<b id="found">{int(found)}</b>' in html
    assert "（七）总计" in html and "申请人情况" in html and "法人或其他组织" in html
    assert "表三每一列" in html or "each column" in html  # explanation from the rule catalog


def test_finding_page_marks_the_claim_in_its_paragraph(client: TestClient, store: ReviewStore) -> None:
    fid = finding_id(store, "f.family = 'narrative_vs_table' AND r.format = 'html'")
    html = client.get(f"/findings/{fid}").text
    marked = re.findall(r'<mark class="claim">([^<]+)</mark>', html)
    assert marked and "2602" in marked[0]
    assert "全年我区政府信息公开单位共" in html  # the paragraph around it


# ---- deciding over HTTP -----------------------------------------------------------
def test_decide_moves_on_and_records_reviewer_comment_value(client: TestClient, store: ReviewStore) -> None:
    fid = finding_id(store, "f.family = 't3_result_total'")
    r = decide(client, fid, "false_alarm", comment="表格读错", corrected_value="二十八")
    assert r.status_code == 303 and f"saved={fid}" in r.headers["location"]
    d = dec.current(store.con, fid)
    assert (d.status, d.reviewer, d.comment, d.corrected_value) == ("false_alarm", "张审核", "表格读错", 28.0)
    assert "false alarm" in client.get(f"/findings/{fid}").text

    undo_page = client.get("/")
    r = client.post("/undo", data={"csrf_token": csrf(undo_page.text)}, headers={"Origin": BASE}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith(f"/findings/{fid}")
    assert dec.current(store.con, fid) is None


def test_corrected_value_parsing() -> None:
    assert parse_corrected_value("1,234") == 1234.0
    assert parse_corrected_value(" 二十八 ") == 28.0
    assert parse_corrected_value("") is None
    with pytest.raises(BadInput, match="not a number"):
        parse_corrected_value("twenty")


def test_bad_decisions_are_refused(client: TestClient, store: ReviewStore) -> None:
    fid = finding_id(store, "1 = 1")
    assert decide(client, fid, "maybe").status_code == 400
    assert decide(client, fid, "confirmed", corrected_value="abc").status_code == 400
    assert decide(client, "0000000000000000", "confirmed").status_code in (404,)
    assert dec.current(store.con, fid) is None


# ---- security ------------------------------------------------------------------------
def test_hostile_text_is_escaped_and_csp_set(client: TestClient, store: ReviewStore) -> None:
    fid = finding_id(store, "r.agency LIKE '%<script>%'")
    for url in ("/", f"/findings/{fid}"):
        r = client.get(url)
        assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "<script>window.__xss" not in r.text
        assert "<img src=x" not in r.text and "<svg onload" not in r.text
        assert 'onerror="window' not in r.text
        assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in r.text
    assert "&#34;onerror=alert(1)" in client.get(f"/findings/{fid}").text  # the paragraph's quote stays text


def test_post_without_csrf_token_or_from_another_site_is_refused(client: TestClient, store: ReviewStore) -> None:
    fid = finding_id(store, "1 = 1")
    token = csrf(client.get(f"/findings/{fid}").text)
    url = f"/findings/{fid}/decide"
    assert client.post(url, data={"status": "confirmed"}, headers={"Origin": BASE}).status_code == 403
    assert client.post(url, data={"status": "confirmed", "csrf_token": "x" * 43}, headers={"Origin": BASE}).status_code == 403
    evil = {"status": "confirmed", "csrf_token": token}
    assert client.post(url, data=evil, headers={"Origin": "http://evil.example"}).status_code == 403
    assert client.post(url, data=evil, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert dec.current(store.con, fid) is None
    assert client.post(url, data=evil, headers={"Origin": BASE, "Sec-Fetch-Site": "same-origin"}, follow_redirects=False).status_code == 303


def test_loopback_mode_refuses_other_host_names(client: TestClient) -> None:
    # A DNS-rebinding page reaches 127.0.0.1 under its own host name.
    assert client.get("/", headers={"Host": "evil.example:8765"}).status_code == 421
    assert client.get("/", headers={"Host": "localhost:8765"}).status_code == 200


def test_token_mode(store: ReviewStore) -> None:
    guard = Guard.for_host("0.0.0.0")
    assert guard.token and Guard.for_host("127.0.0.1").token is None
    with TestClient(create_app(store, reviewer="r", guard=guard), base_url="http://192.0.2.7:8765") as c:
        assert c.get("/").status_code == 401
        assert c.get("/", params={"token": "wrong"}).status_code == 401
        r = c.get("/", params={"token": guard.token, "family": "t3_result_total"}, follow_redirects=False)
        assert r.status_code == 303 and "token" not in r.headers["location"] and "family=t3_result_total" in r.headers["location"]
        assert TOKEN_COOKIE in r.headers["set-cookie"] and "httponly" in r.headers["set-cookie"].lower()
        assert c.get("/").status_code == 200  # the cookie now carries it
        assert c.get("/static/review.js").status_code == 200


def test_no_path_from_the_url_reaches_the_file_system(client: TestClient, store: ReviewStore) -> None:
    txt_report = store.con.execute("SELECT report_id FROM reports WHERE format = 'txt' LIMIT 1").fetchone()[0]
    assert client.get(f"/reports/{txt_report}/pages/1.png").status_code == 404  # not a PDF
    for probe in ("..%2F..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "..", "C:%5Cwindows"):
        r = client.get(f"/reports/{probe}/pages/1.png")
        assert r.status_code == 404 and b"root:" not in r.content
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/static/%2e%2e/app.py").status_code == 404


# ---- PDF page image -------------------------------------------------------------------
def test_pdf_page_image_has_the_cell_boxed(client: TestClient, store: ReviewStore) -> None:
    fid = finding_id(store, "r.format = 'pdf' AND f.family = 't3_result_total'")
    rid, cell = store.con.execute("SELECT report_id, cells->>'$[0]' FROM findings WHERE finding_id = ?", [fid]).fetchone()
    html = client.get(f"/findings/{fid}").text
    assert f'src="/reports/{rid}/pages/1.png?finding={fid}"' in html
    table, key = cell.split(".", 1)
    bbox = store.con.execute(
        "SELECT bbox FROM cells WHERE report_id = ? AND table_name = ? AND key = ?", [rid, table, key]
    ).fetchone()[0]
    r = client.get(f"/reports/{rid}/pages/1.png", params={"finding": fid})
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(r.content)).convert("RGB")
    x0, top, x1, bottom = (v * 2 for v in bbox)  # rendered at scale 2
    edge = [image.getpixel((int(x), int(top) - 1)) for x in range(int(x0) + 4, int(x1) - 4, 3)]
    assert all(p[0] > 180 and p[1] < 80 and p[2] < 80 for p in edge)  # red box along the cell's top
    assert client.get(f"/reports/{rid}/pages/9.png").status_code == 404


# ---- exports --------------------------------------------------------------------------
def test_exports_csv_xlsx_and_formula_injection(client: TestClient, store: ReviewStore) -> None:
    hostile = finding_id(store, "r.agency LIKE '%<script>%'")
    normal = finding_id(store, "f.family = 't3_result_total'")
    decide(client, hostile, "confirmed", comment="=HYPERLINK(\"http://evil.example\")")
    decide(client, normal, "false_alarm", corrected_value="21")

    rows = list(csv.DictReader(io.StringIO(client.get("/export/decisions.csv").content.decode("utf-8-sig"))))
    assert {r["finding_id"]: r["status"] for r in rows} == {hostile: "confirmed", normal: "false_alarm"}
    assert next(r for r in rows if r["finding_id"] == hostile)["comment"].startswith("'=")
    assert next(r for r in rows if r["finding_id"] == normal)["reviewer"] == "张审核"

    confirmed = load_workbook(io.BytesIO(client.get("/export/confirmed.xlsx").content)).active
    values = list(confirmed.iter_rows(values_only=True))
    assert values[0][0] == "finding_id" and [v[0] for v in values[1:]] == [hostile]
    comment = values[1][values[0].index("comment")]
    assert comment.startswith("'=")  # stored as text, not as a formula
    assert client.get("/export/nothing.csv").status_code == 404


def test_decisions_export_with_history_keeps_superseded_and_undone_rows(client: TestClient, store: ReviewStore) -> None:
    fid = finding_id(store, "f.family = 't3_result_total'")
    decide(client, fid, "needs_discussion")
    decide(client, fid, "confirmed")
    store.undo(finding_id=fid)  # the confirmation is undone: needs_discussion is current again

    def exported(query: str) -> list[tuple[str, str]]:
        text = client.get(f"/export/decisions.csv{query}").content.decode("utf-8-sig")
        return [(r["status"], r["superseded"]) for r in csv.DictReader(io.StringIO(text))]

    assert exported("") == [("needs_discussion", "False")]
    assert exported("?history=1") == [("needs_discussion", "False"), ("confirmed", "True")]


def test_decisions_export_refuses_a_store_nothing_was_reviewed_in(tmp_path: Path) -> None:
    from nianbao.cli import app as cli

    old = tmp_path / "old.duckdb"  # written before the review app existed: no decisions table
    with duckdb.connect(str(old)) as con:
        con.execute("CREATE TABLE findings (finding_id VARCHAR, report_id VARCHAR)")
    result = CliRunner().invoke(cli, ["decisions", "export", "--store", str(old), "--out", str(tmp_path / "d.csv")])
    assert result.exit_code == 2 and "holds no decisions table" in result.output
    assert not (tmp_path / "d.csv").exists()


def test_gold_export_feeds_nianbao_evaluate(client: TestClient, store_path: Path, store: ReviewStore, tmp_path: Path) -> None:
    from nianbao.cli import app as cli

    t3 = finding_id(store, "f.family = 't3_result_total' AND r.format = 'html'")
    narrative = finding_id(store, "f.family = 'narrative_vs_table' AND r.format = 'html'")
    rid = store.con.execute("SELECT report_id FROM findings WHERE finding_id = ?", [t3]).fetchone()[0]
    misread = finding_id(store, f"f.family = 't3_result_total' AND f.report_id = '{rid}' AND f.finding_id <> '{t3}'")
    misread_cell = json.loads(store.con.execute("SELECT cells FROM findings WHERE finding_id = ?", [misread]).fetchone()[0])[0]
    decide(client, t3, "confirmed", comment="办理结果多计6件")
    decide(client, narrative, "false_alarm")
    decide(client, misread, "false_alarm", corrected_value="99")  # "the cell was misread: it prints 99"
    store.close()  # the CLI opens the store itself (DuckDB: one writer)

    out = tmp_path / "gold"
    result = CliRunner().invoke(cli, ["decisions", "export", "--store", str(store_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    (folder,) = out.iterdir()
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    assert [f["rule"] for f in gold["findings"]] == ["t3_result_total"]
    assert gold["findings"][0]["note"] == "办理结果多计6件"
    table, key = misread_cell.split(".", 1)
    assert gold["tables"][table][key] == 99
    assert gold["review"]["corrections"] == [{"cell": misread_cell, "value": 99, "finding_id": misread}]
    assert gold["review"]["complete"] is True  # all three findings of the report decided
    assert (folder / "source.html").is_file() and json.loads((folder / "meta.json").read_text())["year"] == 2020

    csv_out = tmp_path / "d.csv"
    assert CliRunner().invoke(cli, ["decisions", "export", "--store", str(store_path), "--out", str(csv_out)]).exit_code == 0
    assert len(csv_out.read_text(encoding="utf-8-sig").splitlines()) == 4

    scored = CliRunner().invoke(cli, ["evaluate", "--json", str(out)])
    assert scored.exit_code == 0, scored.output
    findings = json.loads(scored.output[scored.output.index("{") :])["reports"]["findings"]
    assert findings["narrative_vs_table"]["fp"] == 1  # the false alarms now count against the tool
    assert (findings["t3_result_total"]["tp"], findings["t3_result_total"]["fp"]) == (1, 1)


# ---- command line ------------------------------------------------------------------------
def test_review_command_explains_a_missing_or_busy_store(store_path: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    from nianbao.cli import app as cli

    missing = CliRunner().invoke(cli, ["review", "--store", str(tmp_path / "nope.duckdb")])
    assert missing.exit_code == 2 and "no store at" in missing.output

    # Another process holding the store (a running review or run) is named, not a traceback.
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(30)", str(store_path)],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout.readline().strip() == b"ready"
        with pytest.raises(RuntimeError, match="Another process"):
            ReviewStore.open(store_path)
        busy = CliRunner().invoke(cli, ["decisions", "export", "--store", str(store_path), "--out", str(tmp_path / "x.csv")])
        assert busy.exit_code == 2 and "running `nianbao review` holds it" in busy.output
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()


def test_rule_help_reads_the_rule_catalog_and_falls_back_to_the_family() -> None:
    from nianbao.reconcile import find_rule
    from nianbao.review.rulehelp import rule_help

    nb103 = rule_help("NB103", "t3_result_total", "t3_result_total")
    rule = find_rule("NB103")
    assert nb103.from_catalog and rule.explain_zh in nb103.explanation and rule.explain_en in nb103.explanation
    assert nb103.failing.startswith(rule.failing.zh)
    gone = rule_help("X999", "a_removed_plugin_rule", "t4_group_total")
    assert not gone.from_catalog and "结果维持" not in gone.explanation and "维持" in gone.explanation
