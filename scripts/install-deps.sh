#!/usr/bin/env bash
# Install what bulletin needs on a Debian/Ubuntu machine, idempotently.
#   scripts/install-deps.sh          fonts for the PDF (free fallbacks for 仿宋/黑体/楷体/小标宋:
#                                    the Fandol faces, see install_fandol below)
#   scripts/install-deps.sh --test   + poppler-utils and LibreOffice Writer, which the tests use, and
#                                    shellcheck (actionlint runs it on the CI workflow's scripts),
#                                    Chromium + chromedriver and npm's axe-core (the HTML tests),
#                                    pandoc (a DOCX made by another tool, for the import tests)
#   scripts/install-deps.sh --bench  + GNU time, for the benchmarks' memory figures
# Python packages come from pyproject.toml (pip install -e '.[test]').
# Elsewhere (macOS, Windows, no root) it only says what to install.
set -euo pipefail

packages=(fontconfig fonts-arphic-gbsn00lp fonts-arphic-gkai00mp fonts-arphic-ukai fonts-wqy-microhei fonts-noto-cjk fonts-liberation)
case "${1:-}" in
  --test) packages+=(poppler-utils libreoffice-writer shellcheck chromium chromium-driver pandoc) ;;
  --bench) packages+=(poppler-utils libreoffice-writer time) ;;
esac

# The Fandol faces (FandolFang 仿宋, FandolHei 黑体, FandolKai 楷体, FandolSong
# Bold as a heavy 宋 for 小标宋; GPL with the font exception) are the only free
# simplified 仿宋 in Debian, but they ship inside texlive-lang-chinese, whose
# installation pulls 23 packages (texlive-binaries, texlive-base, ...):
# 106 MB to download, 271 MB installed.  Taking only the six Fandol .otf files
# out of that one .deb costs its 49 MB download and 34 MB on disk (~2.5 s).
FANDOL_DIR=/usr/local/share/fonts/fandol
install_fandol() {
  [[ -f $FANDOL_DIR/FandolFang-Regular.otf ]] && return 0
  fc-list 2>/dev/null | grep -q FandolFang-Regular && return 0  # e.g. from texlive itself
  local tmp; tmp=$(mktemp -d); chmod 755 "$tmp"  # apt's _apt user downloads into it
  echo "install-deps: installing the Fandol fonts from texlive-lang-chinese into $FANDOL_DIR" >&2
  (cd "$tmp" && apt-get download -qq texlive-lang-chinese)
  dpkg-deb --fsys-tarfile "$tmp"/texlive-lang-chinese_*.deb | tar -x -C "$tmp" --wildcards \
    './usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/Fandol[FHKS]*.otf' \
    './usr/share/doc/texlive-doc/fonts/fandol/*'
  $sudo install -d "$FANDOL_DIR"
  $sudo install -m 644 "$tmp"/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/*.otf \
    "$tmp"/usr/share/doc/texlive-doc/fonts/fandol/* "$FANDOL_DIR"/
  $sudo fc-cache "$FANDOL_DIR"
  rm -rf "$tmp"
}

# The HTML tests' accessibility engine: npm's axe-core (current rules) when npm
# is here; without it the tests use the older copy pip's axe-selenium-python ships.
if [[ "${1:-}" == "--test" ]] && command -v npm >/dev/null 2>&1 \
   && [[ ! -f "$(npm root -g 2>/dev/null)/axe-core/axe.min.js" ]]; then
  npm install -g --silent --no-audit --no-fund axe-core@4 >/dev/null 2>&1 \
    || echo "install-deps: npm could not install axe-core; the HTML tests use axe-selenium-python's copy" >&2
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
fandol_ok() { [[ -f $FANDOL_DIR/FandolFang-Regular.otf ]] || fc-list 2>/dev/null | grep -q FandolFang-Regular; }
[[ ${#missing[@]} -eq 0 ]] && fandol_ok && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: no apt-get here; install fonts for 仿宋/黑体/楷体/宋体 yourself (see README, Fonts)" >&2
  exit 0
fi
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    fandol_ok || missing+=("Fandol fonts (into $FANDOL_DIR)")
    echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "install-deps: installing ${missing[*]}" >&2
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
install_fandol
