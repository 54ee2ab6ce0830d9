import { describe, expect, it } from 'vitest';
import { chooseLandmarkNumbering, type DisfaLandmarkFiles } from './disfa-landmark-files.js';

/** Files numbered `numbers` in `naming`, as listDisfaLandmarkFiles returns them. */
function files(naming: DisfaLandmarkFiles['naming'], numbers: number[]): DisfaLandmarkFiles {
  const name = (n: number) => (naming === 'l-frame' ? `l${String(n).padStart(4, '0')}_lm.mat` : `SN001_${String(n).padStart(4, '0')}_lm.mat`);
  return { naming, byNumber: new Map(numbers.map((n) => [n, `/d/${name(n)}`])), first: Math.min(...numbers), last: Math.max(...numbers) };
}
const labels = { first: 1, last: 10, count: 10 };
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('chooseLandmarkNumbering', () => {
  it('reads the evidence first: a file 0 means from-0, a last file = last frame means from-1', () => {
    expect(chooseLandmarkNumbering('SN001', files('l-frame', range(0, 9)), { labels })).toMatchObject({ numbering: 'from-0', offset: -1, reason: 'a file is numbered 0' });
    expect(chooseLandmarkNumbering('SN001', files('subject-frame', range(1, 10)), { labels })).toMatchObject({ numbering: 'from-1', offset: 0 });
  });

  it('with both end files missing, the naming decides (SNxxx_NNNN from 0, lNNNN from 1)', () => {
    expect(chooseLandmarkNumbering('SN001', files('subject-frame', range(2, 8)), { labels }).numbering).toBe('from-0');
    expect(chooseLandmarkNumbering('SN001', files('l-frame', range(2, 8)), { labels }).numbering).toBe('from-1');
  });

  it('more files than frames is an error naming the subject, the files and both counts', () => {
    expect(() => chooseLandmarkNumbering('SN007', files('subject-frame', range(0, 10)), { labels, video: 10 })).toThrow(
      'SN007: 11 landmark files (SN001_0000_lm.mat … SN001_0010_lm.mat, read from-0: a file is numbered 0) give frames 1–11, but the labels have 10 frames (1–10) and the video 10',
    );
  });

  it('an explicit numbering or offset is used as given, and still checked', () => {
    expect(chooseLandmarkNumbering('SN001', files('l-frame', range(1, 10)), { labels }, 'from-1').offset).toBe(0);
    expect(chooseLandmarkNumbering('SN001', files('l-frame', range(6, 15)), { labels }, { offset: 5 }).offset).toBe(5);
    expect(() => chooseLandmarkNumbering('SN001', files('l-frame', range(1, 10)), { labels }, 'from-0')).toThrow(
      /give frames 2–11, .*set landmarkNumbering 'from-1'/,
    );
  });
});
