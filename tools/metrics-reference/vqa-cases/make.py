#!/usr/bin/python3
"""Writes the hand-picked VQA cases where the 2017 and 2021 revisions of vqaEval.py can differ,
and their expected scores under both (reference_eval.py). Each case is its own question_type, so
perQuestionType holds one accuracy per case. Run from the repository root:
  /usr/bin/python3 tools/metrics-reference/vqa-cases/make.py"""
import json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
# (case name, human answers, prediction)
CASES = [
    ("all agree on a digit, prediction a word", ["2"] * 10, "two"),
    ("all agree on a digit, prediction the digit", ["2"] * 10, "2"),
    ("disagree on a digit, prediction a word", ["2"] * 9 + ["3"], "two"),
    ("humans write the number word", ["two"] * 9 + ["three"], "two"),
    ("all agree, prediction has an article", ["dog"] * 10, "a dog"),
    ("disagree, prediction has an article", ["dog"] * 8 + ["cat"] * 2, "the dog"),
    ("humans have an article, disagree", ["a dog"] * 7 + ["dog"] * 3, "dog"),
    ("all agree, prediction lacks their period", ["yes."] * 10, "yes"),
    ("all agree, prediction has a period", ["yes"] * 10, "yes."),
    ("disagree, prediction lacks their period", ["yes."] * 9 + ["no"], "yes"),
    ("all agree, prediction upper case", ["red"] * 10, "Red"),
    ("disagree, prediction upper case", ["red"] * 6 + ["blue"] * 4, "RED"),
    ("all agree, prediction lacks a comma", ["red, white"] * 10, "red white"),
    ("humans with a trailing space agree", ["cat "] * 5 + ["cat"] * 5, "cat"),
    ("humans with a tab", ["cat\t"] * 4 + ["dog"] * 6, "cat"),
    ("contraction in prediction, humans disagree", ["don't"] * 8 + ["no"] * 2, "dont"),
    ("contraction, all agree", ["don't"] * 10, "dont"),
    ("plain match", ["cat"] * 3 + ["dog"] * 7, "cat"),
]


def main():
    ann = {"annotations": [{"question_id": i + 1, "image_id": i + 1, "question_type": name, "answer_type": "other",
                            "answers": [{"answer_id": j + 1, "answer": a} for j, a in enumerate(answers)]}
                           for i, (name, answers, _) in enumerate(CASES)]}
    res = [{"question_id": i + 1, "answer": pred} for i, (_, _, pred) in enumerate(CASES)]
    for name, obj in [("annotations.json", ann), ("results.json", res)]:
        with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
            json.dump(obj, f, indent=1, ensure_ascii=False)
            f.write("\n")
    for version in ["2017", "2021"]:
        out = subprocess.run([sys.executable, os.path.join(HERE, "..", "reference_eval.py"), "vqa",
                              "--annotations", os.path.join(HERE, "annotations.json"),
                              "--results", os.path.join(HERE, "results.json"), "--vqa-eval", version],
                             check=True, capture_output=True, text=True).stdout
        tmp = os.path.join(HERE, "expected-%s.json.tmp" % version)
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(json.loads(out), f, indent=1, ensure_ascii=False)
            f.write("\n")
        os.replace(tmp, os.path.join(HERE, "expected-%s.json" % version))


if __name__ == "__main__":
    main()
