// The event detail panel: coded fields, the claims ledger, the responds-to chain and links, the
// evidence sentences highlighted in their articles, and the sources.
//
// Article text, titles, outlets and URLs are untrusted: text goes in as text nodes, highlights are
// <mark> elements built around slices of that text, and only http(s) URLs become links.

import { documentPath, eventPath, getJson } from "./api.js";
import { clear, el, externalLink } from "./dom.js";

const EVIDENCE_KINDS = new Set(["sentence", "evidence"]);

export class DetailPanel {
  constructor(panel, body, closeButton, points, { onOpen, onClose }) {
    this.panel = panel;
    this.body = body;
    this.points = points;
    this.onOpen = onOpen;
    this.onClose = onClose;
    this.opener = null;
    this.current = null;
    this.token = 0;
    this.documents = new Map(); // doc id -> promise of the document, reused across events
    closeButton.addEventListener("click", () => this.close());
    panel.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        this.close();
      }
    });
  }

  get isOpen() {
    return !this.panel.hidden;
  }

  async open(id, opener = document.activeElement) {
    const token = ++this.token;
    if (!this.isOpen) this.opener = opener;
    this.current = id;
    this.panel.hidden = false;
    this.panel.setAttribute("aria-busy", "true");
    clear(this.body).append(el("p", { class: "muted" }, "Loading event…"));
    this.onOpen(id);
    try {
      const event = await getJson(eventPath(id));
      if (token !== this.token) return;
      this.render(event);
      this.panel.setAttribute("aria-busy", "false");
      this.body.querySelector("h2").focus();
      await this.renderEvidence(event, token);
    } catch (error) {
      if (token !== this.token) return;
      const what = error.status === 404 ? `No event with id ${id} in this store.` : `Could not load event ${id}: ${error.message}`;
      clear(this.body).append(el("h2", { tabindex: "-1", id: "detail-title" }, "Event not found"), el("p", { class: "error" }, what));
      this.panel.setAttribute("aria-busy", "false");
      this.body.querySelector("h2").focus();
    }
  }

  close() {
    if (!this.isOpen) return;
    this.token++;
    this.panel.hidden = true;
    this.current = null;
    this.onClose();
    const opener = this.opener;
    this.opener = null;
    if (opener && opener.isConnected && typeof opener.focus === "function") opener.focus();
  }

  render(event) {
    clear(this.body).append(
      el("h2", { tabindex: "-1", id: "detail-title" }, `${event.event_type || "Event"} · ${dateText(event)}`),
      el("p", { class: "muted event-id" }, `Event ${event.id}`),
      section("Coded fields", fieldList(event)),
      section("Claims ledger", claimsLedger(event.claims || [])),
      section("Responds to / answered by", this.chain(event)),
      section("Links", this.linkList(event.links || [])),
      section("Sources", sourceList(event.sources || [])),
      el("section", { class: "evidence", "aria-labelledby": "evidence-title" },
        el("h3", { id: "evidence-title" }, "Evidence in the articles"),
        el("div", { class: "evidence-body" }, el("p", { class: "muted" }, "Loading articles…"))),
    );
  }

  eventButton(id) {
    const i = this.points.indexOf.get(id);
    const label = i === undefined ? id : this.points.label(i);
    return el("button", { type: "button", class: "event-link", "data-event": id,
      onclick: () => this.open(id) }, label);
  }

  chain(event) {
    const before = event.chain?.before || [];
    const after = event.chain?.after || [];
    if (!before.length && !after.length) return el("p", { class: "muted" }, "No responds-to links.");
    const list = (title, ids) => (ids.length
      ? el("div", { class: "chain-part" }, el("h4", {}, title),
        el("ul", { class: "chain" }, ids.map((id) => el("li", {}, this.eventButton(id)))))
      : null);
    return el("div", {}, list("Responds to (earlier)", before), list("Answered by (later)", after));
  }

  linkList(links) {
    if (!links.length) return el("p", { class: "muted" }, "No links to other events.");
    return el("ul", { class: "links" }, links.map((link) => el("li", {},
      el("span", { class: "tag" }, link.kind.replace("_", " ")), " ",
      link.target ? this.eventButton(link.target) : el("span", { class: "muted" }, "(not in the store)"),
      link.description ? ` — “${link.description}”` : "",
      link.days_before !== null && link.days_before !== undefined ? ` (${link.days_before} days before)` : "",
      link.wave ? ` · wave ${link.wave}` : "")));
  }

  async renderEvidence(event, token) {
    const mentions = event.mentions || [];
    const target = this.body.querySelector(".evidence-body");
    if (!mentions.length) {
      clear(target).append(el("p", { class: "muted" },
        event.source && event.source !== "news"
          ? `Imported from ${event.source.toUpperCase()}${event.source_id ? ` (id ${event.source_id})` : ""}; no article text.`
          : "No mentions."));
      return;
    }
    const byDoc = new Map();
    for (const m of mentions) {
      if (!byDoc.has(m.doc_id)) byDoc.set(m.doc_id, []);
      byDoc.get(m.doc_id).push(m);
    }
    const blocks = await Promise.all([...byDoc].map(([docId, ms]) => this.articleBlock(docId, ms)));
    if (token !== this.token) return;
    clear(target).append(...blocks);
    for (const article of target.querySelectorAll(".article")) {
      const first = article.querySelector("mark.evidence, mark");
      if (first) article.scrollTop = Math.max(0, first.offsetTop - 24);
    }
  }

  async articleBlock(docId, mentions) {
    if (!this.documents.has(docId)) this.documents.set(docId, getJson(documentPath(docId)));
    let doc;
    try {
      doc = await this.documents.get(docId);
    } catch (error) {
      this.documents.delete(docId);
      return el("div", { class: "error" }, `Article ${docId} could not be loaded: ${error.message}`);
    }
    const ids = new Set(mentions.map((m) => m.id));
    const spans = (doc.spans || []).filter((s) => ids.has(s.mention_id));
    for (const m of mentions) for (const ev of m.evidence || []) spans.push({ ...ev, kind: "sentence", field: "evidence" });
    const heading = [doc.title || "(untitled article)", doc.outlet ? ` — ${doc.outlet}` : "",
      doc.published ? `, ${doc.published}` : ""].join("");
    const why = mentions.map((m) => whyText(m.merge_why)).filter(Boolean);
    return el("article", { class: "article-block" },
      el("h4", {}, heading),
      why.length ? el("p", { class: "muted merge-why" }, `Merge: ${why.join("; ")}`) : null,
      el("div", { class: "article", tabindex: "0", role: "document", "aria-label": `Text of ${doc.title || docId}` },
        highlighted(doc.text || "", spans)));
  }
}

// The merger's reason for placing a mention: a sentence ("reason") or the pair scores by feature.
function whyText(why) {
  if (!why) return "";
  if (typeof why !== "object") return String(why);
  if (why.reason) return String(why.reason);
  return Object.entries(why)
    .filter(([, v]) => typeof v === "number" || typeof v === "string")
    .map(([k, v]) => `${k.replaceAll("_", " ")} ${typeof v === "number" ? Math.round(v * 100) / 100 : v}`)
    .join(", ");
}

function section(title, content) {
  return el("section", {}, el("h3", {}, title), content);
}

function dateText(event) {
  if (!event.date) return "undated";
  const range = event.date_end && event.date_end !== event.date ? `${event.date} to ${event.date_end}` : event.date;
  return event.date_precision && event.date_precision !== "day" ? `${range} (${event.date_precision})` : range;
}

function orDash(value) {
  return value === null || value === undefined || value === "" ? "—" : String(value);
}

function fieldList(event) {
  const place = [event.location, event.admin2, event.admin1, event.country].filter(Boolean).join(", ");
  const coords = event.lat !== null && event.lat !== undefined
    ? `${Number(event.lat).toFixed(4)}, ${Number(event.lon).toFixed(4)} (precision ${orDash(event.geo_precision)})` : "—";
  const crossing = event.cross_border ? `yes: from ${orDash(event.origin_country)} into ${orDash(event.impact_country)}` : "no";
  const rows = [
    ["Date", dateText(event)],
    ["Type", `${orDash(event.event_type)} / ${orDash(event.sub_event_type)}`],
    ["Location", place || "—"],
    ["Coordinates", coords],
    ["Actor 1", orDash(event.actor1)],
    ["Actor 2", orDash(event.actor2)],
    ["Fatalities", `low ${orDash(event.fatalities_low)} · best ${orDash(event.fatalities_best)} · high ${orDash(event.fatalities_high)}`],
    ["Contested", event.contested ? "yes: claimants disagree" : "no"],
    ["Cross-border", crossing],
    ["Stance", orDash(event.stance)],
    ["Source", `${orDash(event.source)}${event.source_id ? ` (${event.source_id})` : ""}`],
    ["Documents", orDash(event.n_documents)],
  ];
  if (event.source_actors && event.source_actors.some(Boolean)) {
    rows.push(["Dataset sides", event.source_actors.map(orDash).join(" vs ")]);
  }
  return el("dl", { class: "fields" }, rows.map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
}

export function countText(claim) {
  if (claim.count !== null && claim.count !== undefined) return String(claim.count);
  if (claim.min !== null && claim.min !== undefined) {
    return claim.max !== null && claim.max !== undefined ? `${claim.min}–${claim.max}` : `at least ${claim.min}`;
  }
  if (claim.max !== null && claim.max !== undefined) return `up to ${claim.max}`;
  return "—";
}

function claimsLedger(claims) {
  if (!claims.length) return el("p", { class: "muted" }, "No claims.");
  return el("table", { class: "ledger" },
    el("thead", {}, el("tr", {}, ["Kind", "Count", "Claimed by", "Victims", "Outlet"].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, claims.map((c) => el("tr", {},
      el("td", {}, c.kind), el("td", { class: "num" }, countText(c)), el("td", {}, c.claimant || "unattributed"),
      el("td", {}, orDash(c.victim_group)), el("td", {}, orDash(c.outlet))))));
}

function sourceList(sources) {
  if (!sources.length) return el("p", { class: "muted" }, "No source documents.");
  return el("ul", { class: "sources" }, sources.map((s) => el("li", {},
    el("span", { class: "source-title" }, s.title || "(untitled)"),
    s.outlet ? el("span", { class: "muted" }, ` — ${s.outlet}`) : null,
    s.published ? el("span", { class: "muted" }, `, ${s.published}`) : null,
    s.url ? el("div", { class: "source-url" }, externalLink(s.url)) : null)));
}

// The article text with its evidence sentences in <mark class="evidence"> and the coded-field spans
// inside them in <mark class="field ...">, all built from slices of the text (never parsed as HTML).
export function highlighted(text, spans) {
  const clamp = (v) => Math.max(0, Math.min(text.length, Number(v) || 0));
  const evidence = [];
  const fields = [];
  for (const s of spans) {
    const start = clamp(s.start);
    const end = clamp(s.end);
    if (end <= start) continue;
    (EVIDENCE_KINDS.has(s.kind) ? evidence : fields).push({ start, end, kind: s.kind, field: s.field });
  }
  const evidenceRanges = mergeRanges(evidence);
  const fieldRanges = disjoint(fields);
  const cuts = new Set([0, text.length]);
  for (const r of [...evidenceRanges, ...fieldRanges]) { cuts.add(r.start); cuts.add(r.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const out = document.createDocumentFragment();
  let open = null; // the evidence <mark> being filled
  let e = 0;
  let f = 0;
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k];
    const b = points[k + 1];
    while (e < evidenceRanges.length && evidenceRanges[e].end <= a) e++;
    while (f < fieldRanges.length && fieldRanges[f].end <= a) f++;
    const inEvidence = e < evidenceRanges.length && evidenceRanges[e].start <= a;
    const field = f < fieldRanges.length && fieldRanges[f].start <= a ? fieldRanges[f] : null;
    const piece = text.slice(a, b);
    const node = field
      ? el("mark", { class: `field kind-${field.kind}`, title: field.field || field.kind }, piece)
      : document.createTextNode(piece);
    if (inEvidence) {
      if (!open) {
        open = el("mark", { class: "evidence" });
        out.append(open);
      }
      open.append(node);
    } else {
      open = null;
      out.append(node);
    }
  }
  return out;
}

function mergeRanges(ranges) {
  const sorted = [...ranges].sort((x, y) => x.start - y.start);
  const out = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

// Field spans may overlap (a place inside an actor phrase); keep the earliest, then the longest.
function disjoint(ranges) {
  const sorted = [...ranges].sort((x, y) => x.start - y.start || y.end - x.end);
  const out = [];
  for (const r of sorted) if (!out.length || r.start >= out[out.length - 1].end) out.push(r);
  return out;
}
