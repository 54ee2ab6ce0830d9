#!/usr/bin/env python3
"""The `small` backbone of @g2rl/models in PyTorch, timed like bench/models.bench.mjs does:
forward (inference mode) and one training step (Adam lr 1e-3, MSE on the heatmaps) per image
at batch 16, on 2 threads. Prints one JSON line. Run by models.bench.mjs; needs Debian's
python3-torch (apt-get install -y python3-torch).

Usage: python3 bench/torch_small.py [--batch 16] [--iterations 5] [--threads 2]
"""
import argparse
import json
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_bn_relu(cin, cout, k, s=1):
    return nn.Sequential(nn.Conv2d(cin, cout, k, s, k // 2, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class ResBlock(nn.Module):
    """Conv3×3/s BN ReLU → Conv3×3 BN; shortcut Conv1×1/s BN; Add; ReLU (as blocks.ts basicBlock)."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.a = conv_bn_relu(cin, cout, 3, stride)
        self.b = nn.Sequential(nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout))
        self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, 0, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        return F.relu(self.b(self.a(x)) + self.short(x))


class SmallBackbone(nn.Module):
    """128² → stem 32 → enc 48, 96, 192 → dec 96 (+enc2), 64 (+1×1(enc1)) = M → 1×1 head K."""

    def __init__(self, keypoints=24):
        super().__init__()
        self.stem = conv_bn_relu(3, 32, 3, 2)
        self.enc1 = ResBlock(32, 48, 2)
        self.enc2 = ResBlock(48, 96, 2)
        self.enc3 = ResBlock(96, 192, 2)
        self.dec2 = conv_bn_relu(192, 96, 3)
        self.dec1 = conv_bn_relu(96, 64, 3)
        self.skip1 = nn.Conv2d(48, 64, 1)
        self.head = nn.Conv2d(64, keypoints, 1)

    def forward(self, x):
        e1 = self.enc1(self.stem(x))
        e2 = self.enc2(e1)
        e3 = self.enc3(e2)
        d2 = self.dec2(F.interpolate(e3, scale_factor=2, mode="nearest")) + e2
        m = self.dec1(F.interpolate(d2, scale_factor=2, mode="nearest")) + self.skip1(e1)
        return m, self.head(m)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = SmallBackbone()
    params = sum(p.numel() for p in model.parameters())
    images = torch.rand(args.batch, 3, 128, 128)
    target = torch.rand(args.batch, 24, 32, 32)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def train_step():
        optimizer.zero_grad()
        _, heatmaps = model(images)
        loss = F.mse_loss(heatmaps, target)
        loss.backward()
        optimizer.step()
        return loss.item()

    def forward():
        with torch.no_grad():
            return model(images)[1].sum().item()

    model.train()
    train_step()  # warm-up
    start = time.perf_counter()
    for _ in range(args.iterations):
        train_step()
    train_ms = (time.perf_counter() - start) * 1000 / args.iterations

    model.eval()
    forward()
    start = time.perf_counter()
    for _ in range(args.iterations):
        forward()
    forward_ms = (time.perf_counter() - start) * 1000 / args.iterations

    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "batch": args.batch,
        "params": params,
        "forwardMsPerImage": forward_ms / args.batch,
        "trainMsPerImage": train_ms / args.batch,
        "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
