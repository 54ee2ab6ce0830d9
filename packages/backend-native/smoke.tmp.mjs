import * as tf from '@tensorflow/tfjs';
import { registerNativeBackend } from './dist/index.js';
registerNativeBackend();
const run = (b, f) => { tf.setBackend(b); return tf.tidy(f); };
const xs = Array.from({length: 2*8*8*16}, (_, i) => Math.sin(i));
const resize = (t) => tf.image.resizeNearestNeighbor(t, [16,16]);
for (const b of ['cpu','native']) {
  const r = run(b, () => { const x = tf.tensor4d(xs, [2,8,8,16]); return [resize(x).dataSync(), tf.grad(t=>tf.sum(tf.mul(resize(t), tf.cos(resize(t)))))(x).dataSync(), tf.grad(t=>tf.sum(resize(t)))(x).dataSync(),  tf.grad(t=>tf.sum(tf.cos(resize(t))))(x).dataSync()]; });
  console.log(b, r.map(a=>Array.from(a.slice(0,6)).map(v=>v.toFixed(3)).join(',')).join(' | '));
}
