// The map: MapLibre, loaded only when the browser can give it a WebGL context, so a machine without
// WebGL still gets the filters, timeline, tables and detail panel (the map area says why it is empty).
//
// Events are clustered here, not by MapLibre: a grid per integer zoom over the filtered events' typed
// columns, limited to the view and a margin around it, takes a few milliseconds for 100,000 events. The
// map's GeoJSON source receives only the clusters and single events of that grid (a few hundred
// features), so MapLibre has no index to rebuild on a filter change, and nothing large crosses to its
// worker. Single events are coloured by type and sized by best fatalities; clusters are sized by count.
// The country outlines are a local GeoJSON layer; base tiles only when /api/config names a tile URL.
//
// MapLibre's first render takes 1 to 2 s in software GL. Until it has drawn the events, a plain 2D canvas
// (the preview) shows the same first view: the outlines, and the same grid's clusters and events in the
// layers' colours and sizes. Where WebGL is missing the preview stays, a picture that follows the filters.

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
const TILE_PX = 512; // MapLibre's world is 512 px wide at zoom 0
const CELL_PX = 40; // a cluster gathers the events in a square this wide on screen (at its integer zoom)
const CLUSTER_MAX_ZOOM = 10; // above it every event is drawn on its own
const MARGIN = 1; // views of margin computed around the visible one, so a short pan needs no regrouping
const EMPTY = { type: "FeatureCollection", features: [] };
// Circle sizes, shared by the MapLibre layers and the preview: a cluster's radius steps up with its
// count (radius below the first count, then count, radius pairs); an event's grows with its deaths.
const CLUSTER_RADIUS_STEPS = [10, 10, 14, 100, 19, 1000, 25, 10000, 32];
const POINT_RADIUS_STOPS = [[0, 4], [1, 5], [10, 9], [50, 14], [200, 20]];
const COLOURS = {
  background: "#eef2f5", focus: "#fbfaf6", neighbour: "#e8e6df", border: "#7a7466", cluster: "#34495e", stroke: "#fff",
};
const CLUSTER_OPACITY = 0.72;
const POINT_OPACITY = 0.9;

export function typeColour(name) {
  return TYPE_COLOURS[name] || FALLBACK_COLOUR;
}

// Asked only when the map could not start (a throwaway context costs ~0.4 s in software GL).
export function webglAvailable() {
  try {
    return Boolean(document.createElement("canvas").getContext("webgl2"));
  } catch {
    return false;
  }
}

// Outlines and the (empty) events layers: in the first style, so the first render compiles every
// program the events need. Tiles are added when /api/config names them (addTiles).
function styleFor() {
  const sources = { outlines: { type: "geojson", data: OUTLINES_URL }, events: { type: "geojson", data: EMPTY } };
  const layers = [
    { id: "background", type: "background", paint: { "background-color": COLOURS.background } },
    { id: "countries", type: "fill", source: "outlines",
      // no antialiased edge: the border line is drawn over it (one WebGL pass less per redraw)
      paint: { "fill-color": ["case", ["get", "focus"], COLOURS.focus, COLOURS.neighbour], "fill-opacity": 1,
        "fill-antialias": false } },
    { id: "borders", type: "line", source: "outlines", paint: { "line-color": COLOURS.border, "line-width": 1.2 } },
    ...eventLayers([]),
  ];
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
        "circle-color": COLOURS.cluster, "circle-opacity": CLUSTER_OPACITY, "circle-stroke-color": COLOURS.stroke,
        "circle-stroke-width": 1, "circle-radius": ["step", ["get", "point_count"], ...CLUSTER_RADIUS_STEPS],
      } },
    { id: "points", type: "circle", source: "events", filter: ["!", ["has", "point_count"]],
      paint: {
        "circle-color": typeColourExpression(types),
        "circle-radius": ["interpolate", ["linear"], ["get", "b"], ...POINT_RADIUS_STOPS.flat()],
        "circle-stroke-color": COLOURS.stroke, "circle-stroke-width": 1, "circle-opacity": POINT_OPACITY,
      } },
  ];
}

function clusterRadius(count) {
  let radius = CLUSTER_RADIUS_STEPS[0];
  for (let k = 1; k < CLUSTER_RADIUS_STEPS.length; k += 2) {
    if (count >= CLUSTER_RADIUS_STEPS[k]) radius = CLUSTER_RADIUS_STEPS[k + 1];
  }
  return radius;
}

function pointRadius(deaths) {
  const stops = POINT_RADIUS_STOPS;
  if (deaths <= stops[0][0]) return stops[0][1];
  for (let k = 1; k < stops.length; k++) {
    const [x1, r1] = stops[k];
    if (deaths <= x1) {
      const [x0, r0] = stops[k - 1];
      return r0 + ((deaths - x0) / (x1 - x0)) * (r1 - r0);
    }
  }
  return stops[stops.length - 1][1];
}

export class EventMap {
  constructor(container, message, onSelect, preview = null) {
    this.container = container;
    this.message = message;
    this.preview = preview; // a 2D canvas over the map, shown until MapLibre has drawn the events
    this.outlines = preview ? fetch(OUTLINES_URL).then((r) => r.json()).catch(() => null) : Promise.resolve(null);
    this.previewFeatures = null; // what the preview last drew
    this.library = null;
    this.onSelect = onSelect;
    this.map = null;
    this.ready = false;
    this.points = null;
    this.mask = null;
    this.drawn = null; // the grid last drawn: { zoom, area }, to regroup only when the view leaves it
    this.features = null; // what was last given to MapLibre
  }

  // Starts the map (without events) while the events and the config download; resolves true once its
  // style has loaded and drawn, false when it cannot run here (the message says why).
  // The library's download and evaluation, which can run beside everything else (start() waits for it).
  loadLibrary() {
    if (!this.library) {
      this.library = import(MAPLIBRE_URL).then((module) => {
        performance.mark("bw-map-library-loaded");
        return module;
      });
      this.library.catch(() => {}); // start() reports the failure
    }
    return this.library;
  }

  // Creating the map is started by the page once its first view is on screen: the WebGL context and the
  // shaders MapLibre compiles hold up every frame of the page until they are done (a second or more in
  // software GL), the preview's included.
  async start() {
    performance.mark("bw-map-start");
    let maplibregl;
    try {
      maplibregl = await this.loadLibrary();
    } catch (error) {
      return this.fail(`The map library could not be loaded (${error.message}).`);
    }
    return new Promise((resolve) => {
      try {
        this.map = new maplibregl.Map({
          container: this.container, style: styleFor(), ...VIEW, attributionControl: { compact: true },
          fadeDuration: 0, validateStyle: false,
        });
      } catch (error) {
        this.map = null;
        clear(this.container); // what MapLibre built before its context failed
        resolve(this.fail(webglAvailable()
          ? `The map could not start (${error.message}).`
          : "The map needs WebGL, which this browser cannot provide here."));
        return;
      }
      this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
      this.map.on("error", (e) => console.warn("map:", e.error?.message || e));
      this.map.on("load", () => {
        this.wireEvents();
        this.ready = true;
        if (this.points) this.colourByType();
        resolve(true);
      });
    });
  }

  // The optional raster base layer, under the outlines (which then let it show through).
  addTiles(tilesUrl) {
    if (!tilesUrl || !this.map) return;
    const add = () => {
      this.map.addSource("tiles", { type: "raster", tiles: [tilesUrl], tileSize: 256, attribution: "Map tiles: see /api/config" });
      this.map.addLayer({ id: "tiles", type: "raster", source: "tiles" }, "countries");
      this.map.setPaintProperty("countries", "fill-opacity", 0.25);
    };
    if (this.ready) add();
    else this.map.once("load", add);
  }

  colourByType() {
    this.map.setPaintProperty("points", "circle-color", typeColourExpression(this.points.dict.type));
  }

  // The events to draw from now on (once, after they are loaded): their Web Mercator positions, 0 to 1.
  setPoints(points) {
    this.points = points;
    const n = points.n;
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      this.x[i] = mercatorX(points.lon[i]);
      this.y[i] = mercatorY(points.lat[i]);
    }
    if (this.ready) this.colourByType();
  }

  fail(reason) {
    clear(this.message).append(
      el("strong", {}, "Map unavailable. "), reason,
      this.preview ? " The picture shows the filtered events, without zooming or clicking." : "",
      " Filters, the timeline, the tables and event details still work.");
    this.message.hidden = false;
    this.container.classList.add("map-off");
    return false;
  }

  wireEvents() {
    const map = this.map;
    map.on("click", "points", (e) => {
      const f = e.features && e.features[0];
      if (f) this.onSelect(this.points.idAt(f.properties.i));
    });
    map.on("click", "clusters", (e) => {
      const f = e.features && e.features[0];
      if (f) this.zoomInto(f.properties);
    });
    for (const id of ["points", "clusters"]) {
      map.on("mouseenter", id, () => { map.getCanvas().style.cursor = "pointer"; });
      map.on("mouseleave", id, () => { map.getCanvas().style.cursor = ""; });
    }
    map.on("moveend", () => {
      if (this.mask && this.needsRegrouping()) this.draw();
    });
  }

  // Zoom so the cluster's events fill the view, at least one zoom level in (where its cell splits).
  zoomInto({ w, s, e, n }) {
    const camera = this.map.cameraForBounds([[w, s], [e, n]], { padding: 60, maxZoom: CLUSTER_MAX_ZOOM + 1 });
    const zoom = Math.max(camera?.zoom ?? 0, Math.floor(this.map.getZoom()) + 1);
    this.map.easeTo({ center: camera?.center ?? [(w + e) / 2, (s + n) / 2], zoom });
  }

  // Show the events whose mask is 1; returns a promise that resolves when they are on screen: on the map
  // once it has redrawn, else (still starting, or unavailable) on the preview.
  show(mask) {
    this.mask = mask;
    if (!this.points) return Promise.resolve();
    if (!this.map || !this.ready) return this.drawPreview(); // start() then puts the current mask on the map
    return new Promise((resolve) => {
      this.map.once("idle", () => {
        this.hidePreview();
        resolve();
      });
      this.draw();
    });
  }

  // The first view, as MapLibre will draw it, on the 2D canvas; resolves after the frame that shows it.
  async drawPreview() {
    const canvas = this.preview;
    if (!canvas || canvas.hidden) return;
    const outlines = await this.outlines;
    if (canvas.hidden) return; // the map drew first
    const { width, height } = canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const frame = initialFrame(width, height);
    ctx.fillStyle = COLOURS.background;
    ctx.fillRect(0, 0, width, height);
    if (outlines) drawOutlines(ctx, outlines, frame);
    const features = gridFeatures(this.points, this.x, this.y, this.mask, Math.floor(VIEW.zoom), frame.area);
    this.previewFeatures = { features, frame };
    drawFeatures(ctx, features, frame, this.points.dict.type);
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  }

  hidePreview() {
    if (this.preview) this.preview.hidden = true;
  }

  // What the preview drew, in pixels from the map's corner, in drawnTargets' shape (for tests).
  previewTargets() {
    if (!this.previewFeatures) return [];
    const { features, frame } = this.previewFeatures;
    return features.map((f) => {
      const [x, y] = frame.pixel(mercatorX(f.geometry.coordinates[0]), mercatorY(f.geometry.coordinates[1]));
      const cluster = "point_count" in f.properties;
      return { kind: cluster ? "cluster" : "event", x, y, count: cluster ? f.properties.point_count : 1,
        id: cluster ? null : this.points.idAt(f.properties.i) };
    });
  }

  draw() {
    const zoom = Math.floor(this.map.getZoom());
    const area = viewArea(this.map, MARGIN);
    this.drawn = { zoom, area };
    const features = zoom > CLUSTER_MAX_ZOOM
      ? singleFeatures(this.points, this.x, this.y, this.mask, area)
      : gridFeatures(this.points, this.x, this.y, this.mask, zoom, area);
    this.features = features;
    this.map.getSource("events").setData({ type: "FeatureCollection", features });
  }

  // What is drawn, in pixels from the map's corner (for tests and the benchmark: a cluster's count, a
  // single event's id).
  drawnTargets() {
    if (!this.map || !this.features) return [];
    return this.features.map((f) => {
      const { x, y } = this.map.project(f.geometry.coordinates);
      const cluster = "point_count" in f.properties;
      return { kind: cluster ? "cluster" : "event", x, y, count: cluster ? f.properties.point_count : 1,
        id: cluster ? null : this.points.idAt(f.properties.i) };
    });
  }

  needsRegrouping() {
    const zoom = Math.floor(this.map.getZoom());
    if (!this.drawn || Math.min(zoom, CLUSTER_MAX_ZOOM + 1) !== Math.min(this.drawn.zoom, CLUSTER_MAX_ZOOM + 1)) return true;
    const seen = viewArea(this.map, 0);
    const had = this.drawn.area;
    return seen.x0 < had.x0 || seen.x1 > had.x1 || seen.y0 < had.y0 || seen.y1 > had.y1;
  }

  resize() {
    if (this.map) this.map.resize();
  }
}

function mercatorX(lon) {
  return (lon + 180) / 360; // NaN stays NaN: an event without a place is never drawn
}

function mercatorY(lat) {
  const clamped = Math.max(-85.05, Math.min(85.05, lat));
  const sin = Math.sin((clamped * Math.PI) / 180);
  return 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI);
}

const lonOfX = (x) => x * 360 - 180;
const latOfY = (y) => (360 / Math.PI) * Math.atan(Math.exp((0.5 - y) * 2 * Math.PI)) - 90;

// The part of the world (Mercator, 0 to 1) in view, widened by `margin` views on each side.
function viewArea(map, margin) {
  const b = map.getBounds();
  return widened(mercatorX(b.getWest()), mercatorX(b.getEast()), mercatorY(b.getNorth()), mercatorY(b.getSouth()),
    margin);
}

function widened(x0, x1, y0, y1, margin) {
  const dx = (x1 - x0) * margin;
  const dy = (y1 - y0) * margin;
  const clamp = (v) => Math.max(0, Math.min(1, v));
  return { x0: clamp(x0 - dx), x1: clamp(x1 + dx), y0: clamp(y0 - dy), y1: clamp(y1 + dy) };
}

// The map's first view (VIEW) in a box of this size: Mercator to pixels, and the area the grid covers,
// as MapLibre frames it (the centre in the middle, TILE_PX * 2^zoom pixels across the world).
function initialFrame(width, height) {
  const world = TILE_PX * 2 ** VIEW.zoom;
  const cx = mercatorX(VIEW.center[0]);
  const cy = mercatorY(VIEW.center[1]);
  const halfX = width / 2 / world;
  const halfY = height / 2 / world;
  return {
    pixel: (x, y) => [(x - cx) * world + width / 2, (y - cy) * world + height / 2],
    area: widened(cx - halfX, cx + halfX, cy - halfY, cy + halfY, MARGIN),
  };
}

function drawOutlines(ctx, outlines, frame) {
  for (const feature of outlines.features || []) {
    const geometry = feature.geometry || {};
    const polygons = geometry.type === "Polygon" ? [geometry.coordinates]
      : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    ctx.beginPath();
    for (const rings of polygons) {
      for (const ring of rings) {
        ring.forEach(([lon, lat], k) => {
          const [px, py] = frame.pixel(mercatorX(lon), mercatorY(lat));
          if (k === 0) ctx.moveTo(px, py);
          else ctx.lineTo(px, py);
        });
        ctx.closePath();
      }
    }
    ctx.fillStyle = feature.properties?.focus ? COLOURS.focus : COLOURS.neighbour;
    ctx.fill("evenodd");
    ctx.strokeStyle = COLOURS.border;
    ctx.lineWidth = 1.2;
    ctx.stroke();
  }
}

function drawFeatures(ctx, features, frame, types) {
  ctx.lineWidth = 1;
  ctx.strokeStyle = COLOURS.stroke;
  for (const f of features) {
    const [lon, lat] = f.geometry.coordinates;
    const [px, py] = frame.pixel(mercatorX(lon), mercatorY(lat));
    const cluster = "point_count" in f.properties;
    const radius = cluster ? clusterRadius(f.properties.point_count) : pointRadius(f.properties.b);
    ctx.globalAlpha = cluster ? CLUSTER_OPACITY : POINT_OPACITY;
    ctx.fillStyle = cluster ? COLOURS.cluster : typeColour(types[f.properties.t]);
    ctx.beginPath();
    ctx.arc(px, py, radius, 0, 2 * Math.PI);
    ctx.fill();
    ctx.globalAlpha = 1; // MapLibre's stroke is opaque and lies outside the radius
    ctx.beginPath();
    ctx.arc(px, py, radius + 0.5, 0, 2 * Math.PI);
    ctx.stroke();
  }
}

function pointFeature(points, i) {
  const b = points.best[i];
  return {
    type: "Feature", geometry: { type: "Point", coordinates: [points.lon[i], points.lat[i]] },
    properties: { i, t: points.type[i], b: b < 0 ? 0 : b },
  };
}

// The filtered events in `area` grouped by a grid of CELL_PX squares at integer `zoom`: a cell with
// one event is that event; one with more is a cluster at their centroid, carrying its count and the
// bounds of its events (to zoom into them). The grid is anchored to the world, so panning keeps clusters.
export function gridFeatures(points, x, y, mask, zoom, area) {
  const cells = (TILE_PX * 2 ** zoom) / CELL_PX; // cells across the world
  const gx0 = Math.floor(area.x0 * cells);
  const gy0 = Math.floor(area.y0 * cells);
  const width = Math.floor(area.x1 * cells) - gx0 + 1;
  const height = Math.floor(area.y1 * cells) - gy0 + 1;
  const size = width * height;
  const count = new Uint32Array(size);
  const first = new Int32Array(size);
  const sumX = new Float64Array(size);
  const sumY = new Float64Array(size);
  const minX = new Float64Array(size).fill(Infinity);
  const maxX = new Float64Array(size).fill(-Infinity);
  const minY = new Float64Array(size).fill(Infinity);
  const maxY = new Float64Array(size).fill(-Infinity);
  const { x0, x1, y0, y1 } = area;
  for (let i = 0; i < points.n; i++) {
    const px = x[i];
    const py = y[i];
    // NaN (no place) fails every comparison, so it is skipped here too
    if (mask[i] !== 1 || !(px >= x0 && px <= x1 && py >= y0 && py <= y1)) continue;
    const c = (Math.floor(py * cells) - gy0) * width + (Math.floor(px * cells) - gx0);
    if (count[c]++ === 0) first[c] = i;
    sumX[c] += px;
    sumY[c] += py;
    if (px < minX[c]) minX[c] = px;
    if (px > maxX[c]) maxX[c] = px;
    if (py < minY[c]) minY[c] = py;
    if (py > maxY[c]) maxY[c] = py;
  }
  const features = [];
  for (let c = 0; c < size; c++) {
    const k = count[c];
    if (k === 0) continue;
    if (k === 1) {
      features.push(pointFeature(points, first[c]));
      continue;
    }
    features.push({
      type: "Feature", geometry: { type: "Point", coordinates: [lonOfX(sumX[c] / k), latOfY(sumY[c] / k)] },
      properties: { point_count: k, w: lonOfX(minX[c]), e: lonOfX(maxX[c]), n: latOfY(minY[c]), s: latOfY(maxY[c]) },
    });
  }
  return features;
}

// Every filtered event in `area`, each on its own (above CLUSTER_MAX_ZOOM, where the view is small).
function singleFeatures(points, x, y, mask, area) {
  const features = [];
  const { x0, x1, y0, y1 } = area;
  for (let i = 0; i < points.n; i++) {
    const px = x[i];
    const py = y[i];
    if (mask[i] === 1 && px >= x0 && px <= x1 && py >= y0 && py <= y1) features.push(pointFeature(points, i));
  }
  return features;
}
