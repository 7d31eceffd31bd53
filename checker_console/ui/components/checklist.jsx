// The decision checklist, ticked in the browser. A tick is the checker's working note until they
// decide: it needs no server and must not wait for one, so ticking sends nothing. The ticks of the
// case on screen are kept in this tab's sessionStorage, under the case's scope, so they survive a
// reload, a reconnect to another server worker, and the reject panel taking the checklist's place.
// The decision event reads them from there (see decision_panel.py), and the server checks them.
import { useEffect, useState } from "react";

export const TICKS_PREFIX = "checker-console.ticks.";

// This page's ticks by scope: what the decision reads, even where sessionStorage is switched off.
const onThisPage = new Map();

function storage() {
  try {
    return typeof window === "undefined" ? null : window.sessionStorage;
  } catch (error) {
    return null; // storage switched off: ticks still work, they just do not survive a reload
  }
}

export function readTicks(scope) {
  if (!scope) return [];
  if (onThisPage.has(scope)) return onThisPage.get(scope);
  const store = storage();
  if (!store) return [];
  try {
    const saved = JSON.parse(store.getItem(TICKS_PREFIX + scope) || "[]");
    return Array.isArray(saved) ? saved.filter((key) => typeof key === "string") : [];
  } catch (error) {
    return [];
  }
}

// Only the case on screen is kept: another case's ticks, or another person's, must never come
// back on this one (the same case can return to this tab after its lease ran out).
function forgetAllBut(scope) {
  for (const name of Array.from(onThisPage.keys())) {
    if (name !== scope) onThisPage.delete(name);
  }
  const store = storage();
  if (!store) return;
  for (let i = store.length - 1; i >= 0; i -= 1) {
    const name = store.key(i);
    if (name && name.startsWith(TICKS_PREFIX) && name !== TICKS_PREFIX + scope) {
      store.removeItem(name);
    }
  }
}

function keepTicks(scope, ticked) {
  forgetAllBut(scope);
  onThisPage.set(scope, ticked);
  const store = storage();
  if (store) store.setItem(TICKS_PREFIX + scope, JSON.stringify(ticked));
}

export function TickedChecklist({ scope, rows, id, className, children }) {
  const [ticked, setTicked] = useState(() => readTicks(scope));
  useEffect(() => {
    forgetAllBut(scope);
    setTicked(readTicks(scope));
  }, [scope]);
  const items = Array.isArray(rows) ? rows : [];
  const confirmed = items.filter((row) => ticked.includes(row.key)).length;
  const toggle = (key) => {
    // From the store, not the render: keys pressed faster than React renders each toggle what
    // the one before left, and always under the scope of the boxes being pressed.
    const current = readTicks(scope);
    const next = current.includes(key) ? current.filter((k) => k !== key) : [...current, key];
    keepTicks(scope, next);
    setTicked(next);
  };
  return (
    <fieldset id={id} tabIndex={-1} className={className}>
      <legend>
        {"Checklist "}
        <span className="check__count">{`${confirmed} of ${items.length} confirmed`}</span>
      </legend>
      {children}
      <ul className="checks">
        {items.map((row) => (
          <li className="check" key={row.key}>
            <input
              type="checkbox"
              id={`check-${row.key}`}
              name="check"
              value={row.key}
              checked={ticked.includes(row.key)}
              onChange={() => toggle(row.key)}
              data-shortcut={row.shortcut}
              className="check__box"
            />
            <label htmlFor={`check-${row.key}`} className="check__label">
              <kbd className="key">{row.shortcut}</kbd>
              {row.text}
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
