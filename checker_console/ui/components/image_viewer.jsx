// A document/selfie viewer that works entirely in the browser: zoom (wheel, buttons, keys),
// pan (drag, arrow keys), rotate in 90-degree steps, reset, brightness, contrast, invert and a
// magnifier loupe. No server round trip per step; nothing but React.
//
// Page-wide keys (+ - [ ] 0, B C I L and arrows) go to the "active" viewer: the one last
// focused, clicked or hovered. Viewers sharing a linkGroup zoom and reset together while linking
// is switched on. An image at or below 100% cannot be panned; a zoomed one only as far as keeps
// it covering its frame. The loupe follows the pointer, or a focus point the arrow keys move.
import React, { useCallback, useEffect, useRef, useState } from "react";
// Keys pressed while typing are text, not viewer keys: the same rule the page shortcuts follow.
import { isTyping } from "./shortcuts.jsx";

const MIN_SCALE = 0.2;
const MAX_SCALE = 12;
const STEP = 1.25;
const LOUPE_RADIUS = 90;
const LOUPE_POWER = 2.5;
const LOUPE_STEP = 30;
// A load cut off (a server worker restarted mid-image, a network blip) is tried again by itself,
// after 0.5, 1, 2 and 4 s, before the checker is asked to do anything.
const RETRY_DELAYS_MS = [500, 1000, 2000, 4000];
const registry = new Map();
let activeId = null;
let linked = false;
let keysInstalled = false;

function installKeys() {
  if (keysInstalled || typeof window === "undefined") return;
  keysInstalled = true;
  window.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    if (document.querySelector('[role="dialog"][aria-modal="true"]')) return;
    const id = activeId && registry.has(activeId) ? activeId : registry.keys().next().value;
    const viewer = id ? registry.get(id) : null;
    if (viewer && viewer.onKey(event.key)) event.preventDefault();
  });
}

// Every view change a linked viewer makes, its partners make too: zoom and reset.
function broadcast(group, sourceId, change) {
  if (!linked || !group) return;
  registry.forEach((viewer, id) => {
    if (id !== sourceId && viewer.group === group) change(viewer);
  });
}

export function setLinkedZoom(value) {
  linked = value;
}

// Prefetched images: URL -> object URL of bytes already fetched (and decoded) in this tab, so a
// viewer given that URL paints at once. The image route answers "no-store", so nothing is kept
// in the HTTP cache; these live in memory only and are released once no viewer shows them.
const prefetched = new Map();
const MAX_PREFETCHED = 16;

function shownSources() {
  const shown = new Set();
  registry.forEach((viewer) => shown.add(viewer.src));
  return shown;
}

function forgetOldPrefetches(keep) {
  if (prefetched.size <= MAX_PREFETCHED) return;
  const shown = shownSources();
  for (const [url, objectUrl] of prefetched) {
    if (prefetched.size <= MAX_PREFETCHED) break;
    if (!keep.has(url) && !shown.has(url)) {
      URL.revokeObjectURL(objectUrl);
      prefetched.delete(url);
    }
  }
}

const inFlight = new Map();

function prefetch(url) {
  if (prefetched.get(url)) return Promise.resolve();
  if (!inFlight.has(url)) {
    inFlight.set(url, fetchAndDecode(url).finally(() => inFlight.delete(url)));
  }
  return inFlight.get(url);
}

async function fetchAndDecode(url) {
  try {
    const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const objectUrl = URL.createObjectURL(await response.blob());
    const image = new Image();
    image.src = objectUrl;
    if (image.decode) await image.decode().catch(() => undefined);
    prefetched.set(url, objectUrl);
  } catch (error) {
    prefetched.delete(url); // the viewer will fetch it normally
  }
}

// Loads the given image URLs in the background (the checker's next case). Renders only a
// hidden marker saying how many are ready, for tests and the benchmark.
export function ImagePrefetch({ urls }) {
  const list = urls || [];
  const key = list.join(" ");
  const [ready, setReady] = useState(0);
  useEffect(() => {
    let current = true;
    setReady(0);
    Promise.all(list.map((url) => prefetch(url).then(() => {
      if (current) setReady((count) => count + 1);
    })));
    forgetOldPrefetches(new Set(list));
    return () => { current = false; };
  }, [key]);
  return <span id="image-prefetch" hidden data-wanted={list.length} data-ready={ready} />;
}

const clamp = (value, low, high) => Math.min(high, Math.max(low, value));

// Keeps a view's offset where the image still covers its frame: none at all up to 100%.
function keepInView(view, element) {
  const box = element ? element.getBoundingClientRect() : { width: 0, height: 0 };
  const spare = Math.max(0, view.scale - 1);
  const maxX = (box.width * spare) / 2;
  const maxY = (box.height * spare) / 2;
  return { ...view, x: clamp(view.x, -maxX, maxX), y: clamp(view.y, -maxY, maxY) };
}
const initial = { scale: 1, x: 0, y: 0, rotation: 0, brightness: 100, contrast: 100, invert: false };

export function ImageViewer({ src, alt, viewerId, linkGroup, label, linkedZoom, ...rest }) {
  const frame = useRef(null);
  const drag = useRef(null);
  const [view, setView] = useState(initial);
  const [loupe, setLoupe] = useState(false);
  const [lens, setLens] = useState(null);
  // The tooltip of the toolbar button under the pointer or keyboard focus.
  const [tip, setTip] = useState("");
  // The src whose image has painted: a new src is "not loaded" from its very first render.
  const [loadedSrc, setLoadedSrc] = useState(null);
  const [failed, setFailed] = useState(false);
  // Loads that failed in a row since the last success or "Try again", and reloads in all (each
  // reload asks for a distinct URL, so the browser really fetches it again).
  const [failures, setFailures] = useState(0);
  const [reloads, setReloads] = useState(0);
  const retryTimer = useRef(null);
  const loaded = loadedSrc === src;
  const ready = src ? prefetched.get(src) : null;
  const shown = ready || (src && reloads ? `${src}${src.includes("?") ? "&" : "?"}reload=${reloads}` : src);
  const onImageError = () => {
    if (failures >= RETRY_DELAYS_MS.length) { setFailed(true); return; }
    retryTimer.current = setTimeout(() => setReloads((n) => n + 1), RETRY_DELAYS_MS[failures]);
    setFailures((n) => n + 1);
  };
  const tryAgain = () => { setFailed(false); setFailures(0); setReloads((n) => n + 1); };

  // A new image (the next case, another page) starts with every tool back at rest.
  useEffect(() => {
    setView(initial);
    setFailed(false);
    setFailures(0);
    setReloads(0);
    clearTimeout(retryTimer.current);
    setLoupe(false);
    setLens(null);
  }, [src]);

  useEffect(() => {
    linked = Boolean(linkedZoom);
  }, [linkedZoom]);

  // A retry still waiting when the viewer goes (the page moved on) is dropped with it.
  useEffect(() => () => clearTimeout(retryTimer.current), []);

  const zoomBy = useCallback((factor, point, propagate = true) => {
    setView((v) => {
      const scale = clamp(v.scale * factor, MIN_SCALE, MAX_SCALE);
      const real = scale / v.scale;
      // Keep the point under the cursor still while zooming.
      const px = point ? point.x : 0;
      const py = point ? point.y : 0;
      const zoomed = { ...v, scale, x: px - (px - v.x) * real, y: py - (py - v.y) * real };
      return keepInView(zoomed, frame.current);
    });
    if (propagate) broadcast(linkGroup, viewerId, (other) => other.zoomBy(factor, null, false));
  }, [linkGroup, viewerId]);

  const reset = useCallback((propagate = true) => {
    setView(initial);
    if (propagate) broadcast(linkGroup, viewerId, (other) => other.reset(false));
  }, [linkGroup, viewerId]);

  // The loupe's focus point when the keyboard drives it: the frame's centre to begin with.
  const lensAtCentre = () => {
    const box = frame.current ? frame.current.getBoundingClientRect() : null;
    return box ? { x: box.width / 2, y: box.height / 2, w: box.width, h: box.height } : null;
  };
  const moveLens = (dx, dy) => setLens((current) => {
    const lensNow = current || lensAtCentre();
    if (!lensNow) return current;
    return { ...lensNow, x: clamp(lensNow.x + dx, 0, lensNow.w), y: clamp(lensNow.y + dy, 0, lensNow.h) };
  });

  const actions = {
    zoomIn: () => zoomBy(STEP),
    zoomOut: () => zoomBy(1 / STEP),
    rotateLeft: () => setView((v) => ({ ...v, rotation: (v.rotation + 270) % 360 })),
    rotateRight: () => setView((v) => ({ ...v, rotation: (v.rotation + 90) % 360 })),
    reset: () => reset(),
    brighter: () => setView((v) => ({ ...v, brightness: clamp(v.brightness + 20, 20, 300) })),
    darker: () => setView((v) => ({ ...v, brightness: clamp(v.brightness - 20, 20, 300) })),
    moreContrast: () => setView((v) => ({ ...v, contrast: clamp(v.contrast + 20, 20, 300) })),
    lessContrast: () => setView((v) => ({ ...v, contrast: clamp(v.contrast - 20, 20, 300) })),
    invert: () => setView((v) => ({ ...v, invert: !v.invert })),
    loupe: () => {
      setLens(loupe ? null : lensAtCentre());
      setLoupe(!loupe);
    },
    pan: (dx, dy) => setView((v) => keepInView({ ...v, x: v.x + dx, y: v.y + dy }, frame.current)),
  };
  // Arrow keys move the loupe's focus point while it is on, the zoomed image otherwise.
  const arrow = (dx, dy) => (loupe ? moveLens(dx * LOUPE_STEP, dy * LOUPE_STEP) : actions.pan(-dx * 60, -dy * 60));

  const onKey = (key) => {
    const map = {
      "+": actions.zoomIn, "=": actions.zoomIn, "-": actions.zoomOut, "_": actions.zoomOut,
      "[": actions.rotateLeft, "]": actions.rotateRight, "0": actions.reset,
      b: actions.brighter, B: actions.darker, c: actions.moreContrast, C: actions.lessContrast,
      i: actions.invert, I: actions.invert, l: actions.loupe, L: actions.loupe,
      ArrowLeft: () => arrow(-1, 0), ArrowRight: () => arrow(1, 0),
      ArrowUp: () => arrow(0, -1), ArrowDown: () => arrow(0, 1),
    };
    const action = map[key];
    if (!action) return false;
    action();
    return true;
  };

  const handle = useRef({});
  handle.current = { onKey, zoomBy, reset, group: linkGroup, src };
  useEffect(() => {
    installKeys();
    const entry = {
      onKey: (k) => handle.current.onKey(k),
      zoomBy: (...a) => handle.current.zoomBy(...a),
      reset: (...a) => handle.current.reset(...a),
      get group() { return handle.current.group; },
      get src() { return handle.current.src; },
    };
    registry.set(viewerId, entry);
    return () => {
      registry.delete(viewerId);
      if (activeId === viewerId) activeId = null;
    };
  }, [viewerId]);

  const centrePoint = (event) => {
    const box = frame.current.getBoundingClientRect();
    return { x: event.clientX - box.left - box.width / 2, y: event.clientY - box.top - box.height / 2 };
  };

  useEffect(() => {
    const element = frame.current;
    if (!element) return undefined;
    const onWheel = (event) => {
      event.preventDefault();
      activeId = viewerId;
      zoomBy(event.deltaY < 0 ? 1.1 : 1 / 1.1, centrePoint(event));
    };
    element.addEventListener("wheel", onWheel, { passive: false });
    return () => element.removeEventListener("wheel", onWheel);
  }, [zoomBy, viewerId]);

  const onPointerDown = (event) => {
    activeId = viewerId;
    drag.current = { x: event.clientX, y: event.clientY };
    event.currentTarget.setPointerCapture(event.pointerId);
  };
  const onPointerMove = (event) => {
    if (loupe) {
      const box = frame.current.getBoundingClientRect();
      setLens({ x: event.clientX - box.left, y: event.clientY - box.top, w: box.width, h: box.height });
    }
    if (!drag.current) return;
    const dx = event.clientX - drag.current.x;
    const dy = event.clientY - drag.current.y;
    drag.current = { x: event.clientX, y: event.clientY };
    actions.pan(dx, dy);
  };
  const onPointerUp = () => {
    drag.current = null;
  };

  const filter = `brightness(${view.brightness}%) contrast(${view.contrast}%)${view.invert ? " invert(1)" : ""}`;
  const transform = `translate(${view.x}px, ${view.y}px) scale(${view.scale}) rotate(${view.rotation}deg)`;
  // Each tool: a short face, and a tooltip (on hover and on keyboard focus) that is also its
  // accessible name, with its key.
  const button = (text, name, keys, onClick, pressed) => (
    <button type="button" className="viewer-button" aria-label={`${name} (${keys})`}
      aria-keyshortcuts={keys} aria-pressed={pressed === undefined ? undefined : pressed}
      onClick={onClick} onMouseEnter={() => setTip(`${name} (${keys})`)}
      onFocus={() => setTip(`${name} (${keys})`)} onMouseLeave={() => setTip("")}
      onBlur={() => setTip("")}>{text}</button>
  );

  return (
    <div className="viewer" id={viewerId} data-loaded={loaded ? "true" : "false"}
      data-src={src || ""} data-prefetched={ready ? "true" : "false"} {...rest}>
      <div className="viewer-toolbar" role="toolbar" aria-label={`${label} controls`}>
        {button("+", "Zoom in", "+", actions.zoomIn)}
        {button("\u2212", "Zoom out", "-", actions.zoomOut)}
        {button("\u27F2", "Rotate left", "[", actions.rotateLeft)}
        {button("\u27F3", "Rotate right", "]", actions.rotateRight)}
        {button("Reset", "Reset view", "0", actions.reset)}
        {button("Light+", "Brighter", "B", actions.brighter)}
        {button("Light\u2212", "Darker", "Shift+B", actions.darker)}
        {button("Contr+", "More contrast", "C", actions.moreContrast)}
        {button("Contr\u2212", "Less contrast", "Shift+C", actions.lessContrast)}
        {button("Invert", "Invert colours", "I", actions.invert, view.invert)}
        {button("Loupe", "Magnifier loupe", "L", actions.loupe, loupe)}
        <span className="viewer-status" aria-live="polite">
          {Math.round(view.scale * 100)}% · {view.rotation}°
        </span>
      </div>
      {failed ? <div className="viewer-error" role="alert">
        <p>This image could not be loaded after {RETRY_DELAYS_MS.length + 1} tries. Try again; if
          it still fails, refer the case.</p>
        <button type="button" className="viewer-retry" onClick={tryAgain}>Try again</button>
      </div> : null}
      <div ref={frame} className="viewer-frame" tabIndex={0} role="img" aria-label={alt}
        onFocus={() => { activeId = viewerId; }} onMouseEnter={() => { activeId = viewerId; }}
        onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={onPointerUp}
        onPointerLeave={() => { if (loupe) setLens(lensAtCentre()); }}
        data-scale={view.scale.toFixed(3)} data-rotation={view.rotation}
        data-x={Math.round(view.x)} data-y={Math.round(view.y)} data-brightness={view.brightness}
        data-contrast={view.contrast} data-invert={view.invert ? "true" : "false"}
        data-loupe={loupe ? "on" : "off"}>
        {tip ? <span className="viewer-tip" aria-hidden="true">{tip}</span> : null}
        {src ? <img src={shown} alt="" draggable={false} decoding="async"
          onLoad={() => {
            setLoadedSrc(src);
            setFailures(0);
            if (window.performance) performance.mark(`painted:${viewerId}:${src}`);
          }}
          onError={onImageError}
          style={{ transform, filter, transformOrigin: "center center" }} className="viewer-image" />
          : <p className="viewer-empty">No image</p>}
        {loupe && lens && src ? (
          // An exact replica of the frame, magnified about the pointer and clipped to a circle.
          <div className="viewer-loupe" aria-hidden="true"
            style={{ left: lens.x - LOUPE_RADIUS, top: lens.y - LOUPE_RADIUS }}>
            <div style={{
              position: "absolute", width: lens.w, height: lens.h, transformOrigin: "0 0",
              transform: `scale(${LOUPE_POWER})`,
              left: LOUPE_RADIUS - lens.x * LOUPE_POWER, top: LOUPE_RADIUS - lens.y * LOUPE_POWER,
            }}>
              <img src={shown} alt="" draggable={false} className="viewer-image"
                style={{ transform, filter, transformOrigin: "center center" }} />
            </div>
          </div>
        ) : null}
      </div>
    </div>
  );
}
