import type { FuzzTarget } from '../harness.js';
import { bp4dLabels, bp4dLandmarks, disfaLabels } from './labels.js';
import { manifestCsv, manifestJsonl } from './manifest.js';
import { matV5 } from './mat-v5.js';
import { modelCard } from './model-card.js';
import { multipart } from './multipart.js';
import { sniffImage, sniffMedia } from './sniff.js';

/** Every fuzz target, in the order `pnpm fuzz` runs them. */
export const TARGETS: FuzzTarget[] = [matV5, manifestJsonl, manifestCsv, disfaLabels, bp4dLabels, bp4dLandmarks, sniffImage, sniffMedia, modelCard, multipart];
