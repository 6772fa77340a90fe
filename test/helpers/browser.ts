/** A headless browser for the Web UI and docs tests: Debian's chromium (scripts/test.sh installs it). */
import { type Browser, chromium } from 'playwright-core';

/** playwright-core downloads no browser; the distribution's build is the one CI has. */
export const CHROMIUM = '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  // Chromium refuses its sandbox to root (CI runs as root); the pages are our own servers'.
  return chromium.launch({ executablePath: CHROMIUM, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
}
