// The events table (from the loaded points, in the chosen order) and the claims table (the API's
// claims ledger, kept to the events the filters keep). Each row opens its event; rows are built
// with text nodes only.

import { apiPath, getJson } from "./api.js";
import { countText } from "./detail.js";
import { NO_DAY, dayToIso } from "./data.js";
import { clear, el, formatCount } from "./dom.js";

const PAGE_ROWS = 100;
// The claims table reads at most this many claims (pages of the API's maximum), enough for a
// news-coded store; imported datasets have no claims.
const MAX_CLAIMS = 20_000;
const CLAIMS_PAGE = 1000;

const name = (dict, code) => (code >= 0 ? dict[code] : "—");

// A filter change refills the rows already on the page, cell by cell, and changes only the text that
// differs: new rows for every change made the browser style, lay out and paint the whole table again
// (about 60 ms in all for 100 rows on this project's 2-core machine), most of it for cells that had not changed.
export class EventsTable {
  constructor(tbody, more, summary, points, onOpen) {
    this.tbody = tbody;
    this.more = more;
    this.summary = summary;
    this.points = points;
    this.onOpen = onOpen;
    this.limit = PAGE_ROWS;
    more.addEventListener("click", () => {
      this.limit += PAGE_ROWS;
      this.render(this.mask, this.count, this.sort, true);
    });
    tbody.addEventListener("click", (e) => {
      const tr = e.target.closest("tr");
      if (!tr || tr.parentNode !== tbody) return;
      const button = tr.querySelector("button");
      this.onOpen(tr.dataset.event, button);
      if (e.target !== button) button.focus({ preventScroll: true });
    });
  }

  render(mask, count, sort, keepLimit = false) {
    if (!keepLimit) this.limit = PAGE_ROWS;
    this.mask = mask;
    this.count = count;
    this.sort = sort;
    const order = this.points.order(sort);
    const rows = this.tbody.rows;
    let shown = 0;
    for (let k = 0; k < order.length && shown < this.limit; k++) {
      const i = order[k];
      if (!mask[i]) continue;
      this.fill(shown < rows.length ? rows[shown] : this.tbody.appendChild(newRow()), i);
      shown += 1;
    }
    while (rows.length > shown) rows[rows.length - 1].remove();
    this.summary.textContent = `Showing ${formatCount(shown)} of ${formatCount(count)} events`;
    this.more.hidden = shown >= count;
  }

  fill(tr, i) {
    const p = this.points;
    const flags = [p.contested[i] ? "contested" : "", p.crossBorder[i] ? "cross-border" : ""].filter(Boolean).join(", ");
    tr.dataset.event = p.idAt(i);
    const cells = tr.cells;
    const button = cells[0].firstChild;
    setText(button, p.day[i] === NO_DAY ? "undated" : dayToIso(p.day[i]));
    const label = `Open event ${p.label(i)}`;
    if (button.getAttribute("aria-label") !== label) button.setAttribute("aria-label", label);
    setText(cells[1], name(p.dict.type, p.type[i]));
    setText(cells[2], name(p.dict.actor, p.actor1[i]));
    setText(cells[3], name(p.dict.actor, p.actor2[i]));
    setText(cells[4], name(p.dict.country, p.country[i]));
    setText(cells[5], p.best[i] < 0 ? "—" : String(p.best[i]));
    setText(cells[6], name(p.dict.source, p.source[i]));
    setText(cells[7], flags);
  }
}

function newRow() {
  return el("tr", {}, el("td", {}, el("button", { type: "button", class: "row-open" })),
    el("td"), el("td"), el("td"), el("td"), el("td", { class: "num" }), el("td"), el("td"));
}

// Text is set only when it differs: setting the same text still makes the browser lay the cell out again.
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

export class ClaimsTable {
  constructor(tbody, summary, download, points, onOpen) {
    this.tbody = tbody;
    this.summary = summary;
    this.download = download;
    this.points = points;
    this.onOpen = onOpen;
    this.claims = null;
    this.loading = null;
    this.truncated = false;
    download.addEventListener("click", () => this.exportCsv());
  }

  async load() {
    if (!this.loading) this.loading = this.fetchAll();
    return this.loading;
  }

  async fetchAll() {
    const items = [];
    let cursor = null;
    do {
      const params = new URLSearchParams({ limit: String(CLAIMS_PAGE) });
      if (cursor) params.set("cursor", cursor);
      const page = await getJson(apiPath("claims", params));
      items.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor && items.length < MAX_CLAIMS);
    this.truncated = Boolean(cursor);
    this.claims = items;
  }

  async render(mask) {
    this.mask = mask;
    if (!this.claims) {
      this.summary.textContent = "Loading claims…";
      try {
        await this.load();
      } catch (error) {
        this.summary.textContent = `Claims could not be loaded: ${error.message}`;
        return;
      }
      if (this.mask !== mask) return;
    }
    this.kept = this.claims.filter((c) => {
      const i = this.points.indexOf.get(c.event_id);
      return i === undefined ? !c.event_id : mask[i] === 1;
    });
    const shown = this.kept.slice(0, PAGE_ROWS * 5);
    clear(this.tbody).append(...shown.map((c) => this.row(c)));
    const more = this.truncated ? ` (the first ${formatCount(MAX_CLAIMS)} claims of the store were read)` : "";
    this.summary.textContent = `Showing ${formatCount(shown.length)} of ${formatCount(this.kept.length)} claims for the filtered events${more}`;
  }

  row(c) {
    const i = this.points.indexOf.get(c.event_id);
    const opener = c.event_id
      ? el("button", { type: "button", class: "row-open" }, i === undefined ? c.event_id : this.points.label(i))
      : el("span", { class: "muted" }, "—");
    if (c.event_id) opener.addEventListener("click", () => this.onOpen(c.event_id, opener));
    return el("tr", {},
      el("td", {}, opener), el("td", {}, c.kind), el("td", { class: "num" }, countText(c)),
      el("td", {}, c.claimant || "unattributed"), el("td", {}, c.victim_group || "—"), el("td", {}, c.outlet || "—"));
  }

  exportCsv() {
    const columns = ["event_id", "kind", "count", "min", "max", "claimant", "victim_group", "outlet", "doc_id", "mention_id"];
    const cell = (v) => {
      const s = v === null || v === undefined ? "" : String(v);
      // A leading =, +, - or @ would run as a formula in a spreadsheet: quote it as text.
      const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
      return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
    };
    const lines = [columns.join(","), ...(this.kept || []).map((c) => columns.map((k) => cell(c[k])).join(","))];
    const url = URL.createObjectURL(new Blob([`${lines.join("\r\n")}\r\n`], { type: "text/csv" }));
    const a = el("a", { download: "claims.csv" });
    a.href = url;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
}
