# Skerry in a container: an X server (Xorg with the dummy driver, or Xvfb), a
# small desktop (IceWM, xterm) and Skerry streaming it on port 8080.
#
#   podman build --network=host -t skerry .        (or docker build)
#   podman run --rm --network=host skerry          (see README: "Containers")
#
# Every Skerry option is also an environment variable (SKERRY_*, or selkies'
# SELKIES_* names); secrets come from files through *_FILE variables.
#
# Layers go from what changes least to what changes most: Debian packages and
# Deno (tools/setup), then npm dependencies (deno.json, deno.lock), then the
# source. Editing the source rebuilds only the last two steps.

FROM debian:bookworm-slim

# DENO_TLS_CA_STORE=system: trust the image's certificate store, so an
# operator's own authority (a corporate proxy's, say) works once installed
# under /usr/local/share/ca-certificates. DENO_DIR: Deno's cache, filled at
# build time and read-only at run time.
ENV DEBIAN_FRONTEND=noninteractive \
    LANG=C.UTF-8 \
    DENO_TLS_CA_STORE=system \
    DENO_DIR=/var/cache/deno \
    DENO_NO_UPDATE_CHECK=1

# 1. Debian packages and Deno: the same list tools/setup installs on a
#    workstation (one source of truth, PulseAudio included), plus
#    ca-certificates, curl and tini; Deno is the binary from its pinned npm
#    package.
COPY tools/setup /opt/skerry/tools/setup
RUN /opt/skerry/tools/setup --image \
    && useradd --create-home --uid 1000 --shell /bin/bash skerry

WORKDIR /opt/skerry

# 2. npm dependencies into node_modules (esbuild, Hono, Preact, LogTape, ...).
COPY deno.json deno.lock ./
RUN deno install --frozen --quiet

# 3. The source, the bundled client, and Deno's transpiled modules.
COPY . .
RUN deno task --quiet build \
    && deno cache --frozen --quiet cli.ts helper/main.ts

USER skerry
WORKDIR /home/skerry
EXPOSE 8080

# /healthz answers without authentication (SKERRY_PORT if you change the port).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${SKERRY_PORT:-8080}/healthz" || exit 1

# tini is PID 1: it reaps orphaned desktop processes and passes SIGTERM to
# Skerry, which stops its helpers, the desktop and the X server, then exits 0.
ENTRYPOINT ["/usr/bin/tini", "--", "/opt/skerry/tools/container-entrypoint"]
