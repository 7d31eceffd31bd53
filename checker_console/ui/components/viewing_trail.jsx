// Records how the checker looks at the images, for QA: per image, seconds on screen, the
// largest zoom, rotation, brightness, contrast and invert. It only reads what the viewers show
// (data-src on .viewer, data-scale and data-rotation on .viewer-frame, the image's CSS filter),
// once a second, and sends one batch through onBatch: every flushSeconds, just before a decision
// (A, or a decision form being submitted) and when the case changes. Never one message per wheel
// tick.
import { useEffect, useRef } from "react";

const IMAGE_ID = /\/images\/(\d+)\/preview/;

function readFilter(filter) {
  const number = (name, fallback) => {
    const found = new RegExp(`${name}\\(([\\d.]+)%?\\)`).exec(filter || "");
    return found ? Number(found[1]) : fallback;
  };
  return {
    brightness: number("brightness", 100) / 100,
    contrast: number("contrast", 100) / 100,
    inverted: /invert\(1\)/.test(filter || ""),
  };
}

function isTyping(target) {
  const tag = (target && target.tagName) || "";
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
}

export function ViewingTrail({ caseId, flushSeconds, onBatch }) {
  const seen = useRef({});
  const send = useRef(onBatch);
  send.current = onBatch;

  useEffect(() => {
    const flush = () => {
      const events = Object.values(seen.current).filter((e) => e.seconds > 0);
      seen.current = {};
      if (events.length && send.current) send.current(events.map((e) => ({ ...e, seconds: Math.round(e.seconds * 10) / 10 })));
    };
    const sample = () => {
      if (document.visibilityState !== "visible") return;
      document.querySelectorAll(".viewer-frame").forEach((frame) => {
        // The image element shows an object URL once loaded; the viewer keeps the route's URL.
        const viewer = frame.closest(".viewer");
        const image = frame.querySelector("img.viewer-image");
        const match = viewer && image && IMAGE_ID.exec(viewer.dataset.src || "");
        if (!match) return;
        const id = Number(match[1]);
        const look = readFilter(image.style.filter);
        const entry = seen.current[id] || { document_id: id, seconds: 0, max_zoom: 1, rotation: 0, brightness: 1, contrast: 1, inverted: false };
        entry.seconds += 1;
        entry.max_zoom = Math.max(entry.max_zoom, Number(frame.dataset.scale) || 1);
        entry.rotation = Number(frame.dataset.rotation) || entry.rotation;
        if (look.brightness !== 1) entry.brightness = look.brightness;
        if (look.contrast !== 1) entry.contrast = look.contrast;
        entry.inverted = entry.inverted || look.inverted;
        seen.current[id] = entry;
      });
    };
    const beforeDecision = (event) => {
      if (event.type === "keydown" && (isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey)) return;
      if (event.type === "keydown" && event.key.toLowerCase() !== "a") return;
      if (event.type === "click" && !(event.target.closest && event.target.closest('[data-shortcut="a"]'))) return;
      flush();
    };
    const ticker = window.setInterval(sample, 1000);
    const flusher = window.setInterval(flush, Math.max(5, Number(flushSeconds) || 15) * 1000);
    window.addEventListener("keydown", beforeDecision, true);
    window.addEventListener("click", beforeDecision, true);
    window.addEventListener("submit", flush, true);
    return () => {
      window.clearInterval(ticker);
      window.clearInterval(flusher);
      window.removeEventListener("keydown", beforeDecision, true);
      window.removeEventListener("click", beforeDecision, true);
      window.removeEventListener("submit", flush, true);
      flush();
    };
  }, [caseId, flushSeconds]);
  return null;
}
