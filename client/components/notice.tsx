/** A short message at the bottom of the page (a clipboard over the limit, a screen that cannot resize). */

import { useEffect, useState } from "preact/hooks";

/** How long a notice stays, in ms. */
const NOTICE_MS = 6000;

/** Shows `text` for six seconds; a new text (with a new `id`) restarts the time. */
export function Notice({ text, id }: { text: string; id: number }) {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (text === "") return;
    setShown(true);
    const timer = setTimeout(() => setShown(false), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [id]);
  if (!shown) return null;
  return <div class="notice" role="status" aria-live="polite">{text}</div>;
}
