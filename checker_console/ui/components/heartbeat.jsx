// Calls onBeat every intervalMs while the page is open: the review page's lease renewal. A tab
// that is closed or loses its connection stops beating, and the lease runs out on the server.
import { useEffect, useRef } from "react";

export function Heartbeat({ intervalMs, onBeat }) {
  const beat = useRef(onBeat);
  beat.current = onBeat;
  useEffect(() => {
    const every = Math.max(1000, Number(intervalMs) || 60000);
    const timer = window.setInterval(() => {
      if (beat.current) beat.current();
    }, every);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return null;
}
