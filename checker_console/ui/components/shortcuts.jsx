// Page-wide keyboard shortcuts with no server round trip of their own: a key "presses" the
// visible button that declares it with data-shortcut="<key> ...", so a shortcut always does exactly
// what clicking that button does, and a disabled or hidden button cannot be triggered.
import { useEffect } from "react";

// Inputs that take typed text; keys pressed in them are typing, not shortcuts. A focused
// checkbox, radio or button is not typing: shortcuts keep working after ticking an item.
const NOT_TEXT = new Set(["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"]);

export function isTyping(target) {
  if (!target) return false;
  const tag = (target.tagName || "").toLowerCase();
  if (tag === "input") return !NOT_TEXT.has((target.type || "text").toLowerCase());
  return tag === "textarea" || tag === "select" || target.isContentEditable;
}

function visible(element) {
  return Boolean(element.offsetWidth || element.offsetHeight || element.getClientRects().length);
}

export function KeyboardShortcuts() {
  useEffect(() => {
    const onKey = (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "Escape" && isTyping(event.target)) {
        // Escape leaves the text box and, inside a panel with a Cancel (Escape) button, closes
        // the panel too: leaving the box first keeps what was typed for when it reopens.
        const panel = event.target.closest("form");
        event.target.blur();
        const cancel = panel && panel.querySelector('[data-shortcut~="Escape"]');
        if (cancel && visible(cancel)) {
          event.preventDefault();
          cancel.click();
        }
        return;
      }
      if (isTyping(event.target)) return;
      const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
      // An open modal dialog owns the keyboard: only its own shortcuts (Escape to close) work.
      const dialog = document.querySelector('[role="dialog"][aria-modal="true"]');
      const scope = dialog && visible(dialog) ? dialog : document;
      // data-shortcut holds one key or several, space-separated ("Escape r").
      const candidates = scope.querySelectorAll(`[data-shortcut~="${CSS.escape(key)}"]`);
      const target = Array.from(candidates).find((el) => visible(el) && !el.disabled &&
        el.getAttribute("aria-disabled") !== "true");
      if (!target) return;
      event.preventDefault();
      if (target.matches("input[type=checkbox], [role=checkbox]")) {
        target.click();
        target.focus();
      } else if (target.matches("textarea, input, select")) {
        target.focus();
      } else {
        target.click();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  return null;
}
