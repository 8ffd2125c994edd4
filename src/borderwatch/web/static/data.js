// The event points as typed columns, and the client-side filter over them.
//
// /api/events/points gives every event once, columnar; filtering 100,000 events is then one pass over
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

function intColumn(values, Type, missing) {
  const out = new Type(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = v === null || v === undefined ? missing : v;
  }
  return out;
}

// Index of `value` in a dictionary, -2 when it is not there (matches nothing; -1 is "unknown").
function codeOf(dict, value) {
  const at = dict.indexOf(value);
  return at < 0 ? -2 : at;
}

export class EventPoints {
  constructor(json) {
    const n = json.n;
    this.n = n;
    this.ids = json.id;
    this.dict = json.dict;
    this.day = intColumn(json.day, Int32Array, NO_DAY);
    this.lon = Float64Array.from(json.lon, (v) => (v === null ? NaN : v));
    this.lat = Float64Array.from(json.lat, (v) => (v === null ? NaN : v));
    this.type = intColumn(json.type, Int16Array, -1);
    this.actor1 = intColumn(json.actor1, Int32Array, -1);
    this.actor2 = intColumn(json.actor2, Int32Array, -1);
    this.country = intColumn(json.country, Int16Array, -1);
    this.source = intColumn(json.source, Int16Array, -1);
    this.best = intColumn(json.best, Int32Array, -1);
    this.contested = Uint8Array.from(json.contested);
    this.crossBorder = Uint8Array.from(json.cross_border);
    this.indexOf = new Map();
    for (let i = 0; i < n; i++) this.indexOf.set(this.ids[i], i);
    this.dayRange = this.computeDayRange();
    this.orders = new Map(); // sort key -> Uint32Array of indices, built on first use
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

  // Indices in table order: "-date" (newest first, undated last), "date", "-fatalities".
  order(sort) {
    if (!this.orders.has(sort)) {
      const idx = new Uint32Array(this.n);
      for (let i = 0; i < this.n; i++) idx[i] = i;
      const day = this.day;
      const best = this.best;
      const undatedLast = (a, b) => (day[a] === NO_DAY) - (day[b] === NO_DAY);
      const byKey = {
        "-date": (a, b) => undatedLast(a, b) || day[b] - day[a] || a - b,
        date: (a, b) => undatedLast(a, b) || day[a] - day[b] || a - b,
        "-fatalities": (a, b) => best[b] - best[a] || day[b] - day[a] || a - b,
      }[sort];
      idx.sort(byKey);
      this.orders.set(sort, idx);
    }
    return this.orders.get(sort);
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
