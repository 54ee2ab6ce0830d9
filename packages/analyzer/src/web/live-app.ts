// The live page (web/index.html): a webcam or a local video file → detection, landmarks,
// alignment, the G2RL model and decoding in this tab (LiveSession) → the frame with its
// landmarks and AU points, a bar per AU, a rolling plot, frames per second; the session's
// rows download as g2rl-analyze's video CSV. Nothing is sent anywhere: the page only fetches
// its code, the model and the weights from the server it came from.
/// <reference lib="dom" />
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { AU_CATALOGUE } from '@g2rl/heatmaps';
import { createBrowserPipeline } from '../browser.js';
import { CALIBRATION_MODES, type CalibrationMode } from '../video/calibration.js';
import { DEFAULT_CALIBRATION } from '../video/defaults.js';
import { AuBars } from './au-bars.js';
import { auColour } from './au-colours.js';
import { initBrowserBackend, type BrowserBackend } from './browser-backend.js';
import { FrameGrabber } from './frame-grabber.js';
import { parseLiveConfig, type LiveConfig } from './live-config.js';
import { LiveSession, type StageTimes } from './live-session.js';
import { drawOverlay } from './overlay-draw.js';
import { drawPlot } from './plot-draw.js';
import { RollingSeries } from './rolling-series.js';

/** What the page tells a script (a test, a bench, the console) about itself. */
export interface LiveApi {
  state: 'loading' | 'ready' | 'running' | 'stopped' | 'error';
  error?: string;
  backend?: BrowserBackend;
  aus?: readonly number[];
  /** Frames analysed since the start (or the last clear), the last frame's AUs (first face; null: no face). */
  frames: number;
  last: { frame: number; timestamp: number; aus: number[] | null; faces: number } | null;
  fps: number;
  /** Stage sums in ms since the start: detect, landmarks, model, total (the session), grab, draw (the page). */
  totals(): StageTimes & { frames: number; detections: number; grab: number; draw: number };
  /** The recorded rows, as plain data. */
  rows(): { frame: number; faceId: number; timestamp: number; confidence: number; success: number; landmarks: number[] | null; aus: number[] | null }[];
  csv(calibration: CalibrationMode): string;
  /** Kept frame i (?keepFrames=n): RGB bytes as base64. */
  keptFrame(i: number): { frame: number; timestamp: number; width: number; height: number; rgb: string } | null;
  keptCount(): number;
  tensors(): number;
}

declare global {
  interface Window { g2rlLive: LiveApi }
}

const byId = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};

const api: LiveApi = {
  state: 'loading', frames: 0, last: null, fps: 0,
  totals: () => ({ detect: 0, landmarks: 0, model: 0, total: 0, frames: 0, detections: 0, grab: 0, draw: 0 }),
  rows: () => [], csv: () => '', keptFrame: () => null, keptCount: () => 0, tensors: () => tf.memory().numTensors,
};
window.g2rlLive = api;

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fail(message: string): void {
  api.state = 'error';
  api.error = message;
  const status = document.getElementById('status');
  if (status) { status.textContent = message; status.className = 'status error'; }
}

async function main(): Promise<void> {
  const status = byId('status');
  let config: LiveConfig;
  try {
    config = parseLiveConfig(location.search);
  } catch (error) {
    fail((error as Error).message);
    return;
  }
  status.textContent = 'Loading the backend and the model (from this site only)…';
  const backend = await initBrowserBackend(config.backend, config.wasm);
  api.backend = backend;
  const { pipeline } = await createBrowserPipeline({
    model: config.model, faceApiUrl: config.faceApi, detector: config.detector, minQuality: config.minQuality, maxFaces: config.maxFaces,
  });
  const session = new LiveSession(pipeline, {
    detectEvery: config.detectEvery, shiftCheckEvery: config.shiftCheckEvery, maxFaces: config.maxFaces, minQuality: config.minQuality, keepFrames: config.keepFrames,
  });
  const aus = pipeline.card.aus;
  api.aus = aus;

  const video = byId<HTMLVideoElement>('video');
  const grabber = new FrameGrabber(byId<HTMLCanvasElement>('view'));
  const bars = new AuBars(byId('bars'), aus);
  const series = new RollingSeries(aus.length, config.plotSeconds);
  const plotCanvas = byId<HTMLCanvasElement>('plot');
  const fpsText = byId('fps');
  const stagesText = byId('stages');
  const recorded = byId('recorded');
  const calibration = byId<HTMLSelectElement>('calibration');
  for (const mode of CALIBRATION_MODES) {
    const option = document.createElement('option');
    option.value = mode;
    option.textContent = { none: 'raw (as shown)', video: 'calibrated per person (g2rl-analyze default)', online: 'calibrated online (causal)' }[mode];
    option.selected = mode === DEFAULT_CALIBRATION;
    calibration.append(option);
  }

  // the plot's AUs: the asked ones, else AU12 (smile), AU6 (cheek raiser), AU4 (brow lowerer) when the model has them
  const wanted = (config.plotAus ?? [12, 6, 4]).filter((au) => aus.includes(au));
  const chosen = new Set(wanted.length > 0 ? wanted.map((au) => aus.indexOf(au)) : [0, 1, 2].filter((a) => a < aus.length));
  const choices = byId('plot-aus');
  aus.forEach((au, a) => {
    const label = document.createElement('label');
    label.style.color = auColour(a);
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = chosen.has(a);
    box.addEventListener('change', () => { if (box.checked) chosen.add(a); else chosen.delete(a); redrawPlot(); });
    label.append(box, ` AU${au}`);
    label.title = AU_CATALOGUE.find((c) => c.au === au)?.name ?? '';
    choices.append(label);
  });
  const redrawPlot = () => {
    const picked = [...chosen].sort((x, y) => x - y);
    plotCanvas.width = plotCanvas.clientWidth || 640;
    drawPlot(plotCanvas.getContext('2d')!, series, picked, picked.map((a) => `AU${aus[a]}`));
  };
  redrawPlot();

  let grabMs = 0;
  let drawMs = 0;
  api.totals = () => ({ ...session.totals(), grab: grabMs, draw: drawMs });
  api.rows = () => session.rows.map((r) => ({ ...r, landmarks: r.landmarks ? Array.from(r.landmarks) : null, aus: r.aus ? Array.from(r.aus) : null }));
  api.csv = (mode) => session.csv(mode);
  api.keptCount = () => session.kept.length;
  api.keptFrame = (i) => {
    const k = session.kept[i];
    return k ? { frame: k.frame, timestamp: k.timestamp, width: k.image.width, height: k.image.height, rgb: toBase64(k.image.data) } : null;
  };

  const threads = backend.threads ? `, ${getThreadsCount()} threads` : '';
  const backendText = `${backend.name}${backend.simd ? ' SIMD' : backend.simd === false ? ' (no SIMD)' : ''}${threads}`;
  status.textContent = `Ready: ${backendText}, detector ${config.detector} every ${config.detectEvery} frames, model ${pipeline.card.preset} (${aus.length} AUs). Start the camera or open a video file.`;
  status.className = 'status';
  api.state = 'ready';

  // One loop per source; a new source or Stop ends the old one.
  let generation = 0;
  let stream: MediaStream | null = null;
  let presented = 0;
  let mediaTime = 0;
  const watchFrames = (gen: number) => {
    if (typeof (video as { requestVideoFrameCallback?: unknown }).requestVideoFrameCallback !== 'function') return;
    const on = (_now: number, meta: { presentedFrames: number; mediaTime: number }) => {
      presented = meta.presentedFrames;
      mediaTime = meta.mediaTime;
      if (gen === generation) video.requestVideoFrameCallback(on);
    };
    video.requestVideoFrameCallback(on);
  };
  const nextTick = () => new Promise<void>((resolve) => { requestAnimationFrame(() => resolve()); });

  async function run(gen: number, clock: 'wall' | 'media'): Promise<void> {
    let done = -1;
    const t0 = performance.now();
    // a second source continues the recording: its clock starts where the last one stopped, so timestamps keep rising
    const offset = session.rows.at(-1)?.timestamp ?? 0;
    api.state = 'running';
    let seen = -1;
    const hasFrameCallbacks = typeof (video as { requestVideoFrameCallback?: unknown }).requestVideoFrameCallback === 'function';
    while (gen === generation) {
      if (!hasFrameCallbacks && video.currentTime !== seen) {
        seen = video.currentTime; // without frame callbacks, a new frame is a new currentTime
        presented++;
        mediaTime = seen;
      }
      // analyse the newest frame at once when the camera is ahead of us; wait only when we are ahead of it
      if (presented === done || video.readyState < 2) {
        if (video.ended) { stop('the video ended'); break; }
        await nextTick();
        continue;
      }
      done = presented;
      let start = performance.now();
      const image = grabber.grab(video);
      grabMs += performance.now() - start;
      if (!image) continue;
      const t = offset + (clock === 'media' ? mediaTime : (performance.now() - t0) / 1000);
      const frame = await session.process(image, t);
      if (gen !== generation) break;
      start = performance.now();
      drawOverlay(grabber.drawing, frame.rows, frame.faces);
      const first = frame.rows.find((r) => r.success)?.aus ?? null;
      bars.update(first);
      series.push(t, first);
      redrawPlot();
      const fps = session.fps();
      const mean = session.meanTimings();
      fpsText.textContent = `${fps.toFixed(1)} frames/s`;
      stagesText.textContent = `per frame: detector ${mean.detect.toFixed(1)} ms · landmarks + check ${mean.landmarks.toFixed(1)} ms · align + model ${mean.model.toFixed(1)} ms · ${backendText}`;
      recorded.textContent = `${session.frames} frames recorded (${session.rows.filter((r) => r.success).length} face rows)`;
      drawMs += performance.now() - start;
      api.frames = session.frames;
      api.fps = fps;
      api.last = { frame: frame.frame, timestamp: t, aus: first ? Array.from(first) : null, faces: frame.faces.length };
    }
  }

  /** Ends the current source; `switching`: another source starts next (the page is not 'stopped'). */
  function stop(why = 'stopped', switching = false): void {
    generation++;
    stream?.getTracks().forEach((track) => track.stop());
    stream = null;
    video.pause();
    api.state = switching ? 'ready' : 'stopped';
    status.textContent = `${why[0]!.toUpperCase()}${why.slice(1)}. ${session.frames} frames recorded; download them as CSV, or start again.`;
  }

  byId<HTMLButtonElement>('camera').addEventListener('click', async () => {
    stop('switching to the camera', true);
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
    } catch (error) {
      fail(`The camera could not be opened: ${(error as Error).message}`);
      return;
    }
    video.removeAttribute('src');
    video.srcObject = stream;
    await video.play();
    const gen = ++generation;
    watchFrames(gen);
    status.textContent = `Camera on (${backendText}). The frames stay in this tab.`;
    void run(gen, 'wall').catch((error: Error) => fail(`Analysis stopped: ${error.message}`));
  });

  byId<HTMLInputElement>('file').addEventListener('change', async (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (!file) return;
    stop('switching to the file', true);
    video.srcObject = null;
    video.src = URL.createObjectURL(file); // a local object URL: the file is read by this tab, not uploaded
    try {
      await video.play();
    } catch (error) {
      fail(`${file.name} could not be played: ${(error as Error).message}`);
      return;
    }
    const gen = ++generation;
    watchFrames(gen);
    status.textContent = `Playing ${file.name} (${backendText}); frames are analysed as fast as they can be, others are skipped.`;
    void run(gen, 'media').catch((error: Error) => fail(`Analysis stopped: ${error.message}`));
  });

  byId<HTMLButtonElement>('stop').addEventListener('click', () => stop());
  byId<HTMLButtonElement>('clear').addEventListener('click', () => {
    session.clearRecording();
    series.clear();
    grabMs = 0;
    drawMs = 0;
    recorded.textContent = '0 frames recorded';
    redrawPlot();
  });
  byId<HTMLButtonElement>('download').addEventListener('click', () => {
    const text = session.csv(calibration.value as CalibrationMode);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
    link.download = `g2rl-live-${new Date().toISOString().replace(/[:.]/g, '-')}.csv`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  });
}

main().catch((error: Error) => fail(`The page could not start: ${error.message}`));
