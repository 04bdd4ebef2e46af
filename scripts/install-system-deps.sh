#!/usr/bin/env bash
# Debian packages the tests need: Chromium (review-app browser tests, HTML->PDF rendering),
# CJK fonts (PDF rendering), LibreOffice Writer (DOC/WPS conversion, HTML->PDF rendering),
# poppler-utils (pdftoppm for looking at PDFs).  Only runs as root; otherwise says what to install.
set -euo pipefail
PKGS="chromium fonts-noto-cjk fonts-wqy-zenhei libreoffice-writer-nogui poppler-utils"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then echo "system packages: all present"; exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "system packages missing:$missing"
  echo "install them with: sudo apt-get install -y$missing   (browser and PDF tests are skipped without them)"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "system packages installed:$missing"
