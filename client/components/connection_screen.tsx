/**
 * The connection screen: when the connection fails in a way the user can do
 * something about, a card in the middle of the page says what failed, the
 * server's own sentence, what to try, and offers the buttons that help
 * (reload, try the relay, reconnect now), with a countdown while Skerry
 * retries by itself. The words come from client/lib/connection_advice.ts.
 *
 * @module
 */

import { useEffect, useState } from "preact/hooks";
import { type AdviceAction, connectionAdvice, secondsLeft } from "../lib/connection_advice.ts";
import type { ConnectionState } from "../lib/connection_state.ts";

/** Props of {@linkcode ConnectionScreen}. */
export interface ConnectionScreenProps {
  state: ConnectionState;
  /** Whether the connection uses TURN relays only. */
  relay: boolean;
  onReload(): void;
  /** Connects again through TURN relays only. */
  onRelay(): void;
  /** Connects again without relay-only. */
  onDirect(): void;
  onReconnect(): void;
}

const LABELS: Record<AdviceAction, string> = {
  reload: "Reload the page",
  relay: "Try the relay (TURN)",
  direct: "Connect directly",
  reconnect: "Reconnect now",
};

/** The card, or nothing while the status line says enough. */
export function ConnectionScreen(props: ConnectionScreenProps) {
  const advice = connectionAdvice(props.state, { relay: props.relay });
  const [now, setNow] = useState(Date.now());
  const [deadline, setDeadline] = useState<number | undefined>(undefined);
  useEffect(() => {
    const retry = props.state.retryInMs;
    setDeadline(retry === undefined ? undefined : Date.now() + retry);
    setNow(Date.now());
    if (retry === undefined) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [props.state]);
  if (!advice) return null;
  const handlers: Record<AdviceAction, () => void> = {
    reload: props.onReload,
    relay: props.onRelay,
    direct: props.onDirect,
    reconnect: props.onReconnect,
  };
  const seconds = deadline === undefined ? undefined : secondsLeft(deadline, now);
  return (
    <div class="connection-screen" data-reason={props.state.reason ?? props.state.code ?? ""}>
      <section class="card" role="alert" aria-labelledby="connection-title">
        <h1 id="connection-title">{advice.title}</h1>
        {advice.detail && <p class="detail">{advice.detail}</p>}
        <ul class="tips">
          {advice.tips.map((tip) => <li key={tip}>{tip}</li>)}
        </ul>
        {advice.retrying && (
          <p class="countdown" aria-live="off">
            {seconds === undefined || seconds === 0
              ? "Trying again…"
              : `Trying again in ${seconds} s…`}
          </p>
        )}
        {advice.actions.length > 0 && (
          <div class="buttons">
            {advice.actions.map((action, i) => (
              <button
                key={action}
                type="button"
                class={i === 0 ? "primary" : ""}
                data-action={action}
                onClick={handlers[action]}
              >
                {LABELS[action]}
              </button>
            ))}
          </div>
        )}
      </section>
    </div>
  );
}
