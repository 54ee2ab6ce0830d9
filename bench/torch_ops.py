#!/usr/bin/env python3
"""Per-op PyTorch timings for bench/backend.bench.mjs: reads {convs, matmuls} (JSON) on
stdin, times conv forward, input gradient and weight gradient (and matmuls) with
torch.set_num_threads(2), prints JSON {version, threads, convs: {name: {fwd, bpi, bpf}}}
in milliseconds (best of --reps: the machine is shared)."""
import argparse, json, sys, time
import torch

parser = argparse.ArgumentParser()
parser.add_argument('--reps', type=int, default=5)
parser.add_argument('--batch', type=int, default=16)
args = parser.parse_args()
torch.set_num_threads(2)
torch.manual_seed(0)
spec = json.load(sys.stdin)


def best_ms(f):
    f()
    times = []
    for _ in range(args.reps):
        t0 = time.perf_counter()
        f()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return times[0]


out = {'version': torch.__version__, 'threads': torch.get_num_threads(), 'convs': {}, 'matmuls': {}}
with torch.no_grad():
    for name, size, cin, cout, k, s in spec['convs']:
        b = args.batch
        x = torch.randn(b, cin, size, size)
        w = torch.randn(cout, cin, k, k)
        pad = k // 2  # 'same' for odd k (tfjs pads stride-2 asymmetrically; same cost)
        y = torch.nn.functional.conv2d(x, w, stride=s, padding=pad)
        dy = torch.randn_like(y)
        out['convs'][name] = {
            'fwd': best_ms(lambda: torch.nn.functional.conv2d(x, w, stride=s, padding=pad)),
            'bpi': best_ms(lambda: torch.nn.grad.conv2d_input(x.shape, w, dy, stride=s, padding=pad)),
            'bpf': best_ms(lambda: torch.nn.grad.conv2d_weight(x, w.shape, dy, stride=s, padding=pad)),
        }
    for name, m, k, n in spec['matmuls']:
        a, bm = torch.randn(m, k), torch.randn(k, n)
        out['matmuls'][name] = best_ms(lambda: a @ bm)
json.dump(out, sys.stdout)
