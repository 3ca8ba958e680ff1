/**
 * The menu's content, in the order a user looks for things: Stream, Sound,
 * Display, Clipboard, Control, Connection. Controls owned by other features
 * drop in through the slots (`sound`, `display`, `clipboard`): one prop in
 * client/app.tsx, no change here. An empty slot hides its section, except
 * Sound, which always holds the stream's sound switch.
 *
 * @module
 */

import type { ComponentChildren } from "preact";
import type { Encoder } from "../../lib/protocol/encoders.ts";
import type { ControlView } from "../../lib/protocol/control.ts";
import type { LiveSettingsChange } from "../../lib/protocol/live_settings.ts";
import type { ConnectionState } from "../lib/connection_state.ts";
import type { ScaleMode } from "../lib/preferences.ts";
import { AudioToggle } from "./audio_toggle.tsx";
import { ConnectionSection } from "./connection_section.tsx";
import { ControlSection } from "./control_section.tsx";
import { DisplayControls } from "./display_controls.tsx";
import { EncoderSelect } from "./encoder_select.tsx";
import { Menu, MenuSection } from "./menu.tsx";
import { StreamControls, type StreamControlsProps } from "./stream_controls.tsx";

/** Props of {@linkcode MainMenu}. */
export interface MainMenuProps {
  onClose(): void;
  // Stream
  settings: StreamControlsProps["settings"];
  onSettings(change: LiveSettingsChange): void;
  encoder: Encoder | undefined;
  encoders: readonly Encoder[];
  onEncoder(encoder: Encoder): void;
  overlay: boolean;
  onOverlay(on: boolean): void;
  /** SLOT (Sound): microphone and volume controls (client/components/sound_controls.tsx). */
  sound?: ComponentChildren;
  // Display
  fullscreen: boolean;
  onFullscreen(): void;
  onPointerLock(): void;
  scale: ScaleMode;
  onScale(mode: ScaleMode): void;
  /** SLOT (Display): resize to the window, HiDPI. */
  display?: ComponentChildren;
  /** SLOT (Clipboard): the clipboard's direction; the section shows only with it. */
  clipboard?: ComponentChildren;
  // Control
  control: ControlView | null;
  onTake(): void;
  onRelease(): void;
  name: string;
  onName(name: string): void;
  // Connection
  state: ConnectionState;
  frameSize: string;
  inputActive: boolean;
  relay: boolean;
  onRelay(on: boolean): void;
  onReconnect(): void;
}

/** The menu with its sections. */
export function MainMenu(props: MainMenuProps) {
  return (
    <Menu onClose={props.onClose}>
      <MenuSection title="Stream" name="stream">
        <EncoderSelect
          encoder={props.encoder}
          encoders={props.encoders}
          onChange={props.onEncoder}
        />
        <StreamControls
          settings={props.settings}
          onChange={props.onSettings}
          overlay={props.overlay}
          onOverlay={props.onOverlay}
        />
      </MenuSection>
      <MenuSection title="Sound" name="sound">
        <AudioToggle audio={props.settings?.audio} onChange={props.onSettings} />
        {props.sound}
      </MenuSection>
      <MenuSection title="Display" name="display">
        <DisplayControls
          fullscreen={props.fullscreen}
          onFullscreen={props.onFullscreen}
          onPointerLock={props.onPointerLock}
          scale={props.scale}
          onScale={props.onScale}
        >
          {props.display}
        </DisplayControls>
      </MenuSection>
      {props.clipboard !== undefined && (
        <MenuSection title="Clipboard" name="clipboard">{props.clipboard}</MenuSection>
      )}
      <MenuSection title="Control" name="control">
        <ControlSection
          view={props.control}
          onTake={props.onTake}
          onRelease={props.onRelease}
          name={props.name}
          onName={props.onName}
        />
      </MenuSection>
      <MenuSection title="Connection" name="connection">
        <ConnectionSection
          state={props.state}
          frameSize={props.frameSize}
          inputActive={props.inputActive}
          relay={props.relay}
          onRelay={props.onRelay}
          onReconnect={props.onReconnect}
        />
      </MenuSection>
    </Menu>
  );
}
