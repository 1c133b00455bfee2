#!/usr/bin/python3
"""Which training recipe makes the tiny dual encoder read shape? A fast PyTorch replica of our trainer.

Issue 3 asks the bundled model for zero-shot shape accuracy >= 0.95 on single-object ShapeWorld
pictures, trained in 30 minutes on 2 cores. One Java run costs those 30 minutes, so this script
replays the same recipe in PyTorch (on a GPU when there is one) to compare many recipes in minutes;
the winner is then trained by the Java trainer, whose result is the one we report.

Replicated from the Java trainer: the tiny preset (ViT 64 px, patch 8, width 128 x 4 layers; text
width 128 x 4 layers, causal, pooled at the first end-of-text token; projection 128; QuickGELU;
optional conv stem as core's ConvStem), caption sampling (full / any / mixed), multi-positive
symmetric InfoNCE (rows with the same caption text are positives), NegCLIP-style hard-negative
captions appended as extra text columns, learned temperature clamped at ln 100, AdamW (betas 0.9,
0.98, eps 1e-6, no decay on norms, biases, embeddings, temperature), linear warm-up then cosine to 0,
global gradient clipping, random resized crop (area [s, 1], ratio [3/4, 4/3]), CLIP normalization.
Not replicated: bicubic resampling (bilinear here), the exact initializers, the data order.

New knobs to try (not in the Java trainer yet): --aux W adds W x a multi-label loss that predicts,
from the image embedding, which shapes and colours the scene holds (binary cross-entropy over the
scene graph's 6 shapes + 8 colours).

Input: a folder made by `autoglm data shapeworld --noise 0` (noise is added here per step, Gaussian,
std --noise, as the generator would) and a test folder (`--splits 0,0,1`). Zero-shot: the prompts
"a {shape}" and "a {colour}" against single-object test pictures, as `eval zero-shot --template "a {}"`.

Usage: tools/shape-recipe-sweep.py --data D --test T --recipe NAME:key=value,... [--recipe ...]
       [--parallel N] [--out results.jsonl]
Each recipe runs in its own process and appends one JSON line per evaluation to --out.
       tools/shape-recipe-sweep.py --summary results.jsonl...   prints each recipe's curve:
       step:zero-shot shape/zero-shot colour/validation text->image R@1.
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import time

SHAPES = ["circle", "square", "triangle", "diamond", "star", "cross"]
COLORS = ["white", "yellow", "purple", "green", "orange", "red", "cyan", "blue"]
DEFAULTS = dict(lr=7e-4, batch=128, steps=2500, warmup=200, wd=0.1, clip=1.0, patch=8, stem="patch", width=128,
                layers=4, hn=0, sampling="mixed", aux=0.0, crop=0.9, noise=6.0, seed=1, evals=5, context=32)
MEAN = [0.48145467, 0.4578275, 0.40821072]
STD = [0.26862955, 0.2613026, 0.2757771]


def parse_recipe(text):
    name, _, rest = text.partition(":")
    r = dict(DEFAULTS)
    for kv in filter(None, rest.split(",")):
        k, v = kv.split("=")
        if k not in r:
            sys.exit("unknown recipe key %r in %r (known: %s)" % (k, text, ", ".join(r)))
        r[k] = type(r[k])(v) if not isinstance(r[k], float) else float(v)
    r["name"] = name
    return r


def load_manifest(folder, split, single_only=False):
    from PIL import Image
    import numpy as np
    rows, pixels = [], []
    with open(os.path.join(folder, split + ".jsonl")) as f:
        for line in f:
            rec = json.loads(line)
            if single_only and rec.get("num_objects") != 1:
                continue
            rows.append(rec)
            pixels.append(np.asarray(Image.open(os.path.join(folder, rec["image"])).convert("RGB")))
    return rows, np.stack(pixels)  # (N, S, S, 3) uint8


class Vocab:
    def __init__(self, path):
        tok = json.load(open(path))
        self.ids = tok["model"]["vocab"]
        self.pad, self.unk = self.ids["<pad>"], self.ids["<unk>"]
        self.bos, self.eos = self.ids["<|startoftext|>"], self.ids["<|endoftext|>"]

    def encode(self, text, context):
        words = re.findall(r"\w+|[^\w\s]+", text.lower())
        ids = [self.bos] + [self.ids.get(w, self.unk) for w in words][: context - 2] + [self.eos]
        return ids + [self.pad] * (context - len(ids))


def run_recipe(r, args):
    import numpy as np
    import torch
    from torch import nn
    import torch.nn.functional as F

    torch.manual_seed(r["seed"])
    rng = np.random.default_rng(r["seed"])
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.backends.cuda.matmul.allow_tf32 = False  # fp32, as on the CPU
    vocab = Vocab(args.tokenizer)
    ctx = r["context"]
    train, train_px = load_manifest(args.data, "train")
    val, val_px = load_manifest(args.data, "val")
    test, test_px = load_manifest(args.test, "test", single_only=True)
    val, val_px = val[:500], val_px[:500]

    def to_dev(px):
        return torch.from_numpy(px).to(dev).permute(0, 3, 1, 2).contiguous()  # (N, 3, S, S) uint8

    train_px, val_px, test_px = to_dev(train_px), to_dev(val_px), to_dev(test_px)
    mean = torch.tensor(MEAN, device=dev).view(1, 3, 1, 1)
    std = torch.tensor(STD, device=dev).view(1, 3, 1, 1)

    # Every caption text of the training set gets an id; a batch's positives share an id.
    texts, text_ids = [], {}

    def tid(t):
        if t not in text_ids:
            text_ids[t] = len(texts)
            texts.append(t)
        return text_ids[t]

    full = [tid(rec["caption"]) for rec in train]
    anyc = [[tid(c) for c in rec.get("captions", [rec["caption"]])] for rec in train]
    negs = [[tid(h["caption"]) for h in rec.get("hard_negatives", [])] for rec in train]
    labels = np.zeros((len(train), len(SHAPES) + len(COLORS)), dtype=np.float32)
    for i, rec in enumerate(train):
        for o in rec["scene"]["objects"]:
            labels[i, SHAPES.index(o["shape"])] = 1
            labels[i, len(SHAPES) + COLORS.index(o["color"])] = 1
    labels = torch.from_numpy(labels).to(dev)
    all_tokens = torch.tensor([vocab.encode(t, ctx) for t in texts], device=dev)  # (V, T)

    def prep(u8, train_mode):  # (B, 3, S, S) uint8 -> normalized float, cropped and noised when training
        x = u8.float() / 255
        b, s = x.shape[0], x.shape[-1]
        if train_mode:
            if r["crop"] < 1:
                area = torch.empty(b, device=dev).uniform_(r["crop"], 1)
                logr = torch.empty(b, device=dev).uniform_(math.log(3 / 4), math.log(4 / 3))
                ratio = logr.exp()
                w = (area * ratio).sqrt().clamp(max=1)
                h = (area / ratio).sqrt().clamp(max=1)
                cx = (torch.rand(b, device=dev) * 2 - 1) * (1 - w)
                cy = (torch.rand(b, device=dev) * 2 - 1) * (1 - h)
                theta = torch.zeros(b, 2, 3, device=dev)
                theta[:, 0, 0], theta[:, 0, 2], theta[:, 1, 1], theta[:, 1, 2] = w, cx, h, cy
                grid = F.affine_grid(theta, (b, 3, s, s), align_corners=False)
                x = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
            if r["noise"] > 0:
                x = (x * 255 + torch.randn_like(x) * r["noise"]).round().clamp(0, 255) / 255
        return (x - mean) / std

    class Block(nn.Module):
        def __init__(self, d, heads):
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
            self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
            self.fc1, self.fc2 = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

        def forward(self, x, mask=None):
            h = self.ln1(x)
            x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
            h = self.fc1(self.ln2(x))
            return x + self.fc2(h * torch.sigmoid(1.702 * h))  # QuickGELU

    class ConvStem(nn.Module):
        def __init__(self, patch, d):
            super().__init__()
            layers, cin, stages = [], 3, int(math.log2(patch))
            for i in range(stages):
                cout = max(8, d >> (stages - i))
                layers += [nn.Conv2d(cin, cout, 3, 2, 1), nn.ReLU()]
                cin = cout
            self.convs, self.proj = nn.Sequential(*layers), nn.Linear(cin, d)

        def forward(self, x):
            return self.proj(self.convs(x).flatten(2).transpose(1, 2))  # (B, N, D)

    class Vision(nn.Module):
        def __init__(self, d, layers, patch, stem, out):
            super().__init__()
            n = (64 // patch) ** 2
            self.stem = ConvStem(patch, d) if stem == "conv" else nn.Conv2d(3, d, patch, patch, bias=False)
            self.conv = stem != "conv"
            self.cls = nn.Parameter(torch.randn(d) * d ** -0.5)
            self.pos = nn.Parameter(torch.randn(n + 1, d) * d ** -0.5)
            self.pre, self.post = nn.LayerNorm(d), nn.LayerNorm(d)
            self.blocks = nn.ModuleList([Block(d, 4) for _ in range(layers)])
            self.proj = nn.Linear(d, out, bias=False)

        def forward(self, x):
            t = self.stem(x).flatten(2).transpose(1, 2) if self.conv else self.stem(x)  # (B, N, D)
            x = torch.cat([self.cls.expand(t.shape[0], 1, -1), t], 1) + self.pos
            x = self.pre(x)
            for blk in self.blocks:
                x = blk(x)
            return self.proj(self.post(x[:, 0]))  # (B, P)

    class Text(nn.Module):
        def __init__(self, d, layers, out):
            super().__init__()
            self.tok = nn.Embedding(len(vocab.ids), d)
            self.pos = nn.Parameter(torch.randn(ctx, d) * 0.01)
            self.blocks = nn.ModuleList([Block(d, 4) for _ in range(layers)])
            self.ln = nn.LayerNorm(d)
            self.proj = nn.Linear(d, out, bias=False)
            self.register_buffer("mask", torch.full((ctx, ctx), float("-inf")).triu(1))

        def forward(self, ids):  # (B, T)
            x = self.tok(ids) + self.pos
            for blk in self.blocks:
                x = blk(x, self.mask)
            x = self.ln(x)
            eos = (ids == vocab.eos).int().argmax(1)
            return self.proj(x[torch.arange(len(ids)), eos])  # (B, P)

    d = r["width"]
    vision = Vision(d, r["layers"], r["patch"], r["stem"], 128).to(dev)
    text = Text(d, r["layers"], 128).to(dev)
    logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07), device=dev))
    aux_head = nn.Linear(128, labels.shape[1]).to(dev)
    named = list(vision.named_parameters()) + list(text.named_parameters()) + list(aux_head.named_parameters())
    decay = [p for n, p in named if p.ndim >= 2 and "tok" not in n and "pos" not in n and "cls" not in n]
    no_decay = [p for n, p in named if not (p.ndim >= 2 and "tok" not in n and "pos" not in n and "cls" not in n)]
    no_decay.append(logit_scale)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": r["wd"]}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=r["lr"], betas=(0.9, 0.98), eps=1e-6)
    params = decay + no_decay

    def lr_at(step):
        if step < r["warmup"]:
            return r["lr"] * (step + 1) / r["warmup"]
        t = (step - r["warmup"]) / max(1, r["steps"] - r["warmup"])
        return r["lr"] * 0.5 * (1 + math.cos(math.pi * t))

    @torch.no_grad()
    def evaluate(step, loss):
        vision.eval()
        text.eval()
        out = {"recipe": r["name"], "step": step, "loss": loss}
        img = F.normalize(vision(prep(test_px, False)), dim=-1)  # (N, P)
        for key, names in (("shape", SHAPES), ("color", COLORS)):
            prompts = torch.tensor([vocab.encode("a " + n, ctx) for n in names], device=dev)
            pred = (img @ F.normalize(text(prompts), dim=-1).t()).argmax(1).tolist()
            truth = [names.index(rec[key]) for rec in test]
            out["zero_shot_" + key] = sum(p == t for p, t in zip(pred, truth)) / len(test)
        vimg = F.normalize(vision(prep(val_px, False)), dim=-1)
        vtxt = F.normalize(text(torch.tensor([vocab.encode(rec["caption"], ctx) for rec in val], device=dev)), dim=-1)
        out["val_t2i_R@1"] = ((vtxt @ vimg.t()).argmax(1) == torch.arange(len(val), device=dev)).float().mean().item()
        vision.train()
        text.train()
        return out

    results = []
    eval_at = {int(round(r["steps"] * (k + 1) / r["evals"])) for k in range(r["evals"])}
    order, pos, t0, ema = rng.permutation(len(train)), 0, time.time(), None
    for step in range(r["steps"]):
        if pos + r["batch"] > len(order):
            order, pos = rng.permutation(len(train)), 0
        idx = order[pos: pos + r["batch"]]
        pos += r["batch"]
        caps = []
        for i in idx:
            mode = r["sampling"] if r["sampling"] != "mixed" else ("full" if rng.random() < 0.5 else "any")
            caps.append(full[i] if mode == "full" else anyc[i][rng.integers(len(anyc[i]))])
        extra = []
        for i in idx:
            if r["hn"] > 0 and negs[i]:
                extra += list(rng.choice(negs[i], size=min(r["hn"], len(negs[i])), replace=False))
        cap_t = torch.tensor(caps, device=dev)
        tok = all_tokens[torch.tensor(caps + extra, device=dev)]
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        img_emb = vision(prep(train_px[torch.from_numpy(idx).to(dev)], True))  # (B, P)
        txt_emb = text(tok)  # (B + H, P)
        logits = F.normalize(img_emb, dim=-1) @ F.normalize(txt_emb, dim=-1).t() * logit_scale.exp()  # (B, B + H)
        same = (cap_t[:, None] == cap_t[None, :]).float()  # (B, B)
        tgt = same / same.sum(1, keepdim=True)
        b = len(idx)
        i2t_t = torch.cat([tgt, torch.zeros(b, logits.shape[1] - b, device=dev)], 1)
        loss = (-(i2t_t * logits.log_softmax(1)).sum(1).mean() - (tgt * logits[:, :b].t().log_softmax(1)).sum(1).mean()) / 2
        if r["aux"] > 0:
            loss = loss + r["aux"] * F.binary_cross_entropy_with_logits(aux_head(img_emb), labels[torch.from_numpy(idx).to(dev)])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, r["clip"])
        opt.step()
        with torch.no_grad():
            logit_scale.clamp_(max=math.log(100))
        ema = loss.detach() if ema is None else 0.98 * ema + 0.02 * loss.detach()  # no per-step device sync
        if step + 1 in eval_at:
            res = evaluate(step + 1, round(ema.item(), 4))
            res["seconds"] = time.time() - t0
            res["recipe_config"] = {k: v for k, v in r.items() if k != "name"}
            print(json.dumps(res), flush=True)
            results.append(res)
            if args.out:
                with open(args.out, "a") as f:  # one line per evaluation, so a stopped sweep keeps what it measured
                    f.write(json.dumps(res) + "\n")
    return results


def summary(files):
    by_recipe = {}
    for path in files:
        for line in open(path):
            if line.strip():
                r = json.loads(line)
                by_recipe.setdefault(r["recipe"], []).append(r)
    for name, rows in by_recipe.items():
        rows.sort(key=lambda r: r["step"])
        changed = {k: v for k, v in rows[0]["recipe_config"].items() if DEFAULTS.get(k) != v}
        print("%-18s %s" % (name, ", ".join("%s=%s" % kv for kv in changed.items())))
        print("%-18s %s" % ("", " ".join("%d:%.2f/%.2f/%.2f" % (r["step"], r["zero_shot_shape"], r["zero_shot_color"],
                                                                r["val_t2i_R@1"]) for r in rows)))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--summary":
        summary(sys.argv[2:])
        return
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True)
    p.add_argument("--test", required=True)
    p.add_argument("--tokenizer", default="models/autoglm-shapes-tiny/tokenizer.json")
    p.add_argument("--recipe", action="append", required=True, help="NAME:key=value,... (keys: %s)" % ", ".join(DEFAULTS))
    p.add_argument("--parallel", type=int, default=1)
    p.add_argument("--out")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    recipes = [parse_recipe(t) for t in args.recipe]
    if args.child or len(recipes) == 1:
        for r in recipes:
            run_recipe(r, args)
        return
    base = [sys.executable, os.path.abspath(__file__), "--data", args.data, "--test", args.test, "--tokenizer", args.tokenizer, "--child"]
    base += ["--out", args.out] if args.out else []
    pending, running = list(args.recipe), []
    while pending or running:
        while pending and len(running) < args.parallel:
            running.append(subprocess.Popen(base + ["--recipe", pending.pop(0)]))  # prints its lines as it goes
        running = [proc for proc in running if proc.poll() is None]
        time.sleep(0.5)

if __name__ == "__main__":
    main()
