/**
 * The input data channel codec, shared by the browser client and the server.
 *
 * Every data-channel message is one event: a 1-byte opcode followed by
 * fixed-size big-endian fields (see docs/PROTOCOL.md, "Input channel").
 * This module imports nothing from Deno or the DOM.
 *
 * @module
 */

/** Label of the data channel the server creates for input. */
export const INPUT_CHANNEL_LABEL = "input";

/** Opcodes of the input channel, client to server. */
export const Op = {
  KeyDown: 0x01,
  KeyUp: 0x02,
  Move: 0x03,
  MoveRelative: 0x04,
  ButtonDown: 0x05,
  ButtonUp: 0x06,
  Scroll: 0x07,
  Text: 0x08,
  ReleaseAll: 0x09,
  Heartbeat: 0x0a,
  PadConnect: 0x0b,
  PadDisconnect: 0x0c,
  PadButton: 0x0d,
  PadAxis: 0x0e,
} as const;

/**
 * Whether an input message usually makes the application redraw (a key or
 * button pressed, a scroll, text): the capture warms its path up for the
 * change about to come (helper/capture/capture_scheduler.ts). Moves,
 * releases and heartbeats do not count.
 */
export function announcesRedraw(message: Uint8Array): boolean {
  const op = message[0];
  return op === Op.KeyDown || op === Op.ButtonDown || op === Op.Scroll || op === Op.Text;
}

/** Largest UTF-8 payload of a {@linkcode Op.Text} message, in bytes. */
export const MAX_TEXT_BYTES = 1024;
/** Highest pointer button number (1 left, 2 middle, 3 right, 4-7 wheel, 8 back, 9 forward). */
const MAX_BUTTON = 9;
/** Number of gamepads a client may connect at once. */
export const MAX_PADS = 4;

/** Per-viewer input limits: what exceeds them is dropped and counted, never injected. */
export interface InputLimits {
  /** Input messages per second, sustained. */
  rate: number;
  /** Input messages in one burst. */
  burst: number;
  /** Keys one viewer may hold at once; more key-downs are dropped. */
  heldKeys: number;
  /** Wheel notches one Scroll message may ask for, per axis; more are clamped to it. */
  notchesPerMessage: number;
  /** Wheel notches per second, sustained; more are dropped. */
  notchesPerSecond: number;
  /** Wheel notches in one burst. */
  notchesBurst: number;
  /** Characters typed through Text per second, sustained. */
  textCharsPerSecond: number;
  /** Characters typed through Text in one burst; a Text message that does not fit is dropped whole. */
  textBurst: number;
  /** Gamepad connects per {@linkcode InputLimits.padWindowMs}; more are dropped. */
  padConnects: number;
  /** The window of {@linkcode InputLimits.padConnects}, in ms. */
  padWindowMs: number;
}

/**
 * The limits the server applies (docs/PROTOCOL.md, "Limits", has the
 * measurements behind them).
 */
export const INPUT_LIMITS: Readonly<InputLimits> = {
  // A 1000 Hz mouse dragging makes the client send every coalesced point: about 1200
  // messages in the busiest second (bench/limits_bench.ts). 2000/s leaves room for keys.
  rate: 2000,
  // Two seconds of the sustained rate: the same drag peaks at 300 messages in 100 ms.
  burst: 4000,
  // X has 248 keycodes (8-255): no viewer can need more keys down than that. Releasing
  // all 248 through XTest takes about 3 ms.
  heldKeys: 248,
  // The client sends round(delta / notch), 1-3 for a mouse; 10 covers a hard flick.
  notchesPerMessage: 10,
  // A free-spinning wheel gives about 50 notches/s; each notch repaints the scrolled window.
  notchesPerSecond: 100,
  notchesBurst: 200,
  // A character the layout lacks remaps a spare keycode, which every X client re-reads:
  // one client absorbs about 2400 of them a second. A fifth of that, for a desktop of many.
  textCharsPerSecond: 500,
  // One full Text message of 1024 ASCII bytes goes through at once.
  textBurst: 1024,
  // Four pads plugged in, then each re-plugged once; every connect creates a uinput device.
  padConnects: 8,
  padWindowMs: 10_000,
};

/** One decoded input event. Coordinates and deltas are in pixels of the video frame. */
export type InputEvent =
  | { op: typeof Op.KeyDown; keysym: number }
  | { op: typeof Op.KeyUp; keysym: number }
  | { op: typeof Op.Move; x: number; y: number; width: number; height: number }
  | { op: typeof Op.MoveRelative; dx: number; dy: number }
  | { op: typeof Op.ButtonDown; button: number }
  | { op: typeof Op.ButtonUp; button: number }
  | { op: typeof Op.Scroll; dx: number; dy: number }
  | { op: typeof Op.Text; text: string }
  | { op: typeof Op.ReleaseAll }
  | { op: typeof Op.Heartbeat }
  | { op: typeof Op.PadConnect; index: number; buttons: number; axes: number }
  | { op: typeof Op.PadDisconnect; index: number }
  | { op: typeof Op.PadButton; index: number; button: number; value: number }
  | { op: typeof Op.PadAxis; index: number; axis: number; value: number };

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Encodes one event into a new message. Throws `RangeError` on out-of-range fields. */
export function encodeInput(event: InputEvent): Uint8Array<ArrayBuffer> {
  switch (event.op) {
    case Op.KeyDown:
    case Op.KeyUp: {
      const b = new DataView(new ArrayBuffer(5));
      b.setUint8(0, event.op);
      b.setUint32(1, checkInt("keysym", event.keysym, 0, 0xffffffff));
      return new Uint8Array(b.buffer);
    }
    case Op.Move: {
      const b = new DataView(new ArrayBuffer(9));
      b.setUint8(0, event.op);
      b.setUint16(1, checkInt("x", event.x, 0, 0xffff));
      b.setUint16(3, checkInt("y", event.y, 0, 0xffff));
      b.setUint16(5, checkInt("width", event.width, 1, 0xffff));
      b.setUint16(7, checkInt("height", event.height, 1, 0xffff));
      return new Uint8Array(b.buffer);
    }
    case Op.MoveRelative: {
      const b = new DataView(new ArrayBuffer(5));
      b.setUint8(0, event.op);
      b.setInt16(1, checkInt("dx", event.dx, -32768, 32767));
      b.setInt16(3, checkInt("dy", event.dy, -32768, 32767));
      return new Uint8Array(b.buffer);
    }
    case Op.ButtonDown:
    case Op.ButtonUp:
      return Uint8Array.of(event.op, checkInt("button", event.button, 1, MAX_BUTTON));
    case Op.Scroll: {
      const b = new DataView(new ArrayBuffer(3));
      b.setUint8(0, event.op);
      b.setInt8(1, checkInt("dx", event.dx, -127, 127));
      b.setInt8(2, checkInt("dy", event.dy, -127, 127));
      return new Uint8Array(b.buffer);
    }
    case Op.Text: {
      const bytes = encoder.encode(event.text);
      if (bytes.length === 0 || bytes.length > MAX_TEXT_BYTES) {
        throw new RangeError(
          `Cannot encode text: must be 1-${MAX_TEXT_BYTES} UTF-8 bytes, received ${bytes.length}`,
        );
      }
      const out = new Uint8Array(1 + bytes.length);
      out[0] = event.op;
      out.set(bytes, 1);
      return out;
    }
    case Op.ReleaseAll:
    case Op.Heartbeat:
      return Uint8Array.of(event.op);
    case Op.PadConnect:
      return Uint8Array.of(
        event.op,
        checkInt("index", event.index, 0, MAX_PADS - 1),
        checkInt("buttons", event.buttons, 0, 255),
        checkInt("axes", event.axes, 0, 255),
      );
    case Op.PadDisconnect:
      return Uint8Array.of(event.op, checkInt("index", event.index, 0, MAX_PADS - 1));
    case Op.PadButton: {
      const b = new DataView(new ArrayBuffer(5));
      b.setUint8(0, event.op);
      b.setUint8(1, checkInt("index", event.index, 0, MAX_PADS - 1));
      b.setUint8(2, checkInt("button", event.button, 0, 255));
      b.setUint16(3, checkInt("value", event.value, 0, 0xffff));
      return new Uint8Array(b.buffer);
    }
    case Op.PadAxis: {
      const b = new DataView(new ArrayBuffer(5));
      b.setUint8(0, event.op);
      b.setUint8(1, checkInt("index", event.index, 0, MAX_PADS - 1));
      b.setUint8(2, checkInt("axis", event.axis, 0, 255));
      b.setInt16(3, checkInt("value", event.value, -32767, 32767));
      return new Uint8Array(b.buffer);
    }
  }
}

/**
 * Decodes one message. Throws `RangeError` with a precise reason when the
 * message is empty, has an unknown opcode, the wrong length or a field out of
 * range; the caller counts it and injects nothing.
 */
export function decodeInput(message: Uint8Array): InputEvent {
  if (message.length === 0) throw new RangeError("Cannot decode input: empty message");
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  const op = message[0]!;
  const want = (n: number) => {
    if (message.length !== n) {
      throw new RangeError(
        `Cannot decode input op 0x${hex(op)}: length must be ${n}, received ${message.length}`,
      );
    }
  };
  switch (op) {
    case Op.KeyDown:
    case Op.KeyUp:
      want(5);
      return { op, keysym: view.getUint32(1) };
    case Op.Move: {
      want(9);
      const event = {
        op,
        x: view.getUint16(1),
        y: view.getUint16(3),
        width: view.getUint16(5),
        height: view.getUint16(7),
      };
      if (event.width === 0 || event.height === 0) {
        throw new RangeError("Cannot decode input move: frame size must be at least 1x1");
      }
      if (event.x >= event.width || event.y >= event.height) {
        throw new RangeError(
          `Cannot decode input move: (${event.x},${event.y}) is outside ${event.width}x${event.height}`,
        );
      }
      return event;
    }
    case Op.MoveRelative:
      want(5);
      return { op, dx: view.getInt16(1), dy: view.getInt16(3) };
    case Op.ButtonDown:
    case Op.ButtonUp: {
      want(2);
      return { op, button: checkDecoded("button", message[1]!, 1, MAX_BUTTON) };
    }
    case Op.Scroll:
      want(3);
      return { op, dx: view.getInt8(1), dy: view.getInt8(2) };
    case Op.Text: {
      if (message.length < 2 || message.length > 1 + MAX_TEXT_BYTES) {
        throw new RangeError(
          `Cannot decode input text: must be 1-${MAX_TEXT_BYTES} bytes, received ${
            message.length - 1
          }`,
        );
      }
      let text: string;
      try {
        text = decoder.decode(message.subarray(1));
      } catch {
        throw new RangeError("Cannot decode input text: not valid UTF-8");
      }
      return { op, text };
    }
    case Op.ReleaseAll:
    case Op.Heartbeat:
      want(1);
      return { op };
    case Op.PadConnect:
      want(4);
      return {
        op,
        index: checkDecoded("index", message[1]!, 0, MAX_PADS - 1),
        buttons: message[2]!,
        axes: message[3]!,
      };
    case Op.PadDisconnect:
      want(2);
      return { op, index: checkDecoded("index", message[1]!, 0, MAX_PADS - 1) };
    case Op.PadButton:
      want(5);
      return {
        op,
        index: checkDecoded("index", message[1]!, 0, MAX_PADS - 1),
        button: message[2]!,
        value: view.getUint16(3),
      };
    case Op.PadAxis:
      want(5);
      return {
        op,
        index: checkDecoded("index", message[1]!, 0, MAX_PADS - 1),
        axis: message[2]!,
        value: checkDecoded("value", view.getInt16(3), -32767, 32767),
      };
    default:
      throw new RangeError(`Cannot decode input: unknown op 0x${hex(op)}`);
  }
}

function checkInt(name: string, value: number, min: number, max: number): number {
  return checkRange("encode", name, value, min, max);
}

function checkDecoded(name: string, value: number, min: number, max: number): number {
  return checkRange("decode", name, value, min, max);
}

function checkRange(
  verb: "encode" | "decode",
  name: string,
  value: number,
  min: number,
  max: number,
): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `Cannot ${verb} ${name}: must be an integer ${min}-${max}, received ${value}`,
    );
  }
  return value;
}

function hex(n: number): string {
  return n.toString(16).padStart(2, "0");
}
