// The video defaults that a measurement chose (README, "Calibration"): kept in one place so
// the CLI, its help and the README agree.
import type { CalibrationMode } from './calibration.js';

/** Default --calibrate. */
export const DEFAULT_CALIBRATION: CalibrationMode = 'video';
/** Default --smooth (1 = no smoothing). */
export const DEFAULT_SMOOTH = 1;
