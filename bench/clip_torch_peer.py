#!/usr/bin/python3
"""PyTorch eager peer of io.openautoglm.bench.EmbeddingBenchmark.

The same ViT-B/32-shaped CLIP with random weights, written compactly after openai/CLIP
clip/model.py (VisionTransformer, Transformer, ResidualAttentionBlock with nn.MultiheadAttention
called with need_weights=False and the (T, B, D) layout, exactly as the reference does; QuickGELU;
LayerNorm). Same protocol as the Java side: warm-up, then the median of several timed repetitions
per batch size, each repetition running whole batches for at least --min-rep-seconds;
torch.inference_mode(), float32, torch.set_num_threads(--threads).
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time

T_START = time.perf_counter()
import torch  # noqa: E402  (timed: the Java side's engine init)
from torch import nn  # noqa: E402

T_IMPORTED = time.perf_counter()

BOS, EOS = 49406, 49407


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    def __init__(self, d, heads, attn_mask=None):
        super().__init__()
        self.attn = nn.MultiheadAttention(d, heads)
        self.ln_1 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, d * 4), QuickGELU(), nn.Linear(d * 4, d))
        self.ln_2 = nn.LayerNorm(d)
        self.attn_mask = attn_mask

    def forward(self, x):  # (T, B, D)
        y = self.ln_1(x)
        x = x + self.attn(y, y, y, need_weights=False, attn_mask=self.attn_mask)[0]
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, width, layers, heads, attn_mask=None):
        super().__init__()
        self.resblocks = nn.Sequential(*[ResidualAttentionBlock(width, heads, attn_mask) for _ in range(layers)])

    def forward(self, x):
        return self.resblocks(x)


class VisionTransformer(nn.Module):
    def __init__(self, size, patch, width, layers, heads, out_dim):
        super().__init__()
        scale = width ** -0.5
        self.conv1 = nn.Conv2d(3, width, kernel_size=patch, stride=patch, bias=False)
        self.class_embedding = nn.Parameter(scale * torch.randn(width))
        self.positional_embedding = nn.Parameter(scale * torch.randn((size // patch) ** 2 + 1, width))
        self.ln_pre = nn.LayerNorm(width)
        self.transformer = Transformer(width, layers, heads)
        self.ln_post = nn.LayerNorm(width)
        self.proj = nn.Parameter(scale * torch.randn(width, out_dim))

    def forward(self, x):  # (B, 3, S, S) -> (B, P)
        x = self.conv1(x)  # (B, D, g, g)
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1)  # (B, N, D)
        cls = self.class_embedding + torch.zeros(x.shape[0], 1, x.shape[-1], dtype=x.dtype)
        x = torch.cat([cls, x], dim=1) + self.positional_embedding  # (B, N + 1, D)
        x = self.ln_pre(x).permute(1, 0, 2)  # (N + 1, B, D)
        x = self.transformer(x).permute(1, 0, 2)  # (B, N + 1, D)
        return self.ln_post(x[:, 0, :]) @ self.proj  # (B, P)


class TextEncoder(nn.Module):
    def __init__(self, vocab, context, width, layers, heads, out_dim):
        super().__init__()
        mask = torch.empty(context, context).fill_(float("-inf")).triu_(1)
        self.transformer = Transformer(width, layers, heads, mask)
        self.token_embedding = nn.Embedding(vocab, width)
        self.positional_embedding = nn.Parameter(0.01 * torch.randn(context, width))
        self.ln_final = nn.LayerNorm(width)
        self.text_projection = nn.Parameter(width ** -0.5 * torch.randn(width, out_dim))

    def forward(self, ids):  # (B, T) -> (B, P)
        x = self.token_embedding(ids) + self.positional_embedding  # (B, T, D)
        x = self.transformer(x.permute(1, 0, 2)).permute(1, 0, 2)  # (B, T, D)
        x = self.ln_final(x)
        return x[torch.arange(x.shape[0]), ids.argmax(dim=-1)] @ self.text_projection  # (B, P) at EOT


class CLIP(nn.Module):
    def __init__(self):
        super().__init__()
        self.visual = VisionTransformer(224, 32, 768, 12, 12, 512)
        self.text = TextEncoder(49408, 77, 512, 12, 8, 512)

    def encode_image(self, x, normalize=True):
        e = self.visual(x)
        return e / e.norm(dim=-1, keepdim=True) if normalize else e

    def encode_text(self, ids, normalize=True):
        e = self.text(ids)
        return e / e.norm(dim=-1, keepdim=True) if normalize else e


def measure(step, batch, args):
    start = time.perf_counter()
    for _ in range(args.warmup):
        step()
    rates = []
    while len(rates) < args.reps:
        r0 = time.perf_counter()
        n = 0
        while True:
            step()
            n += 1
            now = time.perf_counter()
            if now - r0 >= args.min_rep_seconds:
                break
        rates.append(n * batch / (now - r0))
        if len(rates) >= 3 and now - start > args.max_point_seconds:
            break
    return sorted(rates)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batches", default="1,8,32")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--min-rep-seconds", type=float, default=0.5)
    p.add_argument("--max-point-seconds", type=float, default=30)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json")
    args = p.parse_args()
    batches = [int(b) for b in args.batches.split(",")]

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)
    t1 = time.perf_counter()
    model = CLIP().eval()
    for prm in model.parameters():
        prm.requires_grad_(False)
    t2 = time.perf_counter()
    gen = torch.Generator().manual_seed(args.seed)
    b_max = max(batches)
    pixels = torch.randn(b_max, 3, 224, 224, generator=gen)
    ids = torch.randint(1, 49406, (b_max, 77), generator=gen)
    ids[:, 0] = BOS
    ids[:, -1] = EOS
    with torch.inference_mode():
        t3 = time.perf_counter()
        model.encode_image(pixels[:1]).tolist()
        t4 = time.perf_counter()
        model.encode_text(ids[:1]).tolist()
        t5 = time.perf_counter()
        out = {
            "implementation": "PyTorch eager %s (python %s)" % (torch.__version__, sys.version.split()[0]),
            "torch_version": torch.__version__,
            "blas": next((l.split()[-1] for l in open("/proc/self/maps") if "blas" in l), "unknown"),
            "intra_op_threads": torch.get_num_threads(),
            "inter_op_threads": torch.get_num_interop_threads(),
            "engine_init_s": T_IMPORTED - T_START,
            "construction_s": t2 - t1,
            "first_image_forward_s": t4 - t3,
            "first_text_forward_s": t5 - t4,
            "load_to_first_embedding_s": (t2 - t1) + (t4 - t3),
            "protocol": {"warmup_batches": args.warmup, "repetitions": args.reps,
                         "min_rep_seconds": args.min_rep_seconds, "max_point_seconds": args.max_point_seconds,
                         "statistic": "median of repetitions"},
            "points": [],
        }
        print("torch %s, intra-op threads %d, BLAS %s" % (torch.__version__, out["intra_op_threads"], out["blas"]))
        print("import torch %.3f s, construction %.3f s, first image embedding %.3f s, first text embedding %.3f s"
              % (out["engine_init_s"], t2 - t1, t4 - t3, t5 - t4))
        print("%-6s %-6s %12s %12s %6s %10s" % ("batch", "kind", "items/s", "ms/batch", "reps", "spread"))
        for b in batches:
            px, tk = pixels[:b].contiguous(), ids[:b].contiguous()
            for kind in ("image", "text"):
                # .tolist() copies to host lists, as the Java side returns float[][]
                step = (lambda: model.encode_image(px).tolist()) if kind == "image" else (lambda: model.encode_text(tk).tolist())
                rates = measure(step, b, args)
                med = statistics.median(rates)
                out["points"].append({"batch": b, "kind": kind, "items_per_s": med, "ms_per_batch": 1000 * b / med,
                                      "rep_items_per_s": rates})
                print("%-6d %-6s %12.2f %12.1f %6d %9.1f%%" % (b, kind, med, 1000 * b / med, len(rates),
                                                             100 * (rates[-1] - rates[0]) / med))
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
