#!/usr/bin/env bash
# Makes sure Debian's headless browser and its WebDriver are installed: /usr/bin/chromium and
# /usr/bin/chromedriver (what crates/cli/tests/browser.rs drives), with Chromium's Vietnamese
# locale (chromium-l10n: date fields read "16:10 20/11/2026", form messages in Vietnamese) and a
# font with Vietnamese glyphs for the screenshots. Idempotent: does nothing when all is there
# and runs; runs `apt-get update` only when it has to install.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver

# A font with Vietnamese glyphs, so screenshots show text rather than empty boxes.
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
VIETNAMESE=/usr/lib/chromium/locales/vi.pak

works() {
  [ -x "$CHROMIUM" ] && [ -x "$CHROMEDRIVER" ] && [ -e "$FONT" ] && [ -e "$VIETNAMESE" ] &&
    "$CHROMIUM" --version >/dev/null 2>&1 && "$CHROMEDRIVER" --version >/dev/null 2>&1
}

if works; then
  exit 0
fi

sudo_() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

PACKAGES=(chromium chromium-driver chromium-l10n fonts-dejavu-core)
echo "ensure-browser: installing ${PACKAGES[*]} from Debian's packages" >&2
if ! sudo_ apt-get update -qq; then
  echo "ensure-browser: apt-get update failed; cannot install chromium" >&2
  exit 1
fi
if ! sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  "${PACKAGES[@]}" >/dev/null; then
  echo "ensure-browser: apt-get install ${PACKAGES[*]} failed" >&2
  exit 1
fi

if ! works; then
  echo "ensure-browser: $CHROMIUM, $CHROMEDRIVER, $VIETNAMESE or $FONT is still missing (or the browser does not run) after installing" >&2
  exit 1
fi
echo "ensure-browser: $("$CHROMIUM" --version 2>/dev/null), $("$CHROMEDRIVER" --version 2>/dev/null | head -n 1)" >&2
