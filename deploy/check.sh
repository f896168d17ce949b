#!/usr/bin/env bash
# The Dockerfile's steps without Docker (no daemon here, no hadolint), about a minute:
#   1. structure: two stages, a non-root USER, the /data volume, no secrets baked in;
#   2. the build stage: copy exactly what its COPY lines name into a clean directory and
#      install it into a fresh virtualenv with pip, as the RUN line does;
#   3. the runtime: as an unprivileged user (uid 10001, as USER), with the database in a
#      directory of its own (/data) and the config read-only, build the sample digest;
#   4. the systemd unit passes systemd-analyze verify (pointed at this virtualenv).
# Usage: deploy/check.sh   (from anywhere; exits non-zero on the first failure)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A Python the unprivileged user can run, like the image's (a pyenv build under /root is not).
python="${PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}"
say() { printf '== %s\n' "$*"; }

say "structure of the Dockerfile"
"$python" - "$repo/Dockerfile" <<'PY'
import re, sys
lines = [l.strip() for l in open(sys.argv[1], encoding="utf-8") if l.strip() and not l.startswith("#")]
stages = [l for l in lines if l.startswith("FROM ")]
assert len(stages) >= 2, "expected a multi-stage build"
final = lines[lines.index(stages[-1]):]
users = [l.split()[1] for l in final if l.startswith("USER ")]
assert users and users[-1].split(":")[0] not in ("root", "0"), "the runtime stage must run as a non-root USER"
assert any(l.startswith("VOLUME") and "/data" in l for l in final), "the database needs the /data volume"
assert not re.search(r"(TOKEN|API_KEY)\s*=", "\n".join(lines)), "no secrets in the image"
print("   stages:", len(stages), "| user:", users[-1])
PY

say "build stage: the files its COPY lines name, installed into a clean virtualenv"
mkdir -p "$work/src"
sed -n '/ AS build$/,/^FROM /p' "$repo/Dockerfile" | grep '^COPY ' | grep -v -- '--from' |
  while read -r _ line; do
    read -r -a parts <<<"$line"
    for source in "${parts[@]:0:${#parts[@]}-1}"; do
      cp -r "$repo/$source" "$work/src/"
    done
  done
find "$work/src" -name __pycache__ -prune -exec rm -rf {} +
"$python" -m venv "$work/opt/digestbot"
"$work/opt/digestbot/bin/pip" install --quiet --no-compile "$work/src"
"$work/opt/digestbot/bin/python" -m compileall -q -j 0 "$work/opt/digestbot/lib"
"$work/opt/digestbot/bin/digestbot" --version

say "runtime: uid 10001, database in its own directory, config read-only"
mkdir -p "$work/data" "$work/config"
cp "$repo/config.example.toml" "$work/config/config.toml"
chmod 0555 "$work/config"
chmod 0444 "$work/config/config.toml"
as_user=()
if [ "$(id -u)" = 0 ]; then
  chown 10001:10001 "$work/data"
  chmod 0755 "$work"
  as_user=(setpriv --reuid=10001 --regid=10001 --clear-groups --)
fi
(
  cd "$work/data"
  env -i PATH="$work/opt/digestbot/bin:/usr/bin:/bin" HOME="$work/data" \
    DIGESTBOT_CONFIG="$work/config/config.toml" PYTHONDONTWRITEBYTECODE=1 \
    "${as_user[@]}" digestbot digest --topic mistral --date 2026-11-21 --out "$work/data/digest.md"
)
test -s "$work/data/digest.md"
test -s "$work/data/digestbot.db"
echo "   wrote $(wc -c <"$work/data/digest.md") bytes of digest and the database, as uid $( [ ${#as_user[@]} -gt 0 ] && echo 10001 || id -u)"

if command -v systemd-analyze >/dev/null; then
  say "systemd unit"
  sed "s|/opt/digestbot/bin/digestbot|$work/opt/digestbot/bin/digestbot|" \
    "$repo/deploy/digestbot.service" >"$work/digestbot.service"
  systemd-analyze verify "$work/digestbot.service"
fi
say "ok"
