/**
 * Holiday data covers known years only (D-20): a window due past that is computed as if no
 * holiday fell there, so the case says so instead of silently promising an instant.
 */
import type { SlaPolicy } from './sla-policy';
import type { SlaWindow } from './sla-windows';
import { ZoneOffsets, localDateOf } from './time-zone';

export function dataCoverageWarnings(windows: readonly SlaWindow[], policy: SlaPolicy): string[] {
  const warnings: string[] = [];
  for (const window of windows) {
    const calendar = Object.hasOwn(policy.calendars, window.calendar) ? policy.calendars[window.calendar] : undefined;
    if (window.dueMs === null || !calendar?.dataCoverage) continue;
    const dueOn = localDateOf(window.dueMs, new ZoneOffsets(calendar.timeZone));
    if (dueOn > calendar.dataCoverage.to) {
      warnings.push(
        `${window.label} window is due on ${dueOn}, past the holiday data of calendar "${window.calendar}" ` +
          `(${calendar.dataCoverage.from} to ${calendar.dataCoverage.to}): official days off after that are not known and not counted`,
      );
    }
  }
  return warnings;
}
