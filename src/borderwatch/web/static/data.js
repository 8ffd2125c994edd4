// The event points as typed columns, and the client-side filter over them.
//
// /api/events/points.bin gives every event once, columnar; filtering 100,000 events is then one pass over
// typed arrays (a few milliseconds) instead of a request per filter change.

const DAY_MS = 86_400_000;
export const NO_DAY = -2147483648; // undated events: excluded by any date bound, kept otherwise

export function dayToIso(day) {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function isoToDay(iso) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso || "")) return null;
  const ms = Date.parse(`${iso}T00:00:00Z`);
  return Number.isNaN(ms) ? null : Math.round(ms / DAY_MS);
}

const TYPED = { uint8: Uint8Array, int16: Int16Array, int32: Int32Array, uint32: Uint32Array, float32: Float32Array };
const MAGIC = "BWP1";

// The columns of /api/events/points.bin (docs/api.md): "BWP1", the header's length (uint32), the JSON
// header, then each column at its offset. The typed arrays are views on the response, not copies.
export function readPoints(buffer) {
  const bytes = new Uint8Array(buffer);
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) {
    throw new Error("the points are not in the expected binary format");
  }
  const headerLength = new DataView(buffer).getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  const columns = {};
  for (const [name, { type, offset, length }] of Object.entries(header.columns)) {
    columns[name] = type === "utf8" ? bytes.subarray(offset, offset + length) : new TYPED[type](buffer, offset, length);
  }
  return { n: header.n, dict: header.dict, columns };
}

// Index of `value` in a dictionary, -2 when it is not there (matches nothing; -1 is "unknown").
function codeOf(dict, value) {
  const at = dict.indexOf(value);
  return at < 0 ? -2 : at;
}

// Event indices by an integer key, stable (ties keep their order): one counting pass, no comparisons,
// so ordering 100,000 events takes a couple of milliseconds rather than a comparator sort's ~100.
function countingOrder(order, keyOf, lo, hi) {
  const counts = new Uint32Array(hi - lo + 2);
  for (let k = 0; k < order.length; k++) counts[keyOf(order[k]) - lo + 1]++;
  for (let b = 1; b < counts.length; b++) counts[b] += counts[b - 1];
  const out = new Uint32Array(order.length);
  for (let k = 0; k < order.length; k++) out[counts[keyOf(order[k]) - lo]++] = order[k];
  return out;
}

export class EventPoints {
  constructor({ n, dict, columns }) {
    this.n = n;
    this.dict = dict;
    this.idBytes = columns.id;
    this.idEnd = columns.id_end;
    this.day = columns.day;
    this.lon = columns.lon;
    this.lat = columns.lat;
    this.type = columns.type;
    this.actor1 = columns.actor1;
    this.actor2 = columns.actor2;
    this.country = columns.country;
    this.source = columns.source;
    this.best = columns.best;
    this.contested = columns.contested;
    this.crossBorder = columns.cross_border;
    this.idList = null;
    this.idIndex = null;
    this.dayRange = this.computeDayRange();
    this.orders = new Map(); // sort key -> Uint32Array of indices, built on first use
  }

  // Event i's id, decoded on demand: the table shows 100 at a time, so the 100,000 ids are decoded
  // (and indexed) only when something needs them all.
  idAt(i) {
    if (this.idList) return this.idList[i];
    const start = i === 0 ? 0 : this.idEnd[i - 1];
    return new TextDecoder().decode(this.idBytes.subarray(start, this.idEnd[i]));
  }

  get ids() {
    if (!this.idList) {
      const text = new TextDecoder().decode(this.idBytes);
      const ascii = text.length === this.idBytes.length; // then byte offsets are string offsets
      const list = new Array(this.n);
      for (let i = 0, start = 0; i < this.n; start = this.idEnd[i], i++) {
        list[i] = ascii ? text.slice(start, this.idEnd[i]) : this.idAt(i);
      }
      this.idList = list;
    }
    return this.idList;
  }

  // id -> event index, built on first use (claims table, text search, event panel).
  get indexOf() {
    if (!this.idIndex) {
      const ids = this.ids;
      this.idIndex = new Map();
      for (let i = 0; i < this.n; i++) this.idIndex.set(ids[i], i);
    }
    return this.idIndex;
  }

  computeDayRange() {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < this.n; i++) {
      const d = this.day[i];
      if (d === NO_DAY) continue;
      if (d < lo) lo = d;
      if (d > hi) hi = d;
    }
    return lo === Infinity ? null : [lo, hi];
  }

  // Indices in table order: "-date" (newest first, undated last), "date", "-fatalities" (then newest
  // first); ties in index order.
  order(sort) {
    if (!this.orders.has(sort)) this.orders.set(sort, this.computeOrder(sort));
    return this.orders.get(sort);
  }

  computeOrder(sort) {
    const all = new Uint32Array(this.n);
    for (let i = 0; i < this.n; i++) all[i] = i;
    const { day, best } = this;
    const [lo, hi] = this.dayRange || [0, 0];
    if (sort === "date") return countingOrder(all, (i) => (day[i] === NO_DAY ? hi + 1 : day[i]), lo, hi + 1);
    const newest = countingOrder(all, (i) => (day[i] === NO_DAY ? hi - lo + 1 : hi - day[i]), 0, hi - lo + 1);
    if (sort !== "-fatalities") return newest;
    let top = 0;
    for (let i = 0; i < this.n; i++) if (best[i] > top) top = best[i];
    return countingOrder(newest, (i) => top - Math.max(best[i], -1), 0, top + 1);
  }

  // Turn the view's filter values into codes once, so the per-event loop only compares integers.
  criteria(filters) {
    const code = (dict, value) => (value ? codeOf(dict, value) : null);
    const flag = (value) => (value === "true" ? 1 : value === "false" ? 0 : null);
    return {
      since: filters.since ? isoToDay(filters.since) : null,
      until: filters.until ? isoToDay(filters.until) : null,
      country: code(this.dict.country, filters.country),
      actor: code(this.dict.actor, filters.actor),
      type: code(this.dict.type, filters.type),
      source: code(this.dict.source, filters.source),
      contested: flag(filters.contested),
      crossBorder: flag(filters.cross_border),
    };
  }

  // One pass: `mask[i]` is 1 when event i matches everything, `undated[i]` (reused buffer) is 1 when it
  // matches everything except the date bounds (what the timeline draws, so the brush keeps its context).
  filter(filters, textMatches, out) {
    const c = this.criteria(filters);
    const { day, type, actor1, actor2, country, source, contested, crossBorder } = this;
    const mask = out?.mask ?? new Uint8Array(this.n);
    const nodate = out?.nodate ?? new Uint8Array(this.n);
    const since = c.since ?? -Infinity;
    const until = c.until ?? Infinity;
    const bounded = c.since !== null || c.until !== null;
    let count = 0;
    for (let i = 0; i < this.n; i++) {
      let ok = (c.type === null || type[i] === c.type)
        && (c.country === null || country[i] === c.country)
        && (c.source === null || source[i] === c.source)
        && (c.actor === null || actor1[i] === c.actor || actor2[i] === c.actor)
        && (c.contested === null || contested[i] === c.contested)
        && (c.crossBorder === null || crossBorder[i] === c.crossBorder)
        && (textMatches === null || textMatches[i] === 1);
      nodate[i] = ok ? 1 : 0;
      if (ok && bounded) {
        const d = day[i];
        ok = d !== NO_DAY && d >= since && d <= until;
      }
      mask[i] = ok ? 1 : 0;
      count += mask[i];
    }
    return { mask, nodate, count };
  }

  // Mask of the events whose ids are in `ids` (the server's answer to a text search).
  maskOfIds(ids) {
    const mask = new Uint8Array(this.n);
    for (const id of ids) {
      const i = this.indexOf.get(id);
      if (i !== undefined) mask[i] = 1;
    }
    return mask;
  }

  // The most frequent actor1 codes, for the timeline's stacks; the rest are "other".
  topActors(limit) {
    const counts = new Int32Array(this.dict.actor.length);
    for (let i = 0; i < this.n; i++) if (this.actor1[i] >= 0) counts[this.actor1[i]]++;
    return Array.from(counts.keys())
      .filter((a) => counts[a] > 0)
      .sort((a, b) => counts[b] - counts[a] || a - b)
      .slice(0, limit);
  }

  label(i) {
    const t = this.type[i] >= 0 ? this.dict.type[this.type[i]] : "event";
    const d = this.day[i] === NO_DAY ? "undated" : dayToIso(this.day[i]);
    return `${d} · ${t}`;
  }
}
