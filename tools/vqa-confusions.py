#!/usr/bin/env python3
"""Where a VQA model goes wrong: per question type, the error count, the most common
(expected -> answered) pairs and a few wrong questions, from the VQA v2 files that
`autoglm eval vqa --out DIR` writes. Standard library only.

    ./autoglm eval vqa --model M --manifest test.jsonl --out /tmp/vqa
    tools/vqa-confusions.py /tmp/vqa [--examples 5]
"""
import argparse
import collections
import json
import os
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir", help="the folder with questions.json, annotations.json, results.json")
    parser.add_argument("--examples", type=int, default=5, help="wrong questions shown per type (default 5)")
    args = parser.parse_args()
    try:
        questions = {q["question_id"]: q["question"]
                     for q in json.load(open(os.path.join(args.dir, "questions.json")))["questions"]}
        annotations = json.load(open(os.path.join(args.dir, "annotations.json")))["annotations"]
        answers = {r["question_id"]: r["answer"] for r in json.load(open(os.path.join(args.dir, "results.json")))}
    except (OSError, ValueError, KeyError) as e:
        sys.exit(f"vqa-confusions: cannot read the VQA v2 files in {args.dir}: {e}")
    by_type = collections.defaultdict(list)
    for a in annotations:
        qid = a["question_id"]
        by_type[a["question_type"]].append((questions.get(qid, "?"), a["multiple_choice_answer"], answers.get(qid)))
    for kind, items in sorted(by_type.items()):
        wrong = [x for x in items if x[1] != x[2]]
        print(f"{kind}: {len(wrong)} of {len(items)} wrong (exact match with the majority answer)")
        pairs = collections.Counter((x[1], x[2]) for x in wrong).most_common(6)
        print("  most common: " + ", ".join(f"{e} -> {g} ({n})" for (e, g), n in pairs))
        for q, expected, got in wrong[:args.examples]:
            print(f"  {q!r}: expected {expected!r}, answered {got!r}")


if __name__ == "__main__":
    main()
