#!/usr/bin/env bash
# Installs what aws-guard needs from a fresh checkout: the pinned pnpm (through npx, no global install),
# the workspace dependencies from the lockfile, then type-checks and builds bin/aws-guard.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "aws-guard needs Node.js >= 20 (found: $(node --version 2>/dev/null || echo none)); on Debian/Ubuntu: apt-get install -y nodejs npm" >&2
  exit 1
fi

pnpm_cmd() {
  if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; then pnpm "$@"; else npx -y "pnpm@$PNPM_VERSION" "$@"; fi
}

echo "==> installing dependencies (pnpm $PNPM_VERSION, frozen lockfile)"
pnpm_cmd install --frozen-lockfile --reporter=append-only
echo "==> type-checking and building bin/aws-guard"
pnpm_cmd run --silent build
