// The Facial Action Coding System (Ekman, Friesen & Hager 2002) units this project knows:
// every AU that DISFA or BP4D labels for intensity, plus the common neighbours a user may
// want to add. Each one also has a point rule in au-point-rules.ts (a test checks that).

/** One Action Unit: its FACS number, FACS name and what it does to the face. */
export interface AuInfo {
  /** FACS number, e.g. `12`. */
  readonly au: number;
  /** FACS name, e.g. `'Lip Corner Puller'`. */
  readonly name: string;
  /** What the face does, and the muscle behind it. */
  readonly description: string;
}

// The lists below are typed as plain arrays (the ARCHITECTURE.md contract) but frozen:
// changing them in place throws instead of silently changing every user's AU order.

/** Every AU this package has a name and a point rule for, in FACS order. */
export const AU_CATALOGUE: AuInfo[] = Object.freeze([
  { au: 1, name: 'Inner Brow Raiser', description: 'Raises the inner ends of the brows (frontalis, pars medialis).' },
  { au: 2, name: 'Outer Brow Raiser', description: 'Raises the outer parts of the brows (frontalis, pars lateralis).' },
  { au: 4, name: 'Brow Lowerer', description: 'Lowers the brows and draws them together (corrugator, depressor supercilii, procerus).' },
  { au: 5, name: 'Upper Lid Raiser', description: 'Raises the upper eyelids, widening the eyes (levator palpebrae superioris).' },
  { au: 6, name: 'Cheek Raiser', description: 'Lifts the cheeks and narrows the eyes from below, crow’s feet (orbicularis oculi, pars orbitalis).' },
  { au: 7, name: 'Lid Tightener', description: 'Tightens and raises the lower eyelids (orbicularis oculi, pars palpebralis).' },
  { au: 9, name: 'Nose Wrinkler', description: 'Wrinkles the sides and root of the nose (levator labii superioris alaeque nasi).' },
  { au: 10, name: 'Upper Lip Raiser', description: 'Raises the upper lip, deepening the nasolabial furrow (levator labii superioris).' },
  { au: 12, name: 'Lip Corner Puller', description: 'Pulls the lip corners up and back, the smile (zygomaticus major).' },
  { au: 14, name: 'Dimpler', description: 'Tightens the lip corners inward, dimpling the cheeks beside them (buccinator).' },
  { au: 15, name: 'Lip Corner Depressor', description: 'Pulls the lip corners down (depressor anguli oris).' },
  { au: 16, name: 'Lower Lip Depressor', description: 'Pulls the lower lip down and out (depressor labii inferioris).' },
  { au: 17, name: 'Chin Raiser', description: 'Pushes the chin boss and the lower lip up (mentalis).' },
  { au: 20, name: 'Lip Stretcher', description: 'Stretches the lips sideways (risorius, platysma).' },
  { au: 23, name: 'Lip Tightener', description: 'Tightens and narrows the lips (orbicularis oris).' },
  { au: 24, name: 'Lip Pressor', description: 'Presses the lips together (orbicularis oris).' },
  { au: 25, name: 'Lips Part', description: 'Parts the lips (depressor labii inferioris, or relaxed mentalis / orbicularis oris).' },
  { au: 26, name: 'Jaw Drop', description: 'Lowers the jaw, relaxed, opening the mouth (masseter and temporalis relaxed).' },
  { au: 43, name: 'Eyes Closed', description: 'Closes the eyes by relaxing the upper-lid raiser (levator palpebrae superioris relaxed).' },
].map((info) => Object.freeze(info))) as AuInfo[];

/** DISFA's 12 intensity-coded AUs, in the order DISFA lists them (the default AU order). */
export const DISFA_AUS: number[] = Object.freeze([1, 2, 4, 5, 6, 9, 12, 15, 17, 20, 25, 26]) as number[];

/** The 5 AUs BP4D codes for intensity (FERA 2015 occurrence/intensity sub-challenge). */
export const BP4D_AUS: number[] = Object.freeze([6, 10, 12, 14, 17]) as number[];

const catalogueByAu = new Map(AU_CATALOGUE.map((info) => [info.au, info]));

/** The catalogue entry of `au`; throws naming the known AUs when it has none. */
export function auInfo(au: number): AuInfo {
  const info = catalogueByAu.get(au);
  if (info === undefined) {
    const known = AU_CATALOGUE.map((entry) => entry.au).join(', ');
    throw new Error(`auInfo(au): unknown Action Unit ${String(au)}; known AUs are ${known}`);
  }
  return info;
}

/** Throws naming `where` unless every AU in `aus` is in the catalogue and none repeats. */
export function assertKnownAus(aus: readonly number[], where: string): void {
  if (!Array.isArray(aus) || aus.length === 0) {
    throw new Error(`${where}: aus must be a non-empty array of FACS numbers (e.g. DISFA_AUS), got ${JSON.stringify(aus)}`);
  }
  const seen = new Set<number>();
  for (let a = 0; a < aus.length; a++) {
    const au = aus[a];
    if (!catalogueByAu.has(au)) {
      const known = AU_CATALOGUE.map((entry) => entry.au).join(', ');
      throw new Error(`${where}: aus[${a}] = ${String(au)} is not a known Action Unit; known AUs are ${known}`);
    }
    if (seen.has(au)) throw new Error(`${where}: aus[${a}] = ${au} appears twice; each AU may appear once`);
    seen.add(au);
  }
}
