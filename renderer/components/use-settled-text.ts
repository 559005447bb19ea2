import { useEffect, useState } from 'react';

/** The value, once it stopped changing for `delayMs` (search boxes query the store after typing pauses). */
function useDebounced<T>(value: T, delayMs = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

/**
 * A search box's text that queries once typing pauses: `onSettle` gets each newly settled text
 * that differs from `stored` (the query's text in the store), and a change of `stored` from
 * outside (a tile or Clear filters resetting the search) shows in the box.
 */
export function useSettledText(stored: string, onSettle: (text: string) => void, delayMs = 300): [string, (text: string) => void] {
  const [text, setText] = useState(stored);
  const settled = useDebounced(text, delayMs);
  useEffect(() => {
    if (settled !== stored) onSettle(settled);
    // Only a newly settled text queries again; `stored` then follows it.
  }, [settled]);
  useEffect(() => {
    setText(stored);
  }, [stored]);
  return [text, setText];
}
