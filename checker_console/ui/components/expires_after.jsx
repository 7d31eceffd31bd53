// Shows its children for `ms` milliseconds after each new `token`, then nothing: the decision's
// confirmation, with its Undo button, leaves the screen when the undo window closes.
import React, { useEffect, useState } from "react";

export function ExpiresAfter({ ms, token, children }) {
  const [live, setLive] = useState(true);
  useEffect(() => {
    setLive(true);
    const timer = setTimeout(() => setLive(false), Math.max(0, ms || 0));
    return () => clearTimeout(timer);
  }, [token, ms]);
  return live ? <>{children}</> : null;
}
