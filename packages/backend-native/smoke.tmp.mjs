import * as tf from '@tensorflow/tfjs';
import { registerNativeBackend } from './dist/index.js';
registerNativeBackend();
for (const b of ['cpu', 'native']) {
  await tf.setBackend(b);
  const x = tf.ones([1, 4, 4, 2]), w = tf.ones([3, 3, 2, 2]), bias = tf.ones([2]);
  try {
    const p = await tf.profile(() => tf.grad((t) => tf.sum(tf.fused.conv2d({ x: t, filter: w, bias, strides: 1, pad: 'same', activation: 'linear' })))(x));
    console.log(b, p.kernels.map((k) => k.name + ':' + k.kernelTimeMs?.toFixed?.(3)).join(' '));
  } catch (e) { console.log(b, 'error', e.message); }
}
