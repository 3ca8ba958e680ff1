/**
 * The page a browser shows when a login is refused (the body of the 401 and
 * 429 answers to a page load): what failed and what to try, in the client's
 * look (the client's own files need the login, so the style is inline; the
 * Content-Security-Policy allows inline styles). Only for requests that
 * accept HTML; other requests keep the short text.
 *
 * @module
 */

/** Why the login was refused. */
export type LoginRefusal =
  | { kind: "wrong" }
  | { kind: "blocked"; retryAfterS: number };

const STYLE = `
html{background:#000;color:#e8eaed;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;padding:16px;box-sizing:border-box}
main{width:min(520px,100%);box-sizing:border-box;padding:20px 24px;border-radius:14px;background:linear-gradient(#f28b82,#f28b82) top/100% 4px no-repeat,#202124}
h1{margin:0 0 8px;font-size:20px;font-weight:600}
ul{margin:0 0 16px;padding-left:20px;color:#bdc1c6}li+li{margin-top:6px}
code{font:13px ui-monospace,Menlo,Consolas,monospace;color:#e8eaed}
a{display:inline-block;padding:8px 16px;border-radius:8px;background:#8ab4f8;color:#202124;font-weight:600;text-decoration:none}`;

/** The HTML page for `refusal`. */
export function loginRefusedPage(refusal: LoginRefusal): string {
  const [title, tips] = refusal.kind === "wrong"
    ? [
      "Wrong user name or password",
      [
        "Skerry did not accept the user name and password (none were given, or they were wrong).",
        "Reload to sign in again. The password is the one Skerry printed when it started, or the one set with <code>--basic-auth-password-file</code>; a view-only password only lets you watch.",
        "Too many wrong passwords block this address for a few minutes.",
      ],
    ]
    : [
      "Too many failed logins",
      [
        `After repeated wrong passwords Skerry refuses this address for a while: try again in ${refusal.retryAfterS} s.`,
        "If you forgot the password, ask whoever runs Skerry.",
      ],
    ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="dark">
<title>Skerry: ${title}</title><style>${STYLE}</style></head>
<body><main class="connection-screen" data-reason="${
    refusal.kind === "wrong" ? "unauthorized" : "login-blocked"
  }">
<h1>${title}</h1>
<ul>${tips.map((t) => `<li>${t}</li>`).join("")}</ul>
<a href="">Try again</a>
</main></body></html>
`;
}

/** Whether a request asks for a page (a browser's navigation), from its `Accept` header. */
export function wantsPage(accept: string | undefined): boolean {
  return accept?.includes("text/html") ?? false;
}
