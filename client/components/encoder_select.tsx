/** The video format picker in the menu: switches this tab's encoder live, without a reload. */

import { type Encoder, encoderLabel } from "../../lib/protocol/encoders.ts";

/** Props of {@linkcode EncoderSelect}. */
export interface EncoderSelectProps {
  /** The encoder streaming to this tab, once the server said. */
  encoder: Encoder | undefined;
  /** The encoders this tab may switch to (offered by the server, decoded by this browser). */
  encoders: readonly Encoder[];
  /** Asks the server for `encoder`. */
  onChange(encoder: Encoder): void;
}

/** A labelled `<select>` of the encoders; hidden until the server has chosen one. */
export function EncoderSelect(props: EncoderSelectProps) {
  if (props.encoder === undefined || props.encoders.length === 0) return null;
  return (
    <label class="encoder">
      Video format{" "}
      <select
        name="encoder"
        value={props.encoder}
        onChange={(e) => props.onChange(e.currentTarget.value as Encoder)}
      >
        {props.encoders.map((e) => <option key={e} value={e}>{encoderLabel(e)}</option>)}
      </select>
    </label>
  );
}
