// The map: MapLibre, loaded only when the browser can give it a WebGL context, so a machine without
// WebGL still gets the filters, timeline, tables and detail panel (the map area says why it is empty).
//
// Events are one clustered GeoJSON source, coloured by event type and sized by best fatalities. The
// country outlines are a local GeoJSON layer; base tiles only when /api/config names a tile URL.

import { el, clear } from "./dom.js";

export const TYPE_COLOURS = {
  "Battles": "#c0392b",
  "Explosions/Remote violence": "#e67e22",
  "Violence against civilians": "#8e44ad",
  "Strategic developments": "#2980b9",
  "Protests": "#27ae60",
  "Riots": "#b7950b",
};
const FALLBACK_COLOUR = "#555";
const VIEW = { center: [69.5, 32.5], zoom: 4.6 }; // the Afghanistan-Pakistan border
const MAPLIBRE_URL = new URL("./vendor/maplibre-gl/maplibre-gl.mjs", import.meta.url).href;
const OUTLINES_URL = new URL("./outlines.geojson", import.meta.url).href;
const EVENTS_WORKER_URL = new URL("./events-worker.mjs", import.meta.url).href;
const KEEP_MASKS = 8; // masks the worker may still ask for (a newer setData cancels older loads)

export function typeColour(name) {
  return TYPE_COLOURS[name] || FALLBACK_COLOUR;
}

export function webglAvailable() {
  try {
    const canvas = document.createElement("canvas");
    return Boolean(canvas.getContext("webgl2") || canvas.getContext("webgl"));
  } catch {
    return false;
  }
}

function styleFor(tilesUrl) {
  const sources = { outlines: { type: "geojson", data: OUTLINES_URL } };
  const layers = [{ id: "background", type: "background", paint: { "background-color": "#eef2f5" } }];
  if (tilesUrl) {
    sources.tiles = { type: "raster", tiles: [tilesUrl], tileSize: 256, attribution: "Map tiles: see /api/config" };
    layers.push({ id: "tiles", type: "raster", source: "tiles" });
  }
  layers.push(
    { id: "countries", type: "fill", source: "outlines",
      paint: { "fill-color": ["case", ["get", "focus"], "#fbfaf6", "#e8e6df"], "fill-opacity": tilesUrl ? 0.25 : 1 } },
    { id: "borders", type: "line", source: "outlines", paint: { "line-color": "#7a7466", "line-width": 1.2 } },
  );
  return { version: 8, sources, layers };
}

function typeColourExpression(types) {
  if (!types.length) return FALLBACK_COLOUR;
  const match = ["match", ["get", "t"]];
  types.forEach((name, code) => match.push(code, typeColour(name)));
  match.push(FALLBACK_COLOUR);
  return match;
}

function eventLayers(types) {
  return [
    { id: "clusters", type: "circle", source: "events", filter: ["has", "point_count"],
      paint: {
        "circle-color": "#34495e", "circle-opacity": 0.72, "circle-stroke-color": "#fff", "circle-stroke-width": 1,
        "circle-radius": ["step", ["get", "point_count"], 10, 10, 14, 100, 19, 1000, 25, 10000, 32],
      } },
    { id: "points", type: "circle", source: "events", filter: ["!", ["has", "point_count"]],
      paint: {
        "circle-color": typeColourExpression(types),
        "circle-radius": ["interpolate", ["linear"], ["get", "b"], 0, 4, 1, 5, 10, 9, 50, 14, 200, 20],
        "circle-stroke-color": "#fff", "circle-stroke-width": 1, "circle-opacity": 0.9,
      } },
  ];
}

export class EventMap {
  constructor(container, message, onSelect) {
    this.container = container;
    this.message = message;
    this.onSelect = onSelect;
    this.map = null;
    this.ready = false;
    this.viaWorker = false;
    this.seq = 0;
    this.masks = new Map(); // seq -> mask bytes, for the worker's bwmask:// requests
    this.packed = null;
    this.version = String(Date.now());
  }

  // Starts the map (without events) while the events download; resolves true once its style has
  // loaded, false when it cannot run here (the message says why).
  async start(tilesUrl) {
    if (!webglAvailable()) return this.fail("The map needs WebGL, which this browser cannot provide here.");
    let maplibregl;
    try {
      maplibregl = await import(MAPLIBRE_URL);
    } catch (error) {
      return this.fail(`The map library could not be loaded (${error.message}).`);
    }
    this.viaWorker = await this.startWorkerProtocol(maplibregl);
    return new Promise((resolve) => {
      try {
        this.map = new maplibregl.Map({
          container: this.container, style: styleFor(tilesUrl), ...VIEW, attributionControl: { compact: true },
          fadeDuration: 0, validateStyle: false,
        });
      } catch (error) {
        resolve(this.fail(`The map could not start (${error.message}).`));
        return;
      }
      this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
      this.map.on("error", (e) => console.warn("map:", e.error?.message || e));
      this.map.on("load", () => {
        this.addEvents();
        this.ready = true;
        resolve(true);
      });
    });
  }

  // The protocols events-worker.mjs uses to fetch the columns and each mask from this thread. When
  // the script cannot be loaded into the workers, the map falls back to sending GeoJSON objects.
  async startWorkerProtocol(maplibregl) {
    maplibregl.addProtocol("bwpoints", async () => ({ data: this.packed.slice(0) }));
    maplibregl.addProtocol("bwmask", async (params) => {
      const mask = this.masks.get(Number(params.url.slice("bwmask://".length)));
      if (!mask) throw new Error("this filter has been replaced by a newer one");
      return { data: mask.slice().buffer };
    });
    try {
      await maplibregl.importScriptInWorkers(EVENTS_WORKER_URL);
      return true;
    } catch (error) {
      console.warn(`map: drawing from the main thread (${error.message})`);
      return false;
    }
  }

  // The events to draw from now on (once, after they are loaded).
  setPoints(points) {
    this.points = points;
    const n = points.n;
    this.packed = new Float64Array(4 * n);
    this.packed.set(points.lon, 0);
    this.packed.set(points.lat, n);
    this.packed.set(points.type, 2 * n);
    this.packed.set(points.best, 3 * n);
    this.packed = this.packed.buffer;
    this.features = null;
    if (this.ready && this.map.getLayer("points")) this.map.setPaintProperty("points", "circle-color", typeColourExpression(points.dict.type));
  }

  fail(reason) {
    clear(this.message).append(
      el("strong", {}, "Map unavailable. "), reason,
      " Filters, the timeline, the tables and event details still work.");
    this.message.hidden = false;
    this.container.classList.add("map-off");
    return false;
  }

  addEvents() {
    const map = this.map;
    map.addSource("events", {
      type: "geojson", data: { type: "FeatureCollection", features: [] },
      cluster: true, clusterRadius: 42, clusterMaxZoom: 9,
    });
    for (const layer of eventLayers(this.points ? this.points.dict.type : [])) map.addLayer(layer);
    map.on("click", "points", (e) => {
      const f = e.features && e.features[0];
      if (f) this.onSelect(this.points.ids[f.properties.i]);
    });
    map.on("click", "clusters", async (e) => {
      const f = e.features && e.features[0];
      if (!f) return;
      const zoom = await map.getSource("events").getClusterExpansionZoom(f.properties.cluster_id);
      map.easeTo({ center: f.geometry.coordinates, zoom });
    });
    for (const id of ["points", "clusters"]) {
      map.on("mouseenter", id, () => { map.getCanvas().style.cursor = "pointer"; });
      map.on("mouseleave", id, () => { map.getCanvas().style.cursor = ""; });
    }
  }

  // Show the events whose mask is 1; returns a promise that resolves when the map has redrawn.
  show(mask) {
    if (!this.map || !this.ready || !this.packed) return Promise.resolve(); // start() draws the current mask
    const source = this.map.getSource("events");
    const seq = ++this.seq;
    let data;
    if (this.viaWorker) {
      this.masks.set(seq, mask);
      this.masks.delete(seq - KEEP_MASKS);
      data = `bwevents://${this.version}/${seq}`;
    } else {
      this.features ??= featuresOf(this.points);
      data = { type: "FeatureCollection", features: this.features.filter((f) => mask[f.properties.i] === 1) };
    }
    return new Promise((resolve) => {
      this.map.once("idle", resolve);
      source.setData(data);
    });
  }

  resize() {
    if (this.map) this.map.resize();
  }
}

// One feature per located event, for the fallback path (events-worker.mjs builds the same ones in
// the worker); properties are small codes (index, type, best) to keep copying and clustering cheap.
function featuresOf(points) {
  const out = [];
  for (let i = 0; i < points.n; i++) {
    const lon = points.lon[i];
    const lat = points.lat[i];
    if (Number.isNaN(lon) || Number.isNaN(lat)) continue;
    out.push({
      type: "Feature",
      geometry: { type: "Point", coordinates: [lon, lat] },
      properties: { i, t: points.type[i], b: points.best[i] < 0 ? 0 : points.best[i] },
    });
  }
  return out;
}
