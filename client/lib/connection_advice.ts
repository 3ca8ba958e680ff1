/**
 * What the connection screen says: for a connection state, what failed (a
 * title and the server's own sentence), what to try (tips), the buttons it
 * offers, and whether Skerry is already retrying by itself (a countdown).
 * Pure: the screen (client/components/connection_screen.tsx) renders it.
 *
 * @module
 */

import type { ConnectionState } from "./connection_state.ts";

/** A button of the connection screen. */
export type AdviceAction = "reload" | "relay" | "direct" | "reconnect";

/** What the screen shows for one failure. */
export interface Advice {
  /** What failed, in a few words. */
  title: string;
  /** The server's (or browser's) own sentence, when there is one. */
  detail?: string;
  /** What to try, most useful first. */
  tips: string[];
  /** The buttons, the main one first. */
  actions: AdviceAction[];
  /** Skerry tries again by itself (the screen counts down `retryInMs`). */
  retrying: boolean;
}

/** Options of {@linkcode connectionAdvice}. */
export interface AdviceOptions {
  /** Whether the connection already uses TURN relays only. */
  relay: boolean;
}

/**
 * The advice for `state`, or undefined when the status line says enough
 * (connecting, starting, live, or a reconnect with no known cause).
 */
export function connectionAdvice(
  state: ConnectionState,
  options: AdviceOptions,
): Advice | undefined {
  const detail = state.detail ? { detail: state.detail } : {};
  const retrying = state.phase === "reconnecting" || state.phase === "restarting";
  if (state.phase === "restarting") {
    return {
      title: "The stream stopped",
      ...detail,
      tips: [
        "The desktop's media helper stopped; Skerry restarts it and the video comes back by itself.",
        "If it keeps stopping, the server's log says why (journalctl, or the terminal running Skerry).",
      ],
      actions: ["reconnect"],
      retrying: true,
    };
  }
  switch (state.reason) {
    case "unauthorized":
      return {
        title: "Wrong user name or password",
        tips: [
          "The server refused this login: the password is wrong, or it changed since this page was opened.",
          "Reload the page and sign in again (a view-only password only lets you watch).",
        ],
        actions: ["reload"],
        retrying: false,
      };
    case "login-blocked":
      return {
        title: "Too many failed logins",
        tips: [
          "After repeated wrong passwords the server refuses this address for a few minutes.",
          "Wait for the countdown; Skerry tries again by itself.",
        ],
        actions: [],
        retrying,
      };
    case "forbidden":
      return {
        title: "The server refused this page",
        tips: [
          "The request came from another site, or through a proxy that changes it (HTTP 403).",
          "Open Skerry at its own address, or ask the administrator to list this page's origin in --allowed-origins.",
        ],
        actions: ["reload"],
        retrying: false,
      };
    case "refused":
      return {
        title: "The server refused the connection",
        tips: [
          "The page loaded, but its WebSocket (/ws) was refused: the page's origin is not allowed, or a proxy does not pass WebSockets.",
          'Behind a reverse proxy: forward WebSocket upgrades and list the public origin in --allowed-origins (README, "Reverse proxy").',
        ],
        actions: ["reconnect", "reload"],
        retrying,
      };
    case "unreachable":
      return {
        title: "The server does not answer",
        tips: [
          "Skerry may be stopped or restarting, or this device lost its network.",
          "Skerry tries again by itself; check that the server runs and is reachable.",
        ],
        actions: ["reconnect"],
        retrying,
      };
    case "full":
      return {
        title: "The server is full",
        ...detail,
        tips: [
          "Every seat (--max-viewers) is taken; one frees when a viewer leaves.",
          "Skerry tries again by itself.",
        ],
        actions: ["reconnect"],
        retrying,
      };
    case "too-big":
      return {
        title: "The server closed the connection",
        ...detail,
        tips: ["Skerry connects again by itself; reload the page if this repeats."],
        actions: ["reconnect", "reload"],
        retrying,
      };
    case "ice-failed":
      return options.relay
        ? {
          title: "No route to the desktop, even through the relay",
          tips: [
            "The video could not reach this browser through the TURN relay either.",
            "Check the TURN server (--turn-host, its ports and credentials) and that this network allows it, or connect directly.",
          ],
          actions: ["direct", "reconnect"],
          retrying,
        }
        : {
          title: "No route to the desktop",
          tips: [
            "This browser and the server found no network path for the video (ICE failed): a firewall or NAT is in the way.",
            "Try the relay: the video then goes through the TURN server, which passes most firewalls.",
          ],
          actions: ["relay", "reconnect"],
          retrying,
        };
    case "browser":
      return {
        title: "Your browser could not play the stream",
        ...detail,
        tips: ["Reload the page, or pick another video format in the menu (Ctrl+Shift+M)."],
        actions: ["reload"],
        retrying: false,
      };
  }
  if (state.phase !== "error") return undefined;
  if (state.code === "no-codec") {
    return {
      title: "No video format in common",
      ...detail,
      tips: [
        "Open the page in another browser, or ask the administrator to offer another encoder (--encoder, --fallback-encoders).",
      ],
      actions: ["reload"],
      retrying: false,
    };
  }
  return {
    title: "The stream could not start",
    ...detail,
    tips: ["Try again; if it keeps failing, the server's log says why."],
    actions: ["reconnect", "reload"],
    retrying: false,
  };
}

/** Whole seconds left until `deadlineMs`, never below zero (the countdown). */
export function secondsLeft(deadlineMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil((deadlineMs - nowMs) / 1000));
}
