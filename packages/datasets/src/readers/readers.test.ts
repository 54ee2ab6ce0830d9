import { appendFile, cp, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError, formatSkipped } from '../errors.js';
import { fixtureIntensity, fixtureLandmarks, makeFixtures, toScheme, type FixtureLayout } from '../testing/fixtures.js';
import { readBp4d } from './bp4d.js';
import { readDisfa } from './disfa.js';
import { readManifest } from './manifest.js';

let root: string;
let layout: FixtureLayout;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'g2rl-readers-'));
  layout = await makeFixtures(join(root, 'clean'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A private copy of the fixtures to damage. */
async function copyOf(name: keyof FixtureLayout, label: string): Promise<string> {
  const source = layout[name];
  const target = join(root, label);
  await cp(name.startsWith('manifest') ? join(source, '..') : source, target, { recursive: true });
  return name === 'manifestJsonl' ? join(target, 'manifest.jsonl') : name === 'manifestCsv' ? join(target, 'manifest.csv') : target;
}

describe('readDisfa', () => {
  it('reads labels, .mat landmarks (plain and compressed) and frames', async () => {
    const samples = await readDisfa(layout.disfa);
    expect(samples).toHaveLength(12);
    expect(samples.skipped).toEqual([]);
    const s = samples.find((x) => x.id === 'SN002/3')!;
    expect(s).toMatchObject({ subject: 'SN002', frame: 3, scheme: 'disfa66', aus: [1, 2, 4, 5, 6, 9, 12, 15, 17, 20, 25, 26] });
    expect(Array.from(s.intensities)).toEqual(s.aus.map((au) => fixtureIntensity(1, 3, au)));
    const expected = toScheme(fixtureLandmarks(103), 'disfa66');
    s.landmarks.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
    expect(existsSync(s.image)).toBe(true);
    // SN001's landmark files are miCOMPRESSED
    const first = samples.find((x) => x.id === 'SN001/1')!;
    first.landmarks.forEach((v, i) => expect(v).toBeCloseTo(toScheme(fixtureLandmarks(1), 'disfa66')[i], 4));
  });

  it('reads a subset of subjects and AUs', async () => {
    const samples = await readDisfa(layout.disfa, { subjects: ['SN003'], aus: [12, 1] });
    expect(samples.map((s) => s.subject)).toEqual(['SN003', 'SN003', 'SN003', 'SN003']);
    expect(Array.from(samples[0].intensities)).toEqual([fixtureIntensity(2, 1, 12), fixtureIntensity(2, 1, 1)]);
    await expect(readDisfa(layout.disfa, { subjects: ['SN099'] })).rejects.toThrow(/SN099/);
  });

  it('names file and line for a malformed line, an out-of-range intensity, an unreadable or missing landmark file', async () => {
    const disfa = await copyOf('disfa', 'disfa-bad');
    const labelFile = join(disfa, 'ActionUnit_Labels', 'SN001', 'SN001_au1.txt');
    await appendFile(labelFile, '5,oops\n');
    await expect(readDisfa(disfa)).rejects.toThrow(/SN001_au1\.txt:5: malformed line/);
    await writeFile(labelFile, '1,0\n2,7\n3,1\n4,1\n');
    await expect(readDisfa(disfa)).rejects.toThrow(/SN001_au1\.txt:2: intensity out of range: intensity 7/);
    await writeFile(labelFile, '1,0\n2,1\n3,1\n4,1\n');
    await writeFile(join(disfa, 'Landmark_Points', 'SN002', 'tmp_frame_lm', 'l0003_lm.mat'), 'not a mat file');
    await expect(readDisfa(disfa)).rejects.toThrow(/l0003_lm\.mat: bad landmarks: .*too short for a MAT-file/);
    await rm(join(disfa, 'Landmark_Points', 'SN002'), { recursive: true });
    await expect(readDisfa(disfa)).rejects.toThrow(/SN002_au1\.txt: missing landmarks: SN002 has no landmark \.mat files/);
    await unlink(join(disfa, 'ActionUnit_Labels', 'SN003', 'SN003_au26.txt'));
    const error = await readDisfa(disfa).catch((e) => e);
    expect(error).toBeInstanceOf(DatasetError);
  });

  it('with skipBad, leaves bad records out and counts them', async () => {
    const disfa = await copyOf('disfa', 'disfa-skip');
    await appendFile(join(disfa, 'ActionUnit_Labels', 'SN001', 'SN001_au1.txt'), 'garbage\n');
    await unlink(join(disfa, 'Landmark_Points', 'SN002', 'tmp_frame_lm', 'l0003_lm.mat'));
    await unlink(join(disfa, 'Images', 'SN003', '00004.png'));
    const samples = await readDisfa(disfa, { skipBad: true });
    // SN002 frame 3 is a landmark gap (left out, counted); SN003's 3 images against 4 labelled frames is a mismatch
    expect(samples).toHaveLength(7);
    expect(formatSkipped(samples.skipped)).toBe('skipped 3: 1 malformed line, 1 landmark gap, 1 frame count mismatch');
    expect(samples.skipped[0]).toMatchObject({ line: 5, reason: 'malformed line' });
    expect(samples.subjects.map((s) => [s.subject, s.gaps])).toEqual([['SN001', []], ['SN002', [3]]]);
  });
});

describe('readBp4d', () => {
  it('reads FERA 2015 codes with 9 as missing, 49-point landmarks and JPEG frames', async () => {
    const samples = await readBp4d(layout.bp4d);
    expect(samples).toHaveLength(12);
    const s = samples.find((x) => x.id === 'F002_T1/2')!;
    expect(s).toMatchObject({ subject: 'F002', frame: 2, scheme: 'bp4d49', aus: [6, 10, 12, 14, 17] });
    expect(Number.isNaN(s.intensities[1])).toBe(true); // AU10 coded 9
    expect(s.intensities[0]).toBe(fixtureIntensity(1, 2, 6));
    const expected = toScheme(fixtureLandmarks(1000 + 100 + 2), 'bp4d49');
    s.landmarks.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 2));
    expect(samples.filter((x) => x.subject === 'M001').map((x) => x.id)).toEqual(['M001_T2/1', 'M001_T2/2', 'M001_T2/3', 'M001_T2/4']);
  });

  it('reads FERA CSVs as Windows writes them (BOM, CRLF); a frame coded 9 in every AU is no sample', async () => {
    const bp4d = await copyOf('bp4d', 'bp4d-fera');
    for (const au of ['06', '10', '12', '14', '17']) {
      const file = join(bp4d, 'AU-Intensity-Codes3.0', `AU${au}`, `F001_T1_AU${au}.csv`);
      await writeFile(file, '\uFEFF1,9\r\n2,1\r\n3,9\r\n4,2\r\n'.replace('3,9', au === '12' ? '3,4' : '3,9'));
    }
    const samples = await readBp4d(bp4d, { subjects: ['F001'] });
    expect(samples.map((s) => s.id)).toEqual(['F001_T1/2', 'F001_T1/3', 'F001_T1/4']); // frame 1: 9 everywhere
    expect(Array.from(samples[1].intensities)).toEqual([NaN, NaN, 4, NaN, NaN]);
    expect(Array.from(samples[0].intensities)).toEqual([1, 1, 1, 1, 1]);
  });

  it('rejects intensities outside 0–5 other than 9, and malformed landmark rows, naming the line', async () => {
    const bp4d = await copyOf('bp4d', 'bp4d-bad');
    const codes = join(bp4d, 'AU-Intensity-Codes3.0', 'AU12', 'F001_T1_AU12.csv');
    await writeFile(codes, '1,0\n2,6\n3,1\n4,1\n');
    await expect(readBp4d(bp4d)).rejects.toThrow(/F001_T1_AU12\.csv:2: intensity out of range: intensity 6 for frame 2 is outside 0–5 \(or 9 for missing\)/);
    await writeFile(codes, '1,0\n2,1\n3,1\n4,1\n');
    await appendFile(join(bp4d, 'Landmarks', 'F002_T1.csv'), '9,1,2,3\n');
    await expect(readBp4d(bp4d)).rejects.toThrow(/F002_T1\.csv:5: malformed line/);
    const skipped = await readBp4d(bp4d, { skipBad: true });
    expect(skipped).toHaveLength(12);
    expect(skipped.skipped).toHaveLength(1);
  });
});

describe('readManifest', () => {
  it('reads the JSONL the synthetic data set writes', async () => {
    const samples = await readManifest(layout.manifestJsonl);
    expect(samples).toHaveLength(6);
    expect(samples[2]).toMatchObject({ id: 'own/2', subject: 'id2', frame: 2, scheme: 'ibug68', aus: [1, 12] });
    expect(samples[2].image).toBe(join(layout.manifestJsonl, '..', 'images', '2.png'));
    expect(Array.from(samples[2].intensities)).toEqual([2, 4]);
    expect(Number.isNaN(samples[5].intensities[1])).toBe(true); // null = missing
    samples[4].landmarks.forEach((v, i) => expect(v).toBeCloseTo(fixtureLandmarks(5004)[i], 4));
  });

  it('reads the CSV form to the same samples', async () => {
    const fromCsv = await readManifest(layout.manifestCsv);
    const fromJson = await readManifest(layout.manifestJsonl);
    expect(fromCsv).toHaveLength(6);
    fromCsv.forEach((s, k) => {
      expect(s.image).toBe(fromJson[k].image);
      expect(s.subject).toBe(fromJson[k].subject);
      expect(Array.from(s.intensities)).toEqual(Array.from(fromJson[k].intensities));
      s.landmarks.forEach((v, i) => expect(v).toBeCloseTo(fromJson[k].landmarks[i], 3));
    });
  });

  it('names the manifest line of each kind of bad record', async () => {
    const manifest = await copyOf('manifestJsonl', 'own-bad');
    const good = JSON.parse((await import('node:fs')).readFileSync(manifest, 'utf8').split('\n')[0]);
    const cases: [object | string, RegExp][] = [
      ['{not json', /manifest\.jsonl:7: malformed line: invalid JSON/],
      [{ ...good, id: 'x1', image: 'images/none.png' }, /:7: missing image: image file .*none\.png does not exist/],
      [{ ...good, id: 'x2', intensities: [1, 6] }, /:7: intensity out of range: AU12: intensity 6 is outside 0–5/],
      [{ ...good, id: 'x3', intensities: [1, 'high'] }, /:7: malformed line: intensity 1 \("high"\) is not a number/],
      [{ ...good, id: 'x4', landmarks: undefined }, /:7: missing landmarks/],
      [{ ...good, id: 'x5', landmarks: good.landmarks.slice(0, 10) }, /:7: bad landmarks/],
      [{ ...good, id: 'x6', landmarks: [null, ...good.landmarks.slice(1)] }, /:7: bad landmarks: landmark 0 x is null/],
    ];
    const original = (await import('node:fs')).readFileSync(manifest, 'utf8');
    for (const [line, pattern] of cases) {
      await writeFile(manifest, original + (typeof line === 'string' ? line : JSON.stringify(line)) + '\n');
      await expect(readManifest(manifest)).rejects.toThrow(pattern);
    }
    const skipped = await readManifest(manifest, { skipBad: true });
    expect(skipped).toHaveLength(6);
    expect(skipped.skipped).toEqual([expect.objectContaining({ line: 7, reason: 'bad landmarks' })]);
    await expect(readManifest(join(root, 'nowhere.jsonl'))).rejects.toThrow(/nowhere\.jsonl: missing file/);
  });
});
