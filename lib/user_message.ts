/**
 * What a user reads when the media side fails: a sentence saying what
 * happened and what to do, never GStreamer's or the helper's own words
 * (`Cannot set answer: application/x-gst-promise, error=(GError)NULL;`).
 * Those stay in the server log, where the session writes them.
 *
 * @module
 */

import { codecLabel, codecOf, type Encoder } from "./protocol/encoders.ts";

/** What is known about the failure besides the helper's text. */
export interface UserMessageContext {
  /** The viewer's encoder, named in the sentence. */
  encoder?: Encoder | undefined;
  /** The whole helper failed (every viewer is affected), not one viewer's stream. */
  fatal?: boolean;
}

/** Advice for anything that only the server log can explain. */
const SEE_LOG = "the administrator can find the cause in the server log";

/** The user's sentence for a helper error text (`error.message` or a fatal reason). */
export function userMessage(helperText: string, context: UserMessageContext = {}): string {
  const format = context.encoder ? ` (${codecLabel(codecOf(context.encoder))})` : "";
  if (context.fatal) {
    if (/X display|ximagesrc|XShm|XGetImage/i.test(helperText)) {
      return `The server cannot capture the screen; it keeps retrying, and ${SEE_LOG}.`;
    }
    return `The server's video keeps failing; it keeps retrying, and ${SEE_LOG}.`;
  }
  if (/^Cannot set answer/i.test(helperText)) {
    return `Your browser and the server could not agree on the video stream${format}; reload the page, or try another browser.`;
  }
  if (/^Cannot build encode tier|^Unknown encode tier/i.test(helperText)) {
    return `The server cannot encode video${format} right now; choose another format in the menu, or reload the page.`;
  }
  if (
    /^Cannot (create offer|create channel|build branch|add branch|link branch)/i.test(helperText)
  ) {
    return "The server could not set up the video for this tab; reload the page to try again.";
  }
  return `The video stream for this tab failed${format}; reload the page to try again (${SEE_LOG}).`;
}
