#!/usr/bin/python3
"""PyTorch reference for `./seqstream bench train`: the echo task as io.seqstream.train.task.EchoTask.

Letters a-z are ids 1..26, blank is 0, vocab = classes = 27; output at step t is the input at t-4 (blank before).
GRU with 64 units, one-hot input, linear head; batch 50 of length-20 sequences; Adam lr 1e-3; global-norm
clipping at 1.0 (the Java trainer's default; --clip 0 turns it off); cross-entropy at every step. Every 50 batches
per-token accuracy at positions >= 4 is measured on 500 fixed held-out sequences; training stops at 99 %.
Prints one JSON object on stdout. Run with Debian's python3-torch: /usr/bin/python3 bench/pytorch_train_echo.py
"""
import argparse
import json
import time

import torch

VOCAB = 27
LETTERS = 26


def batch(n, length, delay, gen):
    x = torch.randint(1, LETTERS + 1, (n, length), generator=gen)
    y = torch.zeros_like(x)
    y[:, delay:] = x[:, :length - delay]
    return x, y


class Echo(torch.nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.gru = torch.nn.GRU(VOCAB, hidden, batch_first=True)
        self.head = torch.nn.Linear(hidden, VOCAB)

    def forward(self, x):
        out, _ = self.gru(torch.nn.functional.one_hot(x, VOCAB).float())
        return self.head(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--delay", type=int, default=4)
    ap.add_argument("--length", type=int, default=20)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--eval-every", type=int, default=50)
    ap.add_argument("--held-out", type=int, default=500)
    ap.add_argument("--target", type=float, default=0.99)
    ap.add_argument("--max-batches", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    held_x, held_y = batch(a.held_out, a.length, a.delay, torch.Generator().manual_seed(a.seed + 1000))
    model = Echo(a.hidden)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    acc = 0.0
    batches = 0
    eval_seconds = 0.0
    t0 = time.perf_counter()
    while batches < a.max_batches:
        x, y = batch(a.batch, a.length, a.delay, gen)
        opt.zero_grad()
        loss = loss_fn(model(x).reshape(-1, VOCAB), y.reshape(-1))
        loss.backward()
        if a.clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), a.clip)
        opt.step()
        batches += 1
        if batches % a.eval_every == 0:
            e0 = time.perf_counter()
            with torch.no_grad():
                pred = model(held_x).argmax(-1)
                acc = (pred[:, a.delay:] == held_y[:, a.delay:]).float().mean().item()
            eval_seconds += time.perf_counter() - e0
            if acc >= a.target:
                break
    seconds = time.perf_counter() - t0
    print(json.dumps({"library": "pytorch", "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "task": "echo-d%d" % a.delay, "hidden": a.hidden, "batch": a.batch, "lr": a.lr, "clip": a.clip,
                      "batches": batches, "seconds": seconds, "evalSeconds": eval_seconds,
                      "heldOutAccuracy": acc, "solved": acc >= a.target}))


if __name__ == "__main__":
    main()
