import type { KeyboardEvent } from 'react';

/** The props that make a table row open like a button: focusable, and opened by a click, Enter or Space. */
export function activatableRow(open: () => void) {
  return {
    tabIndex: 0,
    onClick: open,
    onKeyDown: (event: KeyboardEvent) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        open();
      }
    },
  };
}
