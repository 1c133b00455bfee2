#!/usr/bin/python3
"""PyTorch peers of bench/inference-speed.sh, on the ViT-B/32-shaped CLIP of clip_torch_peer.py
(same random weights for a seed):

  --mode fp32   PyTorch eager float32
  --mode int8   torch.ao.quantization.quantize_dynamic over nn.Linear (qint8 weights, activations
                quantized per batch), the engine Debian's build offers (onednn, else qnnpack).
                nn.MultiheadAttention's projections are not nn.Linear modules and stay float, as in
                every quantize_dynamic user's model.
  --export-onnx DIR
                a hand export with torch.onnx.export (TorchScript exporter, opset 14, dynamic batch):
                DIR/vision.onnx (pixel_values (B,3,224,224) -> image_embeds (B,512)) and DIR/text.onnx
                (input_ids (B,77) int64 -> text_embeds (B,512)), unnormalized, the way a Java team
                would export by hand. No onnx python package needed.

Timing protocol and JSON shape as clip_torch_peer.py; adds size_bytes (the state_dict on disk).
"""
import argparse
import io
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clip_torch_peer as peer  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402


def build(seed):
    torch.manual_seed(seed)
    model = peer.CLIP().eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def size_on_disk(model):
    buf = io.BytesIO()
    torch.save(model.state_dict(), buf)
    return len(buf.getvalue())


class Tower(nn.Module):
    """One tower as a module holding the model, so its weights export as initializers."""

    def __init__(self, model, image):
        super().__init__()
        self.model = model
        self.image = image

    def forward(self, x):
        return self.model.encode_image(x, normalize=False) if self.image else self.model.encode_text(x, normalize=False)


def export(model, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    px = torch.randn(2, 3, 224, 224)
    ids = torch.randint(1, 49406, (2, 77))
    ids[:, 0], ids[:, -1] = peer.BOS, peer.EOS
    with torch.no_grad():
        torch.onnx.export(Tower(model, True), px, os.path.join(out_dir, "vision.onnx"),
                          input_names=["pixel_values"], output_names=["image_embeds"],
                          dynamic_axes={"pixel_values": {0: "batch"}, "image_embeds": {0: "batch"}}, opset_version=14)
        torch.onnx.export(Tower(model, False), ids, os.path.join(out_dir, "text.onnx"),
                          input_names=["input_ids"], output_names=["text_embeds"],
                          dynamic_axes={"input_ids": {0: "batch"}, "text_embeds": {0: "batch"}}, opset_version=14)
    print("exported %s/vision.onnx and %s/text.onnx" % (out_dir, out_dir))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", choices=["fp32", "int8"], default="fp32")
    p.add_argument("--export-onnx")
    p.add_argument("--batches", default="1,8,32")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--min-rep-seconds", type=float, default=0.5)
    p.add_argument("--max-point-seconds", type=float, default=30)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    model = build(args.seed)
    if args.export_onnx:
        export(model, args.export_onnx)
        return
    engine = None
    if args.mode == "int8":
        engines = torch.backends.quantized.supported_engines
        engine = next(e for e in ("fbgemm", "onednn", "x86", "qnnpack") if e in engines)
        torch.backends.quantized.engine = engine
        model = torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)
    batches = [int(b) for b in args.batches.split(",")]
    gen = torch.Generator().manual_seed(args.seed)
    pixels = torch.randn(max(batches), 3, 224, 224, generator=gen)
    ids = torch.randint(1, 49406, (max(batches), 77), generator=gen)
    ids[:, 0], ids[:, -1] = peer.BOS, peer.EOS
    out = {"implementation": "PyTorch eager %s %s%s" % (torch.__version__, args.mode,
                                                         " (quantize_dynamic, engine %s)" % engine if engine else ""),
           "size_bytes": size_on_disk(model), "intra_op_threads": torch.get_num_threads(), "points": []}
    print("%s, %d threads, state_dict %.1f MB" % (out["implementation"], args.threads, out["size_bytes"] / 1e6))
    print("%-6s %-6s %12s %12s %6s" % ("batch", "kind", "items/s", "ms/batch", "reps"))
    with torch.inference_mode():
        for b in batches:
            px, tk = pixels[:b].contiguous(), ids[:b].contiguous()
            for kind in ("image", "text"):
                step = (lambda: model.encode_image(px).tolist()) if kind == "image" else (lambda: model.encode_text(tk).tolist())
                rates = peer.measure(step, b, args)
                med = statistics.median(rates)
                out["points"].append({"batch": b, "kind": kind, "items_per_s": med, "ms_per_batch": 1000 * b / med,
                                      "rep_items_per_s": rates})
                print("%-6d %-6s %12.2f %12.1f %6d" % (b, kind, med, 1000 * b / med, len(rates)))
    if args.json:
        with open(args.json + ".tmp", "w") as f:
            json.dump(out, f, indent=2)
        os.replace(args.json + ".tmp", args.json)


if __name__ == "__main__":
    main()
