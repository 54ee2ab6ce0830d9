import { loadAddon } from './dist/index.js';
const a = loadAddon().addon;
const best = (f, n = 5) => { f(); let b = Infinity; for (let i = 0; i < n; i++) { const t = performance.now(); f(); b = Math.min(b, performance.now() - t); } return b; };
const layers = [['stem',128,3,32,3,2],['enc1a',64,32,48,3,2],['enc1b',32,48,48,3,1],['enc1sc',64,32,48,1,2],['enc2a',32,48,96,3,2],['enc2b',16,96,96,3,1],['enc3a',16,96,192,3,2],['enc3b',8,192,192,3,1],['dec2',16,192,96,3,1],['dec1',32,96,64,3,1],['skip',32,48,64,1,1],['head',32,64,24,1,1]];
const N = Number(process.argv[2] ?? 32);
let tot = { f: 0, d: 0, w: 0, fl: 0 };
for (const [name, H, C, OC, K, S] of layers) {
  const OH = Math.ceil(H / S); const pad = Math.max(0, (OH - 1) * S + K - H);
  const dims = Int32Array.from([N, H, H, C, K, K, OC, OH, OH, S, S, 1, 1, pad >> 1, pad >> 1, pad - (pad >> 1), pad - (pad >> 1)]);
  const x = new Float32Array(N*H*H*C).fill(0.5), w = new Float32Array(K*K*C*OC).fill(0.1), y = new Float32Array(N*OH*OH*OC);
  const f = best(() => a.conv2d(x, w, null, y, dims, 0, 0));
  const d = best(() => a.conv2dBackpropInput(y, w, x, dims));
  const g = best(() => a.conv2dBackpropFilter(x, y, w, dims));
  const flop = 2 * N * OH * OH * OC * K * K * C;
  tot.f += f; tot.d += d; tot.w += g; tot.fl += flop;
  console.log(name.padEnd(8), [f, d, g].map(v => v.toFixed(1).padStart(7)).join(''), '  GFLOP/s', [f, d, g].map(v => (flop / v / 1e6).toFixed(0).padStart(5)).join(''), [0,1,2].map(k => a.convImplementation(k, dims)).join(' '));
}
console.log('total ms fwd/bwd-data/bwd-w', tot.f.toFixed(0), tot.d.toFixed(0), tot.w.toFixed(0), 'fwd GFLOP/s', (tot.fl / tot.f / 1e6).toFixed(0));
