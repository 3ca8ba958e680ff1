/**
 * The session's live settings from the options, remembered in the
 * `--json-config` file when there is one.
 *
 * @module
 */

import type { Config } from "./config.ts";

/** The live settings viewers may change, remembered in the `--json-config` file if any. */
export async function liveSettings(config: Config) {
  const { SettingsFile } = await import("./settings_file.ts");
  const path = config.jsonConfig;
  const file = path === undefined || path === "" ? undefined : new SettingsFile(path);
  return {
    initial: {
      videoBitrate: config.videoBitrate,
      framerate: config.framerate,
      audio: config.enableAudio,
    },
    congestionControl: config.congestionControl,
    onChange: (settings: { videoBitrate: number; framerate: number }) =>
      void file?.remember({ videoBitrate: settings.videoBitrate, framerate: settings.framerate }),
  };
}
