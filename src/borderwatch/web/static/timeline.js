// The timeline: events per day or week, stacked by actor1, drawn on a canvas. Dragging across it
// selects a date range (the brush), which becomes the view's since/until filters.
//
// It counts the events that match every filter except the dates, and shades the selected range, so the
// context outside the brush stays visible while the map and tables show only the range.

import { NO_DAY, dayToIso } from "./data.js";
import { el, clear, formatCount } from "./dom.js";

const TOP_ACTORS = 8;
// Spans up to this many days are drawn per day under "auto"; longer ones per week (readable bars).
const AUTO_DAY_SPAN = 180;
const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
const OTHER_COLOUR = "#9aa3ad";
const UNKNOWN_COLOUR = "#d5d9de";
const PAD = { left: 40, right: 8, top: 8, bottom: 20 };
const CLICK_PX = 4; // a drag shorter than this is a click, which clears the brush

// Spans up to this many days are drawn per week under "auto"; longer ones per month.
const AUTO_WEEK_SPAN = 3 * 365;
const DAY_MS = 86_400_000;

// A period unit maps a day to a bin key and a key back to its first and last day. Weeks start on
// Monday (day 0, 1970-01-01, was a Thursday). Months use a lookup table over the data's day range,
// so binning 100,000 events builds no Date objects.
const UNITS = {
  day: () => ({ name: "day", key: (d) => d, start: (k) => k, end: (k) => k }),
  week: () => ({ name: "week", key: (d) => Math.floor((d + 3) / 7), start: (k) => k * 7 - 3, end: (k) => k * 7 + 3 }),
  month: (lo, hi) => {
    const monthOf = (d) => { const t = new Date(d * DAY_MS); return t.getUTCFullYear() * 12 + t.getUTCMonth(); };
    const table = new Int32Array(hi - lo + 1);
    for (let d = lo; d <= hi; d++) table[d - lo] = monthOf(d);
    const start = (k) => Date.UTC(Math.floor(k / 12), k % 12, 1) / DAY_MS;
    return { name: "month", key: (d) => table[d - lo], start, end: (k) => start(k + 1) - 1 };
  },
};

function unitFor(period, lo, hi) {
  if (period === "auto") period = hi - lo <= AUTO_DAY_SPAN ? "day" : hi - lo <= AUTO_WEEK_SPAN ? "week" : "month";
  return (UNITS[period] || UNITS.week)(lo, hi);
}

export class Timeline {
  constructor(canvas, legend, status, onBrush) {
    this.canvas = canvas;
    this.legend = legend;
    this.status = status;
    this.onBrush = onBrush;
    this.bins = null;
    this.drag = null;
    canvas.addEventListener("pointerdown", (e) => this.startDrag(e));
    canvas.addEventListener("pointermove", (e) => this.moveDrag(e));
    canvas.addEventListener("pointerup", (e) => this.endDrag(e));
    canvas.addEventListener("pointerleave", () => { if (!this.drag) this.showSummary(); });
    canvas.addEventListener("keydown", (e) => {
      if ((e.key === "Delete" || e.key === "Backspace") && this.selection) this.onBrush(null, null);
    });
    new ResizeObserver(() => this.draw()).observe(canvas);
  }

  // Count what `nodate` keeps per period and series; `selection` is [sinceDay|null, untilDay|null].
  update(points, nodate, period, selection) {
    this.points = points;
    this.selection = selection && (selection[0] !== null || selection[1] !== null) ? selection : null;
    if (!points.dayRange) {
      this.bins = null;
      this.draw();
      return;
    }
    if (!this.series || this.series.points !== points) {
      this.series = seriesOf(points);
      this.cells = new Map();
    }
    const [lo, hi] = points.dayRange;
    const unit = unitFor(period, lo, hi);
    const first = unit.key(lo);
    const n = unit.key(hi) - first + 1;
    const S = this.series.names.length;
    const counts = new Int32Array(n * S);
    const cell = this.cellsFor(unit, first);
    for (let i = 0; i < points.n; i++) if (nodate[i] && cell[i] >= 0) counts[cell[i]]++;
    this.bins = { unit, first, n, counts, S };
    this.renderLegend();
    this.draw();
    this.showSummary();
  }

  // Each event's cell (bin * series + series) for a unit, -1 when undated: computed once per unit, so
  // a filter change only counts.
  cellsFor(unit, first) {
    this.cells ??= new Map();
    const key = `${unit.name}:${first}`;
    if (!this.cells.has(key)) {
      const { day, actor1, n } = this.points;
      const { slotOfActor: slot, other, unknown, names } = this.series;
      const S = names.length;
      const cell = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const a = actor1[i];
        cell[i] = day[i] === NO_DAY ? -1 : (unit.key(day[i]) - first) * S + (a < 0 ? unknown : slot[a] >= 0 ? slot[a] : other);
      }
      this.cells.set(key, cell);
    }
    return this.cells.get(key);
  }

  binStartDay(b) {
    return this.bins.unit.start(this.bins.first + b);
  }

  binEndDay(b) {
    return this.bins.unit.end(this.bins.first + b);
  }

  // The bin of a day, clamped to the data's range (a brush may reach past it).
  binOfDay(d) {
    const [lo, hi] = this.points.dayRange;
    return this.bins.unit.key(Math.min(hi, Math.max(lo, d))) - this.bins.first;
  }

  plotWidth() {
    return Math.max(1, this.canvas.clientWidth - PAD.left - PAD.right);
  }

  binAtX(x) {
    const b = Math.floor(((x - PAD.left) / this.plotWidth()) * this.bins.n);
    return Math.min(this.bins.n - 1, Math.max(0, b));
  }

  draw() {
    const { canvas } = this;
    const ratio = window.devicePixelRatio || 1;
    const w = canvas.clientWidth;
    const h = canvas.clientHeight;
    if (!w || !h) return;
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.font = "11px system-ui, sans-serif";
    ctx.fillStyle = "#444";
    if (!this.bins) {
      ctx.fillText("No dated events to draw.", PAD.left, h / 2);
      return;
    }
    const { n, counts, S } = this.bins;
    let max = 0;
    for (let b = 0; b < n; b++) {
      let total = 0;
      for (let s = 0; s < S; s++) total += counts[b * S + s];
      if (total > max) max = total;
    }
    const plotH = h - PAD.top - PAD.bottom;
    const bw = this.plotWidth() / n;
    const scale = max ? plotH / max : 0;
    for (let b = 0; b < n; b++) {
      let y = h - PAD.bottom;
      const x = PAD.left + b * bw;
      for (let s = 0; s < S; s++) {
        const c = counts[b * S + s];
        if (!c) continue;
        const bh = c * scale;
        ctx.fillStyle = this.series.colours[s];
        ctx.fillRect(x, y - bh, Math.max(bw - (bw > 3 ? 1 : 0), 0.5), bh);
        y -= bh;
      }
    }
    this.drawAxes(ctx, w, h, max);
    this.drawBrush(ctx, h);
  }

  drawAxes(ctx, w, h, max) {
    ctx.fillStyle = "#444";
    ctx.strokeStyle = "#888";
    ctx.beginPath();
    ctx.moveTo(PAD.left, h - PAD.bottom + 0.5);
    ctx.lineTo(w - PAD.right, h - PAD.bottom + 0.5);
    ctx.stroke();
    ctx.textAlign = "right";
    ctx.fillText(formatCount(max), PAD.left - 4, PAD.top + 9);
    ctx.fillText("0", PAD.left - 4, h - PAD.bottom);
    ctx.textAlign = "left";
    // A label at each year (or month, for short spans), skipping ones that would overlap.
    const { n } = this.bins;
    const bw = this.plotWidth() / n;
    const spanDays = this.binEndDay(n - 1) - this.binStartDay(0);
    const monthly = spanDays < 2 * 365;
    let lastX = -Infinity;
    let lastKey = "";
    for (let b = 0; b < n; b++) {
      const iso = dayToIso(this.binStartDay(b));
      const key = monthly ? iso.slice(0, 7) : iso.slice(0, 4);
      if (key === lastKey) continue;
      lastKey = key;
      const x = PAD.left + b * bw;
      if (x - lastX < (monthly ? 56 : 36)) continue;
      ctx.fillRect(x, h - PAD.bottom, 1, 4);
      ctx.fillText(key, x + 2, h - 5);
      lastX = x;
    }
  }

  drawBrush(ctx, h) {
    const range = this.drag ? this.dragRange() : this.selectionBins();
    if (!range) return;
    const bw = this.plotWidth() / this.bins.n;
    const x0 = PAD.left + range[0] * bw;
    const x1 = PAD.left + (range[1] + 1) * bw;
    ctx.fillStyle = "rgba(20, 60, 120, 0.14)";
    ctx.fillRect(x0, PAD.top, x1 - x0, h - PAD.top - PAD.bottom);
    ctx.strokeStyle = "#143c78";
    ctx.lineWidth = 1.5;
    ctx.strokeRect(x0, PAD.top, x1 - x0, h - PAD.top - PAD.bottom);
  }

  selectionBins() {
    if (!this.selection || !this.bins) return null;
    const [since, until] = this.selection;
    const lo = since === null ? 0 : Math.max(0, this.binOfDay(since));
    const hi = until === null ? this.bins.n - 1 : Math.min(this.bins.n - 1, this.binOfDay(until));
    return lo <= hi ? [lo, hi] : null;
  }

  localX(e) {
    return e.clientX - this.canvas.getBoundingClientRect().left;
  }

  dragRange() {
    const a = this.binAtX(this.drag.x0);
    const b = this.binAtX(this.drag.x1);
    return [Math.min(a, b), Math.max(a, b)];
  }

  startDrag(e) {
    if (!this.bins || e.button !== 0) return;
    this.canvas.setPointerCapture(e.pointerId);
    this.drag = { x0: this.localX(e), x1: this.localX(e) };
  }

  moveDrag(e) {
    if (!this.bins) return;
    if (!this.drag) {
      this.showBin(this.binAtX(this.localX(e)));
      return;
    }
    this.drag.x1 = this.localX(e);
    const [lo, hi] = this.dragRange();
    this.status.textContent = `Selecting ${dayToIso(this.binStartDay(lo))} to ${dayToIso(this.binEndDay(hi))}`;
    this.draw();
  }

  endDrag(e) {
    if (!this.drag) return;
    this.drag.x1 = this.localX(e);
    const click = Math.abs(this.drag.x1 - this.drag.x0) < CLICK_PX;
    const [lo, hi] = this.dragRange();
    this.drag = null;
    if (click) this.onBrush(null, null);
    else this.onBrush(dayToIso(this.binStartDay(lo)), dayToIso(this.binEndDay(hi)));
  }

  showBin(b) {
    const { counts, S, unit } = this.bins;
    let total = 0;
    const parts = [];
    for (let s = 0; s < S; s++) {
      const c = counts[b * S + s];
      total += c;
      if (c) parts.push(`${this.series.names[s]} ${c}`);
    }
    const start = dayToIso(this.binStartDay(b));
    const when = { day: start, week: `Week of ${start}`, month: start.slice(0, 7) }[unit.name];
    this.status.textContent = `${when}: ${formatCount(total)} events${parts.length ? ` (${parts.join(", ")})` : ""}`;
  }

  showSummary() {
    if (!this.bins) {
      this.status.textContent = "";
      return;
    }
    this.status.textContent = `Events per ${this.bins.unit.name}, stacked by actor 1. Drag to select dates; click to clear.`;
  }

  renderLegend() {
    clear(this.legend);
    this.series.names.forEach((name, s) => {
      const swatch = el("span", { class: "swatch", "aria-hidden": "true" });
      swatch.style.backgroundColor = this.series.colours[s];
      this.legend.append(el("li", {}, swatch, name));
    });
  }
}

// The stacks: the top actors (by actor1 count over all events, so colours stay put while filtering),
// then "other" and "unknown".
function seriesOf(points) {
  const top = points.topActors(TOP_ACTORS);
  const slotOfActor = new Int16Array(points.dict.actor.length).fill(-1);
  top.forEach((a, s) => { slotOfActor[a] = s; });
  const names = [...top.map((a) => points.dict.actor[a]), "other", "unknown"];
  const colours = [...top.map((_, s) => COLOURS[s]), OTHER_COLOUR, UNKNOWN_COLOUR];
  return { points, names, colours, slotOfActor, other: top.length, unknown: top.length + 1 };
}
