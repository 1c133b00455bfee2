#!/usr/bin/env python3
"""Writes the Chinese-CLIP parity fixture: a tiny random ChineseCLIPModel folder and its reference outputs.

No `transformers` (nor `tokenizers`, nor `safetensors`) package is reachable where this was made, so
the reference is written here in plain PyTorch from the published architecture (Hugging Face
ChineseCLIPModel: a BERT text tower, pooled at [CLS] of the last hidden state, a CLIP ViT image
tower, bias-free projections) and the WordPiece tokenizer from the BERT paper's algorithm
(BertNormalizer, BertPreTokenizer, greedy longest-match-first WordPiece, [CLS] .. [SEP]).

Run with Debian's torch:  /usr/bin/python3 tools/make_chinese_clip_fixture.py OUT_DIR
OUT_DIR gets chinese-clip/ (config.json, model.safetensors, tokenizer.json,
preprocessor_config.json), images/ and expected.json.
"""
import json
import math
import os
import struct
import sys
import unicodedata
import zlib

import torch

SEED = 20
TEXT = dict(vocab=None, hidden=32, layers=2, heads=2, intermediate=64, positions=40, type_vocab=2, eps=1e-12)
VISION = dict(image=32, patch=8, hidden=48, layers=2, heads=2, intermediate=96, eps=1e-5)
PROJECTION = 24
CONTEXT = 16  # the padded length of the reference token rows
MEAN = [0.48145466, 0.4578275, 0.40821073]
STD = [0.26862954, 0.26130258, 0.27577711]

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = ["a", "red", "blue", "green", "circle", "square", "triangle", "photo", "of", "the", "small", "big",
         "cat", "dog", "on", "in", "##s", "##ing", "##ed", "play", "jump", "cafe", "un", "##able", "##fold",
         ",", ".", "!", "?", "'", "-", "(", ")"]
CHINESE = list("红色蓝绿的圆形方三角一只猫狗在上小大照片")
TEXTS = ["a red circle", "一只红色的圆形", "The Small dogs jumped on the big square!", "蓝色方形 in a photo",
         "Café unfolded, (unknownword) 猫", "绿色三角形的照片。"]


# ---- tokenizer --------------------------------------------------------------------------------

def is_chinese(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def normalize(text):
    out = []
    for ch in text:  # clean_text: drop NUL, U+FFFD and control characters; whitespace becomes a space
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or (unicodedata.category(ch).startswith("C") and ch not in "\t\n\r"):
            continue
        out.append(" " if ch in "\t\n\r" or unicodedata.category(ch) == "Zs" else ch)
    text = "".join(" " + ch + " " if is_chinese(ord(ch)) else ch for ch in out)
    text = unicodedata.normalize("NFD", text)  # strip_accents (on, since lowercase is)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return text.lower()


def pre_tokenize(text):
    words = []
    for chunk in text.split():
        current = ""
        for ch in chunk:
            if is_punctuation(ch):
                if current:
                    words.append(current)
                    current = ""
                words.append(ch)
            else:
                current += ch
        if current:
            words.append(current)
    return words


def wordpiece(word, vocab):
    if len(word) > 100:
        return ["[UNK]"]
    pieces, start = [], 0
    while start < len(word):
        end, found = len(word), None
        while start < end:
            piece = ("##" if start > 0 else "") + word[start:end]
            if piece in vocab:
                found = piece
                break
            end -= 1
        if found is None:
            return ["[UNK]"]
        pieces.append(found)
        start = end
    return pieces


def encode(text, vocab):
    tokens = ["[CLS]"] + [p for w in pre_tokenize(normalize(text)) for p in wordpiece(w, vocab)] + ["[SEP]"]
    return [vocab[t] for t in tokens]


def tokenizer_json(vocab):
    added = [dict(id=vocab[t], content=t, single_word=False, lstrip=False, rstrip=False, normalized=False, special=True)
             for t in SPECIALS]
    special = lambda t: {"SpecialToken": {"id": t, "type_id": 0}}
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True, "strip_accents": None,
                       "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {"type": "TemplateProcessing",
                           "single": [special("[CLS]"), {"Sequence": {"id": "A", "type_id": 0}}, special("[SEP]")],
                           "pair": [special("[CLS]"), {"Sequence": {"id": "A", "type_id": 0}}, special("[SEP]"),
                                    {"Sequence": {"id": "B", "type_id": 1}}, {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
                           "special_tokens": {t: {"id": t, "ids": [vocab[t]], "tokens": [t]} for t in ["[CLS]", "[SEP]"]}},
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    }


# ---- model ------------------------------------------------------------------------------------

def init_weights(vocab_size, gen):
    w = {}
    rnd = lambda *shape, std=0.2: torch.randn(*shape, generator=gen) * std
    near_one = lambda n: 1.0 + rnd(n, std=0.1)
    d, m = TEXT["hidden"], TEXT["intermediate"]
    p = "text_model."
    w[p + "embeddings.word_embeddings.weight"] = rnd(vocab_size, d, std=0.5)
    w[p + "embeddings.position_embeddings.weight"] = rnd(TEXT["positions"], d)
    w[p + "embeddings.token_type_embeddings.weight"] = rnd(TEXT["type_vocab"], d)
    w[p + "embeddings.LayerNorm.weight"] = near_one(d)
    w[p + "embeddings.LayerNorm.bias"] = rnd(d, std=0.1)
    for i in range(TEXT["layers"]):
        q = f"{p}encoder.layer.{i}."
        for name, shape in [("attention.self.query", (d, d)), ("attention.self.key", (d, d)), ("attention.self.value", (d, d)),
                            ("attention.output.dense", (d, d)), ("intermediate.dense", (m, d)), ("output.dense", (d, m))]:
            w[q + name + ".weight"] = rnd(*shape, std=shape[1] ** -0.5)
            w[q + name + ".bias"] = rnd(shape[0], std=0.1)
        for name in ["attention.output.LayerNorm", "output.LayerNorm"]:
            w[q + name + ".weight"] = near_one(d)
            w[q + name + ".bias"] = rnd(d, std=0.1)
    dv, mv, ps = VISION["hidden"], VISION["intermediate"], VISION["patch"]
    p = "vision_model."
    w[p + "embeddings.class_embedding"] = rnd(dv)
    w[p + "embeddings.patch_embedding.weight"] = rnd(dv, 3, ps, ps, std=(3 * ps * ps) ** -0.5)
    w[p + "embeddings.position_embedding.weight"] = rnd((VISION["image"] // ps) ** 2 + 1, dv)
    for name in ["pre_layrnorm", "post_layernorm"]:
        w[p + name + ".weight"] = near_one(dv)
        w[p + name + ".bias"] = rnd(dv, std=0.1)
    for i in range(VISION["layers"]):
        q = f"{p}encoder.layers.{i}."
        for name, shape in [("self_attn.k_proj", (dv, dv)), ("self_attn.v_proj", (dv, dv)), ("self_attn.q_proj", (dv, dv)),
                            ("self_attn.out_proj", (dv, dv)), ("mlp.fc1", (mv, dv)), ("mlp.fc2", (dv, mv))]:
            w[q + name + ".weight"] = rnd(*shape, std=shape[1] ** -0.5)
            w[q + name + ".bias"] = rnd(shape[0], std=0.1)
        for name in ["layer_norm1", "layer_norm2"]:
            w[q + name + ".weight"] = near_one(dv)
            w[q + name + ".bias"] = rnd(dv, std=0.1)
    w["visual_projection.weight"] = rnd(PROJECTION, dv, std=dv ** -0.5)
    w["text_projection.weight"] = rnd(PROJECTION, d, std=d ** -0.5)
    w["logit_scale"] = torch.tensor(math.log(1 / 0.07))
    return w


def attention(x, w, q_name, k_name, v_name, heads, additive_mask):  # x (B, T, D)
    b, t, d = x.shape
    split = lambda y: y.view(b, t, heads, d // heads).transpose(1, 2)  # (B, H, T, Dh)
    lin = lambda y, n: torch.nn.functional.linear(y, w[n + ".weight"], w[n + ".bias"])
    q, k, v = split(lin(x, q_name)), split(lin(x, k_name)), split(lin(x, v_name))
    scores = q @ k.transpose(-1, -2) / math.sqrt(d // heads)  # (B, H, T, T)
    if additive_mask is not None:
        scores = scores + additive_mask
    return (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)  # (B, T, D)


def text_forward(ids, w):  # ids (B, T) -> (B, P)
    p, d, eps = "text_model.", TEXT["hidden"], TEXT["eps"]
    ln = lambda y, n: torch.nn.functional.layer_norm(y, (d,), w[n + ".weight"], w[n + ".bias"], eps)
    lin = lambda y, n: torch.nn.functional.linear(y, w[n + ".weight"], w[n + ".bias"])
    t = ids.shape[1]
    x = (w[p + "embeddings.word_embeddings.weight"][ids] + w[p + "embeddings.position_embeddings.weight"][:t]
         + w[p + "embeddings.token_type_embeddings.weight"][0])  # (B, T, D)
    x = ln(x, p + "embeddings.LayerNorm")
    mask = (1.0 - (ids != 0).float())[:, None, None, :] * torch.finfo(torch.float32).min  # (B, 1, 1, T), [PAD] is 0
    for i in range(TEXT["layers"]):
        q = f"{p}encoder.layer.{i}."
        a = attention(x, w, q + "attention.self.query", q + "attention.self.key", q + "attention.self.value", TEXT["heads"], mask)
        x = ln(x + lin(a, q + "attention.output.dense"), q + "attention.output.LayerNorm")  # post-LN
        h = torch.nn.functional.gelu(lin(x, q + "intermediate.dense"))  # exact erf GELU
        x = ln(x + lin(h, q + "output.dense"), q + "output.LayerNorm")
    return x[:, 0, :] @ w["text_projection.weight"].T  # [CLS] of the last hidden state, no bias


def vision_forward(pixels, w):  # pixels (B, 3, S, S) -> (B, P)
    p, d, eps, ps = "vision_model.", VISION["hidden"], VISION["eps"], VISION["patch"]
    ln = lambda y, n: torch.nn.functional.layer_norm(y, (d,), w[n + ".weight"], w[n + ".bias"], eps)
    lin = lambda y, n: torch.nn.functional.linear(y, w[n + ".weight"], w[n + ".bias"])
    b = pixels.shape[0]
    patches = torch.nn.functional.conv2d(pixels, w[p + "embeddings.patch_embedding.weight"], stride=ps)  # (B, D, G, G)
    patches = patches.flatten(2).transpose(1, 2)  # (B, N, D)
    cls = w[p + "embeddings.class_embedding"].expand(b, 1, d)
    x = torch.cat([cls, patches], 1) + w[p + "embeddings.position_embedding.weight"]  # (B, N + 1, D)
    x = ln(x, p + "pre_layrnorm")
    for i in range(VISION["layers"]):
        q = f"{p}encoder.layers.{i}."
        h = ln(x, q + "layer_norm1")
        x = x + lin(attention(h, w, q + "self_attn.q_proj", q + "self_attn.k_proj", q + "self_attn.v_proj", VISION["heads"], None),
                    q + "self_attn.out_proj")
        h = lin(ln(x, q + "layer_norm2"), q + "mlp.fc1")
        x = x + lin(h * torch.sigmoid(1.702 * h), q + "mlp.fc2")  # quick_gelu
    return ln(x[:, 0, :], p + "post_layernorm") @ w["visual_projection.weight"].T


# ---- files ------------------------------------------------------------------------------------

def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, t in tensors.items():
        data = t.contiguous().float().numpy().tobytes() if hasattr(t, "numpy") else b""
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for blob in blobs:
            f.write(blob)


def write_png(path, rgb, size):  # rgb: bytes of size*size*3
    rows = b"".join(b"\x00" + rgb[y * size * 3:(y + 1) * size * 3] for y in range(size))
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def pictures(gen, count):
    s = VISION["image"]
    out = []
    for k in range(count):
        img = (torch.rand(s, s, 3, generator=gen) * 255).to(torch.uint8)
        img[4 + k:20 + k, 6:22, k % 3] = 255  # a block of one colour, so the pictures differ in more than noise
        out.append(img)
    return out


def main(out):
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    vocab = {t: i for i, t in enumerate(SPECIALS + WORDS + CHINESE + ["。"])}
    folder = os.path.join(out, "chinese-clip")
    os.makedirs(folder, exist_ok=True)
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    w = init_weights(len(vocab), gen)
    write_safetensors(os.path.join(folder, "model.safetensors"), w)
    config = {
        "architectures": ["ChineseCLIPModel"], "model_type": "chinese_clip", "projection_dim": PROJECTION,
        "logit_scale_init_value": 2.6592, "initializer_factor": 1.0,
        "text_config": {"model_type": "chinese_clip_text_model", "vocab_size": len(vocab), "hidden_size": TEXT["hidden"],
                        "num_hidden_layers": TEXT["layers"], "num_attention_heads": TEXT["heads"],
                        "intermediate_size": TEXT["intermediate"], "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
                        "attention_probs_dropout_prob": 0.1, "max_position_embeddings": TEXT["positions"],
                        "type_vocab_size": TEXT["type_vocab"], "initializer_range": 0.02, "layer_norm_eps": TEXT["eps"],
                        "pad_token_id": 0, "position_embedding_type": "absolute", "use_cache": True},
        "vision_config": {"model_type": "chinese_clip_vision_model", "hidden_size": VISION["hidden"],
                          "intermediate_size": VISION["intermediate"], "projection_dim": PROJECTION,
                          "num_hidden_layers": VISION["layers"], "num_attention_heads": VISION["heads"], "num_channels": 3,
                          "image_size": VISION["image"], "patch_size": VISION["patch"], "hidden_act": "quick_gelu",
                          "layer_norm_eps": VISION["eps"], "attention_dropout": 0.0, "initializer_range": 0.02},
    }
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(folder, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(vocab), f, ensure_ascii=False, indent=1)
    with open(os.path.join(folder, "preprocessor_config.json"), "w") as f:  # as the published ChineseCLIP folders: squash, no crop
        json.dump({"do_resize": True, "size": {"height": VISION["image"], "width": VISION["image"]}, "resample": 3,
                   "do_center_crop": False, "crop_size": VISION["image"], "do_normalize": True, "image_mean": MEAN,
                   "image_std": STD, "do_convert_rgb": True, "image_processor_type": "ChineseCLIPImageProcessor"}, f, indent=2)
    ids = []
    for text in TEXTS:
        row = encode(text, vocab)
        assert len(row) <= CONTEXT, (text, row)
        ids.append(row + [vocab["[PAD]"]] * (CONTEXT - len(row)))
    names, pixel_rows = [], []
    for k, img in enumerate(pictures(gen, 3)):
        name = f"pic{k}.png"
        write_png(os.path.join(out, "images", name), bytes(img.flatten().tolist()), VISION["image"])
        names.append(name)
        x = img.permute(2, 0, 1).float() / 255.0  # (3, S, S)
        pixel_rows.append((x - torch.tensor(MEAN)[:, None, None]) / torch.tensor(STD)[:, None, None])
    with torch.no_grad():
        text_embeds = text_forward(torch.tensor(ids), w)
        image_embeds = vision_forward(torch.stack(pixel_rows), w)
    expected = {
        "reference": f"tools/make_chinese_clip_fixture.py: plain-PyTorch ChineseCLIPModel forward (torch {torch.__version__}), "
                     f"seed {SEED}",
        "texts": TEXTS, "input_ids": ids, "images": names,
        "text_embeds": text_embeds.tolist(), "image_embeds": image_embeds.tolist(),
        "tolerance": {"cosine": 0.9999},
    }
    with open(os.path.join(out, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "autoglm-core/src/test/resources/fixtures/chinese-clip")
