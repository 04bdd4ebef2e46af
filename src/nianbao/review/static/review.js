// Keyboard shortcuts for the review app (no inline script: the CSP forbids it).
// Queue: j/k move the selection, o/Enter open it.  Finding: j/k next/previous,
// c/f/d decide, u undo the last decision.  "/" focuses the search, "?" the help.
(function () {
  "use strict";
  const body = document.body;

  function typing(target) {
    return target && target.closest && target.closest("input, textarea, select, [contenteditable]");
  }

  function go(url) { if (url) { window.location.assign(url); } }

  function click(id) {
    const el = document.getElementById(id);
    if (el) { el.click(); }
  }

  // ---- queue selection ----
  const rows = Array.from(document.querySelectorAll("tr.finding-row"));
  let selected = -1;
  function select(i) {
    if (!rows.length) { return; }
    selected = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach((r, k) => r.classList.toggle("selected", k === selected));
    rows[selected].scrollIntoView({ block: "nearest" });
  }
  rows.forEach((row, i) => {
    row.addEventListener("click", (e) => {
      if (e.target.closest("a")) { return; }
      select(i);
      go(row.dataset.href);
    });
  });

  // ---- finding: bring the finding's cell into view inside its table's pane ----
  // (the page itself stays put, so the message and the figures stay on screen too)
  document.querySelectorAll(".grid-wrap").forEach((wrap) => {
    const head = wrap.querySelector("thead");  // sticky: it covers the top of the pane
    const headHeight = head ? head.getBoundingClientRect().height : 0;
    const hit = wrap.querySelector("td.hit");
    if (!hit) { return; }
    const w = wrap.getBoundingClientRect();
    const h = hit.getBoundingClientRect();
    wrap.scrollTop += (h.top - w.top) - headHeight - (wrap.clientHeight - headHeight - h.height) / 2;
    wrap.scrollLeft += (h.left - w.left) - (wrap.clientWidth - h.width) / 2;
  });

  // ---- filters submit on change ----
  document.querySelectorAll("#filter-form select").forEach((s) => {
    s.addEventListener("change", () => s.form.submit());
  });

  const help = document.getElementById("shortcuts");
  const helpToggle = document.getElementById("help-toggle");
  if (helpToggle && help) { helpToggle.addEventListener("click", () => { help.hidden = !help.hidden; }); }

  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    if (typing(e.target)) {
      if (e.key === "Escape") { e.target.blur(); }
      return;
    }
    const onFinding = body.classList.contains("finding-page");
    let handled = true;
    switch (e.key) {
      case "j":
        if (onFinding) { go(body.dataset.next); } else { select(selected + 1); }
        break;
      case "k":
        if (onFinding) { go(body.dataset.prev); } else { select(selected - 1); }
        break;
      case "o":
      case "Enter":
        if (!onFinding && selected >= 0) { go(rows[selected].dataset.href); } else { handled = false; }
        break;
      case "c": click("decide-confirmed"); break;
      case "f": click("decide-false_alarm"); break;
      case "d": click("decide-needs_discussion"); break;
      case "u": {
        const form = document.getElementById("undo-form");
        if (form) { form.submit(); }
        break;
      }
      case "/": {
        const search = document.getElementById("search");
        if (search) { search.focus(); } else { go(body.dataset.queue); }
        break;
      }
      case "?":
        if (help) { help.hidden = !help.hidden; }
        break;
      case "Escape":
        if (onFinding) { go(body.dataset.queue); }
        break;
      default:
        handled = false;
    }
    if (handled) { e.preventDefault(); }
  });
})();
