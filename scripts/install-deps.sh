#!/usr/bin/env bash
# Install what bulletin needs on a Debian/Ubuntu machine, idempotently.
#   scripts/install-deps.sh          fonts for the PDF (free fallbacks for 仿宋/黑体/楷体/小标宋)
#   scripts/install-deps.sh --test   + poppler-utils and LibreOffice Writer, which the tests use
#   scripts/install-deps.sh --bench  + GNU time, for the benchmarks' memory figures
# Python packages come from pyproject.toml (pip install -e '.[test]').
# Elsewhere (macOS, Windows, no root) it only says what to install.
set -euo pipefail

packages=(fontconfig fonts-arphic-gbsn00lp fonts-arphic-gkai00mp fonts-arphic-ukai fonts-wqy-microhei fonts-noto-cjk fonts-liberation)
case "${1:-}" in
  --test) packages+=(poppler-utils libreoffice-writer) ;;
  --bench) packages+=(poppler-utils libreoffice-writer time) ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: no apt-get here; install fonts for 仿宋/黑体/楷体/宋体 yourself (see README, Fonts)" >&2
  exit 0
fi
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1
  fi
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
