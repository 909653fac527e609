#!/usr/bin/env bash
# Quick start: set up, mint an agent token, print how to point an agent at the broker, then run the broker
# on the embedded store (data in ./.aws-guard). With --emulator it runs against a private local AWS emulator
# (moto_server) with fake credentials, so nothing touches a real account; without it the broker uses your
# AWS credentials (env, ~/.aws profile, SSO or instance role). Other arguments go to `aws-guard broker`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

DATA_DIR=${AWS_GUARD_DATA_DIR:-.aws-guard}
LISTEN=${AWS_GUARD_LISTEN:-127.0.0.1:8750}
broker_args=(--data-dir "$DATA_DIR" --listen "$LISTEN")
emulator_pid=""
if [ "${1:-}" = "--emulator" ]; then
  shift
  if ! command -v moto_server >/dev/null 2>&1; then
    echo "moto_server (the local AWS emulator) is not installed: pip install 'moto[server]', or run without --emulator to use your AWS credentials" >&2
    exit 1
  fi
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  moto_server -H 127.0.0.1 -p "$port" >"$DATA_DIR.moto.log" 2>&1 &
  emulator_pid=$!
  trap 'kill $emulator_pid 2>/dev/null || true' EXIT
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
  broker_args+=(--aws-endpoint-url "http://127.0.0.1:$port" --region us-east-1)
  echo "==> local AWS emulator on http://127.0.0.1:$port (pid $emulator_pid)"
fi

# token issue refuses a data dir that does not exist (a mistyped --data-dir); the first run makes it here.
mkdir -p -m 700 "$DATA_DIR"
token=$(./bin/aws-guard token issue --data-dir "$DATA_DIR" --agent demo-agent --for "${USER:-$(id -un)}" --ttl 8h 2>/dev/null)
shim_dir="$PWD/$DATA_DIR/shim-bin"
./bin/aws-guard shim install "$shim_dir" >/dev/null
cat <<EOT

==> point an agent at this broker (in the agent's shell or container):
    export AWS_GUARD_URL=ws://$LISTEN
    export AWS_GUARD_TOKEN=$token
    export PATH="$shim_dir:\$PATH"      # or: ./bin/aws-guard shim install DIR, with DIR first on the agent's PATH
    aws sts get-caller-identity

EOT
exec ./bin/aws-guard broker "${broker_args[@]}" "$@"
