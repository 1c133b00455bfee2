#!/usr/bin/python3
"""Writes COCO caption and VQA v2 files full of the cases the metrics must agree on.

Captions mix punctuation, digits and number words, contractions, possessives, brackets, quotes
(plain and typographic), hyphens, abbreviations, odd spacing and a few empty candidates. VQA
answers mix number words, articles, punctuation that touches spaces or not, commas in numbers,
contractions without apostrophes, capitals, tabs and newlines, and questions whose ten human
answers are all the same string. Deterministic by --seed.
"""
import argparse
import json
import os
import random

COLORS = ["red", "green", "blue", "yellow", "purple", "white", "black", "gray"]
SHAPES = ["circle", "square", "triangle", "star", "cross", "hexagon"]
NOUNS = ["dog", "cat", "man", "woman", "child", "bus", "train", "pizza", "umbrella", "horse"]
PLACES = ["on a table", "in the park", "next to a car", "under a tree", "at the beach", "near St. Louis"]
NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def phrase(rng):
    n = rng.randint(1, 5)
    count = rng.choice([NUMBER_WORDS[n - 1], str(n)]) if n > 1 else rng.choice(["a", "one", "A"])
    noun = rng.choice(NOUNS) + ("s" if n > 1 else "")
    adjective = rng.choice(COLORS + ["big", "small", "black-and-white", "two-tone"])
    return "%s %s %s" % (count, adjective, noun)


def caption(rng):
    parts = [phrase(rng).capitalize() if rng.random() < 0.6 else phrase(rng)]
    kind = rng.random()
    if kind < 0.15:
        parts.append("%s, and %s" % (rng.choice(PLACES), phrase(rng)))
    elif kind < 0.3:
        parts.append("(%s) %s" % (rng.choice(COLORS), rng.choice(PLACES)))
    elif kind < 0.4:
        parts.append("that isn't %s; it's %s" % (rng.choice(COLORS), rng.choice(COLORS)))
    elif kind < 0.5:
        parts.append("with the %s's \"%s\" sign" % (rng.choice(NOUNS), rng.choice(["STOP", "open", "U.S. mail"])))
    elif kind < 0.6:
        parts.append("\u201c%s\u201d \u2014 %s" % (rng.choice(COLORS), rng.choice(PLACES)))
    elif kind < 0.7:
        parts.append("at 3:30 p.m. costing $%d.50 (about %d%%)" % (rng.randint(1, 99), rng.randint(1, 99)))
    elif kind < 0.8:
        parts.append("%s... %s" % (rng.choice(PLACES), rng.choice(["wow!!", "really?", "ok!", "e.g. here"])))
    elif kind < 0.9:
        parts.append("%s -- they're %s" % (rng.choice(PLACES), rng.choice(["playing", "waiting", "eating"])))
    else:
        parts.append("%s; the dogs' owner can't see" % rng.choice(PLACES))
    text = " ".join(parts)
    end = rng.random()
    if end < 0.5:
        text += "."
    elif end < 0.6:
        text += " ."
    elif end < 0.65:
        text += "!"
    if rng.random() < 0.1:
        text = "  " + text.replace(" ", "  ", 1) + " "
    return text


def captions(rng, images, refs_per_image, drop):
    annotations, results = [], []
    ann_id = 1
    for image_id in range(1, images + 1):
        refs = [caption(rng) for _ in range(refs_per_image)]
        for r in refs:
            annotations.append({"image_id": image_id, "id": ann_id, "caption": r})
            ann_id += 1
        roll = rng.random()
        if roll < 0.02:
            candidate = ""
        elif roll < 0.3:
            candidate = rng.choice(refs)
        elif roll < 0.6:
            words = rng.choice(refs).split()
            rng.shuffle(words)
            candidate = " ".join(words[: max(1, len(words) - rng.randint(0, 3))])
        else:
            candidate = caption(rng)
        if rng.random() >= drop:
            results.append({"image_id": image_id, "caption": candidate})
    rng.shuffle(results)
    images_list = [{"id": i} for i in range(1, images + 1)]
    return {"images": images_list, "annotations": annotations, "type": "captions"}, results


ANSWER_VARIANTS = {
    "2": ["2", "two", "Two", "2.", " 2 ", "two\n"],
    "3": ["3", "three", "3 ", "three."],
    "0": ["0", "none", "zero", "None"],
    "1000": ["1,000", "1000", "one thousand"],
    "yes": ["yes", "Yes", "yes.", "Yes!", "yes, it is", "yes\tit is"],
    "no": ["no", "No", "no.", "nope"],
    "red": ["red", "Red", "the red", "a red", "red.", "red!"],
    "red white": ["red and white", "red, white", "red/white", "red white"],
    "don't know": ["dont know", "don't know", "do not know"],
    "3.5": ["3.5", "3.5.", "three and a half"],
    "circle": ["circle", "a circle", "the circle", "circle?", "(circle)"],
    "black white": ["black-and-white", "black and white", "black & white", "black/white"],
    "what's that": ["whats that", "what's that", "what is that"],
    "10:30": ["10:30", "10:30 am", "half past ten"],
}
QUESTION_TYPES = [("how many", "number"), ("what color is the", "other"), ("is there a", "yes/no"),
                  ("what shape is", "other"), ("what time", "other"), ("what is", "other")]


def vqa(rng, questions):
    annotations, results = [], []
    keys = list(ANSWER_VARIANTS)
    for qid in range(1, questions + 1):
        qtype, atype = rng.choice(QUESTION_TYPES)
        main = rng.choice(keys)
        roll = rng.random()
        if roll < 0.1:
            same = rng.choice(ANSWER_VARIANTS[main])
            answers = [same] * 10  # all humans agree: the reference leaves them unprocessed
        else:
            answers = []
            for _ in range(10):
                if rng.random() < 0.6:
                    answers.append(rng.choice(ANSWER_VARIANTS[main]))
                else:
                    answers.append(rng.choice(ANSWER_VARIANTS[rng.choice(keys)]))
        annotations.append({
            "question_id": qid, "image_id": qid // 3, "question_type": qtype, "answer_type": atype,
            "multiple_choice_answer": answers[0],
            "answers": [{"answer": a, "answer_confidence": rng.choice(["yes", "maybe"]), "answer_id": i + 1}
                        for i, a in enumerate(answers)],
        })
        predicted = rng.choice(ANSWER_VARIANTS[main if rng.random() < 0.7 else rng.choice(keys)])
        if rng.random() < 0.05:
            predicted = predicted.upper() + "\t"
        results.append({"question_id": qid, "answer": predicted})
    rng.shuffle(results)
    return {"annotations": annotations, "data_subtype": "generated", "license": {}}, results


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--images", type=int, default=300)
    p.add_argument("--refs", type=int, default=5)
    p.add_argument("--questions", type=int, default=400)
    p.add_argument("--drop", type=float, default=0.0, help="fraction of images left without a result caption")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = random.Random(a.seed)
    ann, res = captions(rng, a.images, a.refs, a.drop)
    for name, obj in [("captions_annotations.json", ann), ("captions_results.json", res)]:
        with open(os.path.join(a.out, name), "w", encoding="utf-8") as f:
            json.dump(obj, f, ensure_ascii=False)
    ann, res = vqa(rng, a.questions)
    for name, obj in [("vqa_annotations.json", ann), ("vqa_results.json", res)]:
        with open(os.path.join(a.out, name), "w", encoding="utf-8") as f:
            json.dump(obj, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
