/**
 * Small SDP readings and edits for the stream's audio, pure so they are
 * tested without a browser.
 *
 * @module
 */

/** One media section of an SDP: its lines, from its `m=` line up to the next. */
interface Section {
  lines: string[];
}

function split(sdp: string): { head: string[]; sections: Section[]; eol: string } {
  const eol = sdp.includes("\r\n") ? "\r\n" : "\n";
  const lines = sdp.split(eol);
  const head: string[] = [];
  const sections: Section[] = [];
  for (const line of lines) {
    if (line.startsWith("m=")) sections.push({ lines: [line] });
    else if (sections.length > 0) sections.at(-1)!.lines.push(line);
    else head.push(line);
  }
  return { head, sections, eol };
}

function attribute(section: Section, name: string): string | undefined {
  const prefix = `a=${name}:`;
  return section.lines.find((l) => l.startsWith(prefix))?.slice(prefix.length);
}

function direction(section: Section): string {
  return section.lines.find((l) => /^a=(sendrecv|sendonly|recvonly|inactive)$/.test(l))
    ?.slice(2) ?? "sendrecv";
}

/** The payload types of Opus in a section (`a=rtpmap:111 opus/48000/2`). */
function opusPayloads(section: Section): string[] {
  return section.lines.flatMap((l) => {
    const match = /^a=rtpmap:(\d+) opus\/48000/i.exec(l);
    return match ? [match[1]!] : [];
  });
}

/**
 * The `mid` of the offer's microphone m-line: an audio section the server
 * only receives (`a=recvonly`); null when the server takes no microphone.
 */
export function microphoneMid(offer: string): string | null {
  const section = split(offer).sections.find((s) =>
    s.lines[0]!.startsWith("m=audio") && direction(s) === "recvonly"
  );
  return section ? attribute(section, "mid") ?? null : null;
}

/**
 * The answer with `stereo=1` on Opus in every audio section whose offer
 * sends stereo (`sprop-stereo=1`). Chromium decodes Opus as mono unless its
 * own description asks for stereo (it never does by itself), so a stereo
 * desktop would otherwise lose its left/right.
 */
export function withOpusStereo(offer: string, answer: string): string {
  const offered = split(offer).sections;
  const parsed = split(answer);
  for (const section of parsed.sections) {
    const mid = attribute(section, "mid");
    const source = offered.find((s) => attribute(s, "mid") === mid);
    if (!source || !source.lines.some((l) => /^a=fmtp:\d+ .*sprop-stereo=1/.test(l))) continue;
    for (const pt of opusPayloads(section)) {
      const index = section.lines.findIndex((l) => l.startsWith(`a=fmtp:${pt} `));
      if (index < 0) {
        const rtpmap = section.lines.findIndex((l) => l.startsWith(`a=rtpmap:${pt} `));
        section.lines.splice(rtpmap + 1, 0, `a=fmtp:${pt} stereo=1`);
      } else if (!/[; ]stereo=/.test(section.lines[index]!)) {
        section.lines[index] += ";stereo=1";
      }
    }
  }
  return [...parsed.head, ...parsed.sections.flatMap((s) => s.lines)].join(parsed.eol);
}
