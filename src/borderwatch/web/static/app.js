// The dashboard's entry point: load every event once as columns, then filter in the browser and keep
// map, timeline, tables and the address bar in step with the filters.
//
// For measurement, window.__bw_first_paint is set (and performance mark "bw-first-paint" made) when the
// first view is on screen with all events: timeline, table, and the events on the map or, while MapLibre
// still starts, on its preview. window.__bw_ready (mark "bw-ready") follows when the interactive map has
// drawn them (its first idle), or has failed and said why.
// window.__bw holds the last filter's duration and when the map last settled, and (for tests) what the map
// draws where: mapTargets(), mapZoom(), mapMoving().

import { apiPath, getBytes, getJson } from "./api.js";
import { EventPoints, isoToDay, readPoints } from "./data.js";
import { DetailPanel } from "./detail.js";
import { clear, el, formatCount } from "./dom.js";
import { EventMap, TYPE_COLOURS, typeColour } from "./map.js";
import { ClaimsTable, EventsTable } from "./tables.js";
import { Timeline } from "./timeline.js";
import { FILTER_KEYS, emptyView, filterParams, queryOfView, viewFromQuery } from "./view-state.js";

const TEXT_DEBOUNCE_MS = 300;
const $ = (id) => document.getElementById(id);

const probe = { firstPaint: null, ready: null, mapPath: null, filters: 0, lastFilterMs: null, lastCount: null, mapSettled: 0, mapSettledAt: null };
window.__bw = probe;

class Dashboard {
  constructor(config, points, map) {
    this.config = config;
    this.points = points;
    this.view = viewFromQuery(window.location.search);
    this.textMask = null;
    this.textAbort = null;
    this.textTimer = null;
    this.current = null;
    this.timeline = new Timeline($("timeline"), $("timeline-legend"), $("timeline-status"),
      (since, until) => this.setDates(since, until));
    const open = (id, opener) => this.detail.open(id, opener);
    this.events = new EventsTable($("events-body"), $("events-more"), $("events-summary"), points, open);
    this.claims = new ClaimsTable($("claims-body"), $("claims-summary"), $("claims-csv"), points, open);
    this.detail = new DetailPanel($("detail"), $("detail-body"), $("detail-close"), points, {
      onOpen: (id) => this.setView({ event: id }, false),
      onClose: () => this.setView({ event: "" }, false),
    });
    this.map = map;
    map.onSelect = open;
    probe.mapTargets = () => map.drawnTargets();
    probe.mapZoom = () => (map.map ? map.map.getZoom() : null);
    probe.mapMoving = () => Boolean(map.map && map.map.isMoving());
    probe.previewTargets = () => map.previewTargets();
  }

  async start(startMap) {
    this.fillFilterOptions();
    this.showViewInForm();
    this.wireForm();
    this.wireTabs();
    this.wireKeys();
    this.renderMapLegend();
    if (this.view.q) await this.searchText(this.view.q);
    this.apply(false);
    performance.mark("bw-first-view");
    this.map.setPoints(this.points);
    await this.map.show(this.current.mask); // on the preview while MapLibre starts
    probe.firstPaint = performance.now();
    window.__bw_first_paint = probe.firstPaint;
    performance.mark("bw-first-paint");
    document.body.dataset.firstPaint = "true";
    const mapDrawn = startMap().then((ok) => {
      performance.mark("bw-map-loaded");
      probe.mapPath = ok ? "grid" : "none";
      return ok && this.map.show(this.current.mask);
    });
    if (this.view.event) this.detail.open(this.view.event, $("events-panel"));
    await mapDrawn;
    probe.ready = performance.now();
    window.__bw_ready = probe.ready;
    performance.mark("bw-ready");
    document.body.dataset.ready = "true";
  }

  // ---- filters

  fillFilterOptions() {
    const fill = (select, values, current) => {
      const sorted = [...new Set(values.filter(Boolean))].sort((a, b) => a.localeCompare(b));
      if (current && !sorted.includes(current)) sorted.push(current); // a shared link's value we lack
      select.append(...sorted.map((v) => el("option", { value: v }, v)));
    };
    const d = this.points.dict;
    fill($("f-country"), d.country, this.view.country);
    fill($("f-actor"), d.actor, this.view.actor);
    fill($("f-type"), d.type, this.view.type);
    fill($("f-source"), d.source, this.view.source);
  }

  showViewInForm() {
    for (const key of [...FILTER_KEYS, "period"]) $(`f-${key}`).value = this.view[key];
  }

  wireForm() {
    const form = $("filters");
    form.addEventListener("submit", (e) => e.preventDefault());
    form.addEventListener("change", (e) => {
      const key = e.target.name;
      if (!key || key === "q") return;
      if ((key === "since" || key === "until") && e.target.value && isoToDay(e.target.value) === null) return;
      this.setView({ [key]: e.target.value });
    });
    $("f-q").addEventListener("input", (e) => {
      clearTimeout(this.textTimer);
      const value = e.target.value.trim();
      this.textTimer = setTimeout(() => this.setText(value), TEXT_DEBOUNCE_MS);
    });
    form.addEventListener("reset", (e) => {
      e.preventDefault();
      const fresh = emptyView();
      fresh.period = this.view.period;
      fresh.sort = this.view.sort;
      fresh.tab = this.view.tab;
      fresh.event = this.view.event;
      this.view = fresh;
      this.textMask = null;
      this.showViewInForm();
      this.apply();
    });
    for (const button of document.querySelectorAll("button.sort")) {
      button.addEventListener("click", () => {
        const key = button.dataset.sort;
        const sort = key === "date" ? (this.view.sort === "-date" ? "date" : "-date") : key;
        this.setView({ sort });
      });
    }
  }

  setDates(since, until) {
    $("f-since").value = since || "";
    $("f-until").value = until || "";
    this.setView({ since: since || "", until: until || "" });
  }

  async setText(value) {
    if (value === this.view.q) return;
    this.view.q = value;
    await this.searchText(value);
    this.apply();
  }

  // Text search runs on the server (it reads evidence sentences the points do not carry); the answer
  // is a mask over the loaded events, combined with the other filters here.
  async searchText(q) {
    if (this.textAbort) this.textAbort.abort();
    if (!q) {
      this.textMask = null;
      return;
    }
    const abort = new AbortController();
    this.textAbort = abort;
    $("count").textContent = "Searching…";
    try {
      const found = await getBytes(apiPath("events/points.bin", new URLSearchParams({ q })), { signal: abort.signal });
      if (abort.signal.aborted) return;
      this.textMask = this.points.maskOfIds(new EventPoints(readPoints(found)).ids);
    } catch (error) {
      if (error.name === "AbortError") return;
      this.textMask = new Uint8Array(this.points.n);
      $("count").textContent = `Text search failed: ${error.message}`;
    }
  }

  setView(changes, refilter = true) {
    Object.assign(this.view, changes);
    if (refilter) this.apply();
    else this.writeUrl();
  }

  writeUrl() {
    const query = queryOfView(this.view);
    window.history.replaceState(null, "", `${window.location.pathname}${query}`);
  }

  // Filter once, then redraw every view from the same mask. The address is written first: writing it
  // makes the browser note the scroll position, which needs the page laid out, and before the redraw
  // that costs nothing.
  apply(showOnMap = true) {
    const t0 = performance.now();
    const view = this.view;
    this.writeUrl();
    const result = this.points.filter(view, this.textMask);
    this.current = result;
    const t1 = performance.now();
    const since = view.since ? isoToDay(view.since) : null;
    const until = view.until ? isoToDay(view.until) : null;
    this.timeline.update(this.points, result.nodate, view.period, [since, until]);
    const t2 = performance.now();
    this.events.render(result.mask, result.count, view.sort);
    if (view.tab === "claims") this.claims.render(result.mask);
    const t3 = performance.now();
    this.showSortState();
    this.showCount(result.count);
    this.writeExportLinks();
    if (showOnMap) {
      const seq = probe.filters + 1;
      this.map.show(result.mask).then(() => {
        probe.mapSettled = seq;
        probe.mapSettledAt = performance.now();
      });
    }
    const t4 = performance.now();
    probe.filters += 1;
    probe.lastFilterMs = t4 - t0;
    probe.lastStages = { filter: t1 - t0, timeline: t2 - t1, tables: t3 - t2, rest: t4 - t3 };
    probe.lastCount = result.count;
  }

  showCount(count) {
    const total = this.points.n;
    const text = count === total ? `${formatCount(total)} events` : `${formatCount(count)} of ${formatCount(total)} events`;
    $("count").textContent = text;
  }

  showSortState() {
    $("sort-date").textContent = this.view.sort === "date" ? "Date ▲" : this.view.sort === "-date" ? "Date ▼" : "Date";
    $("sort-fatalities").textContent = this.view.sort === "-fatalities" ? "Deaths ▼" : "Deaths";
    $("sort-date").setAttribute("aria-pressed", String(this.view.sort !== "-fatalities"));
    $("sort-fatalities").setAttribute("aria-pressed", String(this.view.sort === "-fatalities"));
  }

  writeExportLinks() {
    const params = filterParams(this.view);
    $("export-csv").href = apiPath("events.csv", params);
    $("export-geojson").href = apiPath("events.geojson", params);
  }

  // ---- tabs, keys, legend

  wireTabs() {
    const tabs = [$("tab-events"), $("tab-claims")];
    const select = (name, focus) => {
      this.view.tab = name;
      for (const tab of tabs) {
        const on = tab.id === `tab-${name}`;
        tab.setAttribute("aria-selected", String(on));
        tab.tabIndex = on ? 0 : -1;
        $(tab.getAttribute("aria-controls")).hidden = !on;
        if (on && focus) tab.focus();
      }
      if (name === "claims") this.claims.render(this.current.mask);
      this.writeUrl();
    };
    for (const tab of tabs) {
      tab.addEventListener("click", () => select(tab.id.slice(4), false));
      tab.addEventListener("keydown", (e) => {
        if (e.key === "ArrowRight" || e.key === "ArrowLeft") select(tab.id === "tab-events" ? "claims" : "events", true);
      });
    }
    this.selectTab = select;
    if (this.view.tab !== "events") queueMicrotask(() => select(this.view.tab, false));
  }

  wireKeys() {
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && this.detail.isOpen) {
        this.detail.close();
        return;
      }
      const typing = /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement?.tagName || "");
      if (e.key === "/" && !typing) {
        e.preventDefault();
        $("f-q").focus();
      }
    });
  }

  renderMapLegend() {
    const present = new Set(this.points.dict.type);
    const names = [...Object.keys(TYPE_COLOURS).filter((t) => present.has(t)),
      ...this.points.dict.type.filter((t) => !(t in TYPE_COLOURS))];
    clear($("map-legend")).append(...names.map((name) => {
      const swatch = el("span", { class: "swatch round", "aria-hidden": "true" });
      swatch.style.backgroundColor = typeColour(name);
      return el("li", {}, swatch, name);
    }), el("li", { class: "muted" }, "size: deaths (best)"));
  }
}

// The map library, the config and the events download in parallel. The first view is drawn (the map's
// part on the preview canvas) before the map itself is created, as creating it holds up the page's
// frames; the config only adds an optional tile layer.
async function main() {
  const map = new EventMap($("map"), $("map-message"), () => {}, $("map-preview"));
  try {
    const config = getJson(apiPath("config"));
    const bytes = getBytes(apiPath("events/points.bin"));
    map.loadLibrary();
    const points = new EventPoints(readPoints(await bytes));
    performance.mark("bw-points-loaded");
    const startMap = () => map.start().then(async (ok) => {
      if (ok) map.addTiles((await config).tiles_url);
      return ok;
    });
    await new Dashboard(await config, points, map).start(startMap);
  } catch (error) {
    $("count").textContent = `The events could not be loaded: ${error.message}`;
    document.body.dataset.ready = "error";
    window.__bw_ready = performance.now();
    window.__bw_first_paint = window.__bw_ready;
  }
}

main();
