import { useState, type RefObject } from 'react';

/**
 * Copies what a read-only field shows. Clipboard access can be refused (or missing, on a page
 * that is not secure); then the text is selected instead, so copying by hand is one step away.
 */
export function useCopyText(
  field: RefObject<HTMLInputElement | HTMLTextAreaElement | null>,
  words: { copied: string; selected: string },
) {
  const [status, setStatus] = useState<string | null>(null);

  async function copy() {
    const element = field.current;
    if (!element) return;
    try {
      await navigator.clipboard.writeText(element.value);
      setStatus(words.copied);
    } catch {
      element.focus();
      element.select();
      setStatus(words.selected);
    }
  }

  return { status, copy };
}
