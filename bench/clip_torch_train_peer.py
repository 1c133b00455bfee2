#!/usr/bin/python3
"""PyTorch eager peer of io.openautoglm.bench.TrainingBenchmark.

The tiny preset (ViT 64 px, patch 8, width 128 x 4 layers, 4 heads, MLP 512; text 32 tokens,
vocabulary 1000, width 128 x 4 layers, 4 heads; projection 128; QuickGELU) built from the
openai/CLIP-style modules of bench/clip_torch_peer.py (nn.MultiheadAttention, (T, B, D) layout),
trained with the same step as the Java side: forward of both towers, symmetric multi-positive
InfoNCE with a learned temperature, backward, clip_grad_norm_ (global L2, max 1.0),
torch.optim.AdamW with the same decay groups (no decay on norms, biases, embeddings and the
temperature), logit-scale clamp at ln(100). Random inputs generated once per batch size; data
loading excluded. Same protocol: warm-up steps, then the median of several timed repetitions,
each running whole steps for at least --min-rep-seconds; torch.set_num_threads(--threads).
"""
import argparse
import json
import math
import os
import resource
import statistics
import sys
import time

T_START = time.perf_counter()
import torch  # noqa: E402
from torch import nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clip_torch_peer import TextEncoder, VisionTransformer, measure  # noqa: E402

T_IMPORTED = time.perf_counter()

VOCAB, PAD, BOS, EOS = 1000, 0, 1, 2
MAX_LOGIT_SCALE = math.log(100)
PHASES = ["forward_loss", "backward", "grad_norm", "adamw_clamp"]


class PooledAtFirstEos(TextEncoder):
    """The text tower pooled at the first end-of-text token (our ids are not CLIP's, so argmax of the ids won't do)."""

    def forward(self, ids):  # (B, T) -> (B, P)
        x = self.token_embedding(ids) + self.positional_embedding[: ids.shape[1]]  # (B, T, D)
        x = self.transformer(x.permute(1, 0, 2)).permute(1, 0, 2)  # (B, T, D)
        x = self.ln_final(x)
        eos = (ids == EOS).int().argmax(dim=-1)  # (B) first EOS
        return x[torch.arange(x.shape[0]), eos] @ self.text_projection  # (B, P)


class TinyClip(nn.Module):
    def __init__(self):
        super().__init__()
        self.visual = VisionTransformer(64, 8, 128, 4, 4, 128)
        self.text = PooledAtFirstEos(VOCAB, 32, 128, 4, 4, 128)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))


def multi_positive_loss(images, texts, logit_scale, targets):  # (B, P), (B, P), (), (B, B) -> ()
    logits = F.normalize(images, dim=-1) @ F.normalize(texts, dim=-1).t() * logit_scale.exp()  # (B, B)
    i2t = -(targets * logits.log_softmax(1)).sum(1).mean()
    t2i = -(targets * logits.t().log_softmax(1)).sum(1).mean()
    return (i2t + t2i) / 2


def decays(name, p):
    return p.ndim >= 2 and "token_embedding" not in name and "positional_embedding" not in name


def random_inputs(b, gen):
    pixels = torch.randn(b, 3, 64, 64, generator=gen)  # (B, 3, S, S)
    ids = torch.full((b, 32), PAD, dtype=torch.long)  # (B, T): BOS, 3..20 words, EOS, padding
    keys = torch.randint(0, 2 * b, (b,), generator=gen)  # about a fifth of the rows share a caption key
    for r in range(b):
        words = int(torch.randint(3, 21, (1,), generator=gen))
        ids[r, 0] = BOS
        ids[r, 1: words + 1] = torch.randint(3, VOCAB, (words,), generator=gen)
        ids[r, words + 1] = EOS
    same = (keys[:, None] == keys[None, :]).float()  # (B, B)
    targets = same / same.sum(1, keepdim=True)
    return pixels, ids, targets, int(keys.unique().numel())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batches", default="64,128")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--min-rep-seconds", type=float, default=2.0)
    p.add_argument("--max-point-seconds", type=float, default=60)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--weight-decay", type=float, default=0.1)
    p.add_argument("--grad-clip", type=float, default=1.0)
    p.add_argument("--json")
    args = p.parse_args()
    batches = [int(b) for b in args.batches.split(",")]

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)
    model = TinyClip().train()
    named = list(model.named_parameters())
    decay = [q for n, q in named if decays(n, q)]
    no_decay = [q for n, q in named if not decays(n, q)]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                                   {"params": no_decay, "weight_decay": 0.0}],
                                  lr=args.lr, betas=(0.9, 0.98), eps=1e-6)
    params = [q for _, q in named]
    n_params = sum(q.numel() for q in params)
    blas = next((l.split()[-1] for l in open("/proc/self/maps") if "blas" in l), "unknown")
    print("torch %s, intra-op threads %d, BLAS %s" % (torch.__version__, torch.get_num_threads(), blas))
    print("tiny preset: %d trainable tensors (%d with weight decay), %d parameters" % (len(params), len(decay), n_params))
    out = {
        "implementation": "PyTorch eager %s (python %s)" % (torch.__version__, sys.version.split()[0]),
        "torch_version": torch.__version__,
        "blas": blas,
        "intra_op_threads": torch.get_num_threads(),
        "inter_op_threads": torch.get_num_interop_threads(),
        "engine_init_s": T_IMPORTED - T_START,
        "parameters": n_params,
        "trainable_tensors": len(params),
        "decayed_tensors": len(decay),
        "protocol": {"warmup_steps": args.warmup, "repetitions": args.reps, "min_rep_seconds": args.min_rep_seconds,
                     "max_point_seconds": args.max_point_seconds, "statistic": "median of repetitions",
                     "optimizer": "torch.optim.AdamW lr %.1e betas (0.9, 0.98) eps 1e-6 weight decay %.2f (foreach default), "
                                  "clip_grad_norm_ %.1f" % (args.lr, args.weight_decay, args.grad_clip)},
        "points": [],
    }
    gen = torch.Generator().manual_seed(args.seed)
    print("%-6s %12s %12s %6s %8s  %-44s" % ("batch", "samples/s", "ms/step", "reps", "spread",
                                           "ms: forward+loss / backward / norm / adamw"))
    for b in batches:
        pixels, ids, targets, distinct = random_inputs(b, gen)
        acc = {"on": False, "n": 0, "t": [0.0] * len(PHASES)}

        def step():
            t0 = time.perf_counter()
            optimizer.zero_grad(set_to_none=True)
            images = model.visual(pixels)  # (B, P)
            texts = model.text(ids)  # (B, P)
            loss = multi_positive_loss(images, texts, model.logit_scale, targets)
            loss.item()
            t1 = time.perf_counter()
            loss.backward()
            t2 = time.perf_counter()
            torch.nn.utils.clip_grad_norm_(params, args.grad_clip)
            t3 = time.perf_counter()
            optimizer.step()
            with torch.no_grad():
                model.logit_scale.clamp_(max=MAX_LOGIT_SCALE)
            t4 = time.perf_counter()
            if acc["on"]:
                for i, d in enumerate((t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
                    acc["t"][i] += d
                acc["n"] += 1

        for _ in range(args.warmup):
            step()
        acc["on"] = True
        rates = measure(step, b, argparse.Namespace(warmup=0, reps=args.reps, min_rep_seconds=args.min_rep_seconds,
                                                    max_point_seconds=args.max_point_seconds))
        med = statistics.median(rates)
        phase_ms = {k: 1000 * v / max(1, acc["n"]) for k, v in zip(PHASES, acc["t"])}
        out["points"].append({"batch": b, "distinct_caption_keys": distinct, "samples_per_s": med,
                              "ms_per_step": 1000 * b / med, "rep_samples_per_s": rates, "phase_ms_per_step": phase_ms,
                              "timed_steps": acc["n"],
                              "peak_rss_mb_after": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0})
        print("%-6d %12.2f %12.1f %6d %7.1f%%  %-44s" % (b, med, 1000 * b / med, len(rates),
                                                       100 * (rates[-1] - rates[0]) / med,
                                                       " / ".join("%.1f" % phase_ms[k] for k in PHASES)))
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print("peak RSS (ru_maxrss) %.1f MB" % out["peak_rss_mb"])
    if args.json:
        tmp = args.json + ".tmp"
        with open(tmp, "w") as f:
            json.dump(out, f, indent=2)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, args.json)


if __name__ == "__main__":
    main()
