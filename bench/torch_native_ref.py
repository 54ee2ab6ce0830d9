#!/usr/bin/env python3
"""PyTorch reference for bench/native.bench.mjs: the `small` backbone preset as the spec
states it (stem Conv3x3/2(32)-BN-ReLU; ResBlocks 48/96/192 stride 2; decoder with nearest
x2 upsampling, Conv3x3-BN-ReLU and skip adds; 1x1 head to K=24), timed with
torch.set_num_threads(--threads, default 2). Prints JSON with the best (minimum) time in ms of a training step
(Adam lr 1e-3, eps 1e-7, MSE on the heatmaps) at --train-batch, and of inference (eval, no_grad) at
batch 1 and 32. Best of --reps after a warm-up: the machine is shared.
With --serve it times one task per stdin line instead ("train", "infer1", "infer32" → one
line with the milliseconds), so that the JS bench can interleave both sides' repetitions and
both see the same load; the first line it prints is a JSON header."""
import argparse, json, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

parser = argparse.ArgumentParser()
parser.add_argument('--reps', type=int, default=5)
parser.add_argument('--train-batch', type=int, default=16)
parser.add_argument('--size', type=int, default=128)
parser.add_argument('--keypoints', type=int, default=24)
parser.add_argument('--serve', action='store_true')
parser.add_argument('--threads', type=int, default=2)
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)


def conv_bn(cin, cout, k, s):
    return nn.Sequential(nn.Conv2d(cin, cout, k, s, padding=k // 2, bias=False), nn.BatchNorm2d(cout, eps=1e-3))


class ResBlock(nn.Module):
    def __init__(self, cin, c, s):
        super().__init__()
        self.a = conv_bn(cin, c, 3, s)
        self.b = conv_bn(c, c, 3, 1)
        self.sc = conv_bn(cin, c, 1, s)

    def forward(self, x):
        return F.relu(self.b(F.relu(self.a(x))) + self.sc(x))


class Small(nn.Module):
    def __init__(self, k):
        super().__init__()
        self.stem = conv_bn(3, 32, 3, 2)
        self.enc1 = ResBlock(32, 48, 2)
        self.enc2 = ResBlock(48, 96, 2)
        self.enc3 = ResBlock(96, 192, 2)
        self.dec2 = conv_bn(192, 96, 3, 1)
        self.dec1 = conv_bn(96, 64, 3, 1)
        self.skip1 = nn.Conv2d(48, 64, 1)
        self.head = nn.Conv2d(64, k, 1)

    def forward(self, x):
        x = F.relu(self.stem(x))
        e1 = self.enc1(x)
        e2 = self.enc2(e1)
        e3 = self.enc3(e2)
        d2 = F.relu(self.dec2(F.interpolate(e3, scale_factor=2, mode='nearest'))) + e2
        m = F.relu(self.dec1(F.interpolate(d2, scale_factor=2, mode='nearest'))) + self.skip1(e1)
        return m, self.head(m)


def best_ms(f, reps=None):
    f()
    times = []
    for _ in range(reps or args.reps):
        t0 = time.perf_counter()
        f()
        times.append((time.perf_counter() - t0) * 1000)
    return min(times)


model = Small(args.keypoints)
# Adam with the tfjs/Keras epsilon, as @g2rl/models' Adam on the JS side
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
S, H = args.size, args.size // 4
x = torch.rand(args.train_batch, 3, S, S)
target = torch.rand(args.train_batch, args.keypoints, H, H)


def train_step():
    model.train()
    optimizer.zero_grad()
    loss = F.mse_loss(model(x)[1], target)
    loss.backward()
    optimizer.step()


header = {'version': torch.__version__, 'threads': torch.get_num_threads(),
          'params': sum(p.numel() for p in model.parameters()), 'train_batch': args.train_batch}
inputs = {b: torch.rand(b, 3, S, S) for b in (1, 32)}


def infer(b):
    model.eval()
    with torch.no_grad():
        model(inputs[b])


tasks = {'train': train_step, 'infer1': lambda: infer(1), 'infer32': lambda: infer(32)}

if args.serve:
    print(json.dumps(header), flush=True)
    for line in sys.stdin:
        task = line.strip()
        if task == 'quit':
            break
        t0 = time.perf_counter()
        tasks[task]()
        print((time.perf_counter() - t0) * 1000, flush=True)
else:
    out = dict(header)
    out['train_ms'] = best_ms(train_step)
    # batch 1 is short: more repetitions, as the JS side does
    out['infer1_ms'] = best_ms(tasks['infer1'], args.reps * 4)
    out['infer32_ms'] = best_ms(tasks['infer32'])
    print(json.dumps(out))
