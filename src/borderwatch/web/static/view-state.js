// The view as a query string: every filter, the timeline period and the open event live in the URL, so
// a view can be shared as a link and a reload restores it. Filter names are the API's, so the same
// string (less the view-only keys) asks the API for the same rows.

export const FILTER_KEYS = ["since", "until", "country", "actor", "type", "source", "contested", "cross_border", "q"];
const VIEW_KEYS = ["period", "sort", "tab", "event"];
const FLAG_VALUES = new Set(["", "true", "false"]);
const PERIODS = new Set(["auto", "day", "week", "month"]);
const SORTS = new Set(["-date", "date", "-fatalities"]);
const TABS = new Set(["events", "claims"]);

export function emptyView() {
  const view = {};
  for (const key of FILTER_KEYS) view[key] = "";
  return Object.assign(view, { period: "auto", sort: "-date", tab: "events", event: "" });
}

// Read a view from a query string; unknown keys and malformed values are dropped, not trusted.
export function viewFromQuery(search) {
  const params = new URLSearchParams(search);
  const view = emptyView();
  for (const key of [...FILTER_KEYS, ...VIEW_KEYS]) {
    const value = (params.get(key) || "").trim();
    if (value) view[key] = value.slice(0, 200);
  }
  for (const key of ["since", "until"]) if (!/^\d{4}-\d{2}-\d{2}$/.test(view[key])) view[key] = "";
  for (const key of ["contested", "cross_border"]) if (!FLAG_VALUES.has(view[key])) view[key] = "";
  if (!PERIODS.has(view.period)) view.period = "auto";
  if (!SORTS.has(view.sort)) view.sort = "-date";
  if (!TABS.has(view.tab)) view.tab = "events";
  return view;
}

// The API's filter parameters for a view (what the export links and the text search send).
export function filterParams(view) {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) if (view[key]) params.set(key, view[key]);
  return params;
}

// The query string for the address bar: filters plus the view keys that differ from the defaults.
export function queryOfView(view) {
  const params = filterParams(view);
  const defaults = emptyView();
  for (const key of VIEW_KEYS) if (view[key] && view[key] !== defaults[key]) params.set(key, view[key]);
  const text = params.toString();
  return text ? `?${text}` : "";
}
