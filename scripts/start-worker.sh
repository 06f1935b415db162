#!/usr/bin/env bash
# npm run start:worker: the demo app as a Cloudflare Worker, served locally by workerd.
# Takes the same environment as `npm start`. scripts/start-worker.ts validates it,
# creates the table and bundles the Worker; then this shell becomes workerd (exec),
# so SIGTERM, SIGINT and SIGKILL reach the server itself and nothing is left behind.
set -euo pipefail
cd "$(dirname "$0")/.."
config="$(node --import tsx scripts/start-worker.ts)"
exec node_modules/.bin/workerd serve "$config"
