#!/usr/bin/python3
"""PyTorch reference for `./seqstream bench step`: the same batched step as the Java processor.

K stream states are gathered from a table of 4K rows, stepped once by nn.GRUCell / nn.LSTMCell on a
27-symbol one-hot input, passed through a 27-class linear + softmax head, and scattered back.
Timing: warm-up, then the median of 7 rounds, in microseconds per call and per token. Each shape is timed with
every thread count in --threads (default 1 and 2) and the faster one is the reference: on a 2-core machine that
something else also uses, 2 intra-op threads can be 10-100x slower than 1 (they spin waiting for each other).
Prints one JSON object on stdout. Run with Debian's python3-torch: /usr/bin/python3 bench/pytorch_step.py
"""
import argparse
import json
import time

import torch


def bench(cell, hidden, k, seconds, vocab=27):
    torch.manual_seed(1)
    rows = 4 * k
    layer = torch.nn.GRUCell(vocab, hidden) if cell == "gru" else torch.nn.LSTMCell(vocab, hidden)
    head = torch.nn.Linear(hidden, vocab)
    width = hidden if cell == "gru" else 2 * hidden
    table = torch.zeros(rows, width)
    gen = torch.Generator().manual_seed(1)
    tokens = torch.randint(0, vocab, (k,), generator=gen)
    picked = (torch.arange(k) * 4 + torch.randint(0, 4, (k,), generator=gen)) % rows

    def step():
        state = table.index_select(0, picked)
        x = torch.nn.functional.one_hot(tokens, vocab).float()
        if cell == "gru":
            h = layer(x, state)
            new = h
        else:
            h, c = layer(x, (state[:, :hidden], state[:, hidden:]))
            new = torch.cat((h, c), 1)
        probs = torch.softmax(head(h), 1)
        table.index_copy_(0, picked, new)
        return probs

    with torch.no_grad():
        warm = time.perf_counter() + seconds * 0.4
        while time.perf_counter() < warm:
            step()
        rounds = []
        per_round = seconds * 0.6 / 7
        for _ in range(7):
            calls = 0
            t0 = time.perf_counter()
            end = t0 + per_round
            while True:
                step()
                calls += 1
                now = time.perf_counter()
                if now >= end:
                    break
            rounds.append((now - t0) * 1e6 / calls)
    rounds.sort()
    per_call = rounds[len(rounds) // 2]
    return {"cell": cell.upper(), "hidden": hidden, "k": k, "usPerCall": per_call, "usPerToken": per_call / k}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cells", default="gru,lstm")
    ap.add_argument("--hidden", default="64,128")
    ap.add_argument("--k", default="1,16,256,2048")
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--threads", default="1,2")
    a = ap.parse_args()
    threads = [int(t) for t in a.threads.split(",")]
    results = []
    for c in a.cells.split(","):
        for h in a.hidden.split(","):
            for k in a.k.split(","):
                by = {}
                for t in threads:
                    torch.set_num_threads(t)
                    by[t] = bench(c.strip().lower(), int(h), int(k), a.seconds)
                best = min(by, key=lambda t: by[t]["usPerToken"])
                r = dict(by[best])
                r["threads"] = best
                r["usPerTokenByThreads"] = {str(t): by[t]["usPerToken"] for t in threads}
                results.append(r)
    print(json.dumps({"library": "pytorch", "torch": torch.__version__, "threads": threads, "results": results}))


if __name__ == "__main__":
    main()
