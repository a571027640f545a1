# Sourced by the scripts: puts Node 24 first on PATH, installing it (from the npm
# registry, into .tools/) when the machine's own Node is older than 22.18.
# Then makes sure node_modules matches package-lock.json.
set -e
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
node_ok() {
  command -v node >/dev/null 2>&1 && node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=18)?0:1)'
}
if ! node_ok; then
  if [ ! -x "$TOOLS/node_modules/node/bin/node" ]; then
    echo "gatehouse: installing Node 24 into $TOOLS (one time, about 30 MB)…" >&2
    mkdir -p "$TOOLS"
    # A package.json of its own, so npm does not install into the project above.
    [ -f "$TOOLS/package.json" ] || echo '{"private":true}' > "$TOOLS/package.json"
    (cd "$TOOLS" && npm install --no-save --no-package-lock --loglevel=error node@24 >&2)
  fi
  export PATH="$TOOLS/node_modules/node/bin:$PATH"
fi
_gh_stale() { [ ! -f "$ROOT/node_modules/.package-lock.json" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; }
if _gh_stale; then
  # Two shells sourcing this at once would run two `npm ci`s, each emptying node_modules
  # under the other: the second waits for the first, then finds nothing to do.
  mkdir -p "$TOOLS"
  exec 9>"$TOOLS/npm-ci.lock"
  command -v flock >/dev/null 2>&1 && flock 9
  if _gh_stale; then
    # The first install takes a minute or two: npm's own progress shows it is working.
    echo "gatehouse: installing dependencies (npm ci; a minute or two the first time)…" >&2
    _gh_started=$SECONDS
    (cd "$ROOT" && npm ci --loglevel=error --progress=true >&2)
    echo "gatehouse: dependencies installed in $((SECONDS - _gh_started)) s" >&2
  fi
  exec 9>&-
fi
