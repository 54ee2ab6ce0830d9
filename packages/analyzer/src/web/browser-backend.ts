// The tfjs backend of the live page: webgl when the browser gives a working WebGL context on a
// GPU (a software renderer is far slower than wasm on the same CPU), else wasm (SIMD, and threads when the page is cross-origin isolated) with its .wasm binaries
// fetched from the page's own server — never from a CDN — else cpu.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { LiveBackend } from './live-config.js';

export interface BrowserBackend {
  name: string;
  /** For wasm: SIMD and threads in use; null for other backends. */
  simd: boolean | null;
  threads: boolean | null;
  /** The backends tried before, and why they were not taken. */
  skipped: { backend: string; reason: string }[];
}

/** The renderer's name when WebGL runs on the CPU (SwiftShader, llvmpipe), else null (a GPU, or no WebGL at all). */
export function softwareWebgl(): string | null {
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2') ?? new OffscreenCanvas(1, 1).getContext('webgl');
    if (!gl) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    return /swiftshader|llvmpipe|softpipe|software/i.test(renderer) ? renderer : null;
  } catch {
    return null;
  }
}

/** Sets the backend `prefer` asks for ('auto': webgl → wasm → cpu); `wasmUrl` is the folder of the .wasm files. */
export async function initBrowserBackend(prefer: LiveBackend, wasmUrl: string): Promise<BrowserBackend> {
  const order = prefer === 'auto' ? ['webgl', 'wasm', 'cpu'] : [prefer];
  const skipped: BrowserBackend['skipped'] = [];
  // tfjs fetches `<prefix>tfjs-backend-wasm[-simd|-threaded-simd].wasm`: an absolute prefix keeps it on this origin's folder.
  setWasmPaths(new URL(wasmUrl.endsWith('/') ? wasmUrl : `${wasmUrl}/`, location.href).href);
  for (const name of order) {
    if (prefer === 'auto' && name === 'webgl') {
      const software = softwareWebgl();
      if (software) {
        // measured (bench/live.bench.mjs, headless Chromium's SwiftShader): ≈ 0.5 frames/s against wasm's ≈ 17
        skipped.push({ backend: 'webgl', reason: `WebGL is rendered in software (${software}): slower than wasm; ?backend=webgl forces it` });
        continue;
      }
    }
    try {
      if (!(await tf.setBackend(name))) throw new Error('could not be initialised');
      await tf.ready();
      // a context that exists but cannot run (a blocked GPU) fails here rather than mid-session
      const probe = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), 1));
      const values = await probe.data();
      probe.dispose();
      if (values[1] !== 3) throw new Error('computed a wrong result');
      const wasm = name === 'wasm';
      return {
        name,
        simd: wasm ? Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) : null,
        threads: wasm ? Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) : null,
        skipped,
      };
    } catch (error) {
      skipped.push({ backend: name, reason: (error as Error).message });
    }
  }
  throw new Error(`no tfjs backend could start: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`);
}
