// The page script of the Chromium test: @g2rl/analyzer's browser entry on tfjs's cpu
// backend, the model and face-api's weights from the test's own server. It analyses the
// raw RGB pixels the test serves (so the comparison with Node is not about JPEG decoders)
// and, separately, an <img> element.
import * as tf from '@tensorflow/tfjs';
import { createAnalyzer } from '../src/browser.js';

declare global {
  interface Window { g2rlResult?: unknown; g2rlError?: string }
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const analyzer = await createAnalyzer({ model: '/model', faceApiUrl: '/face-api' });
  const meta = await (await fetch('/image.json')).json() as { width: number; height: number };
  const data = new Uint8Array(await (await fetch('/image.rgb')).arrayBuffer());
  const fromPixels = await analyzer.analyze({ data, width: meta.width, height: meta.height, channels: 3 });
  const img = new Image();
  img.src = '/image.jpg';
  await img.decode();
  const fromElement = await analyzer.analyze(img);
  const tensors = tf.memory().numTensors;
  await analyzer.analyze(img);
  window.g2rlResult = { fromPixels, fromElement, backend: analyzer.backend, leaked: tf.memory().numTensors - tensors };
}

main().catch((error: Error) => { window.g2rlError = `${error.message}\n${error.stack}`; });
