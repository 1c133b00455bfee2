#!/usr/bin/python3
"""The reference caption and VQA evaluations, rewritten to run here, for checking our Java port.

This follows the structure of the COCO caption evaluation toolkit (pycocoevalcap: PTBTokenizer,
BleuScorer, Rouge, CiderScorer, COCOEvalCap) and of the official VQA evaluation (VQA.loadRes,
VQAEval) step for step, as read from their sources, so that a difference between the two ports
shows up as a difference in numbers. It is written for Python 3 without pycocoevalcap (which does
not install here). Tokenization runs the real Stanford CoreNLP 3.4.1 PTBTokenizer jar, exactly as
the toolkit calls it. NumPy is used where the toolkit uses it if it is installed; otherwise
np.mean is replaced by a copy of NumPy's pairwise summation.

  reference_eval.py caption --ptb-jar JAR --annotations A.json --results R.json [--write-tokenized DIR]
  reference_eval.py vqa --annotations A.json --results R.json
Prints the metrics as JSON with the same keys as `autoglm metrics`.
"""
import argparse
import copy
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict

try:
    import numpy as np

    def np_mean(values):
        return float(np.mean(np.array(values)))

    def np_log(x):
        return float(np.log(x))
except ImportError:  # NumPy's float64 mean: pairwise sum (8 partial sums up to 128 values), then divide
    def _pairwise(a, lo, n):
        if n < 8:
            s = 0.0
            for i in range(n):
                s += a[lo + i]
            return s
        if n <= 128:
            r = a[lo:lo + 8]
            i = 8
            while i < n - (n % 8):
                for j in range(8):
                    r[j] += a[lo + i + j]
                i += 8
            s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n:
                s += a[lo + i]
                i += 1
            return s
        half = n // 2
        half -= half % 8
        return _pairwise(a, lo, half) + _pairwise(a, lo + half, n - half)

    def np_mean(values):
        values = [float(v) for v in values]
        return _pairwise(values, 0, len(values)) / len(values)

    def np_log(x):
        return math.log(x)


# ---------------------------------------------------------------- tokenizer (pycocoevalcap/tokenizer)
PUNCTUATIONS = ["''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-",
                ".", "?", "!", ",", ":", "-", "--", "...", ";"]


class PTBTokenizer:
    """Runs Stanford's PTBTokenizer on all captions at once, one caption per line, then drops punctuation."""

    def __init__(self, jar):
        self.jar = jar

    def tokenize(self, captions_for_image):
        cmd = ["java", "-cp", self.jar, "edu.stanford.nlp.process.PTBTokenizer", "-preserveLines", "-lowerCase"]
        image_ids = [k for k, v in captions_for_image.items() for _ in range(len(v))]
        sentences = "\n".join(c["caption"].replace("\n", " ") for k, v in captions_for_image.items() for c in v)
        with tempfile.NamedTemporaryFile("w", delete=False, encoding="utf-8", suffix=".txt") as tmp:
            tmp.write(sentences)
        try:
            out = subprocess.run(cmd + [tmp.name], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True)
        finally:
            os.remove(tmp.name)
        lines = out.stdout.decode("utf-8").split("\n")
        tokenized = {}
        for k, line in zip(image_ids, lines):
            tokenized.setdefault(k, [])
            tokenized[k].append(" ".join(w for w in line.rstrip().split(" ") if w not in PUNCTUATIONS))
        return tokenized


# ---------------------------------------------------------------- BLEU (pycocoevalcap/bleu)
def precook(s, n=4):
    words = s.split()
    counts = defaultdict(int)
    for k in range(1, n + 1):
        for i in range(len(words) - k + 1):
            counts[tuple(words[i:i + k])] += 1
    return len(words), counts


def cook_refs(refs, n=4):
    reflen = []
    maxcounts = {}
    for ref in refs:
        rl, counts = precook(ref, n)
        reflen.append(rl)
        for ngram, count in counts.items():
            maxcounts[ngram] = max(maxcounts.get(ngram, 0), count)
    return reflen, maxcounts  # "closest" keeps the list of lengths


def cook_test(test, crefs, n=4):
    reflen, refmaxcounts = crefs
    testlen, counts = precook(test, n)
    result = {"reflen": reflen, "testlen": testlen,
              "guess": [max(0, testlen - k + 1) for k in range(1, n + 1)], "correct": [0] * n}
    for ngram, count in counts.items():
        result["correct"][len(ngram) - 1] += min(refmaxcounts.get(ngram, 0), count)
    return result


class BleuScorer:
    def __init__(self, n=4):
        self.n = n
        self.crefs = []
        self.ctest = []

    def __iadd__(self, pair):
        test, refs = pair
        self.crefs.append(cook_refs(refs))
        self.ctest.append(cook_test(test, self.crefs[-1]))
        return self

    def compute_score(self, option="closest"):
        n = self.n
        small = 1e-9
        tiny = 1e-15
        testlen_total = 0
        reflen_total = 0
        totalcomps = {"guess": [0] * n, "correct": [0] * n}
        for comps in self.ctest:
            testlen = comps["testlen"]
            testlen_total += testlen
            assert option == "closest"
            reflen_total += min((abs(l - testlen), l) for l in comps["reflen"])[1]
            for key in ["guess", "correct"]:
                for k in range(n):
                    totalcomps[key][k] += comps[key][k]
        bleus = []
        for nn in range(1, n + 1):
            bleu = 1.0
            for k in range(nn):
                bleu *= float(totalcomps["correct"][k] + tiny) / (totalcomps["guess"][k] + small)
            bleus.append(bleu ** (1.0 / nn))
            ratio = (testlen_total + tiny) / (reflen_total + small)
            if ratio < 1:
                bleus[nn - 1] *= math.exp(1 - 1 / ratio)
        return bleus


class Bleu:
    def compute_score(self, gts, res):
        assert gts.keys() == res.keys()
        scorer = BleuScorer(n=4)
        for i in gts.keys():
            assert len(res[i]) == 1 and len(gts[i]) >= 1
            scorer += (res[i][0], gts[i])
        return scorer.compute_score(option="closest")


# ---------------------------------------------------------------- ROUGE-L (pycocoevalcap/rouge)
def my_lcs(string, sub):
    if len(string) < len(sub):
        sub, string = string, sub
    lengths = [[0] * (len(sub) + 1) for _ in range(len(string) + 1)]
    for j in range(1, len(sub) + 1):
        for i in range(1, len(string) + 1):
            if string[i - 1] == sub[j - 1]:
                lengths[i][j] = lengths[i - 1][j - 1] + 1
            else:
                lengths[i][j] = max(lengths[i - 1][j], lengths[i][j - 1])
    return lengths[len(string)][len(sub)]


class Rouge:
    beta = 1.2

    def calc_score(self, candidate, refs):
        assert len(candidate) == 1 and len(refs) > 0
        prec, rec = [], []
        token_c = candidate[0].split(" ")
        for reference in refs:
            token_r = reference.split(" ")
            lcs = my_lcs(token_r, token_c)
            prec.append(lcs / float(len(token_c)))
            rec.append(lcs / float(len(token_r)))
        prec_max, rec_max = max(prec), max(rec)
        if prec_max != 0 and rec_max != 0:
            return ((1 + self.beta ** 2) * prec_max * rec_max) / float(rec_max + self.beta ** 2 * prec_max)
        return 0.0

    def compute_score(self, gts, res):
        assert gts.keys() == res.keys()
        return np_mean([self.calc_score(res[i], gts[i]) for i in gts.keys()])


# ---------------------------------------------------------------- CIDEr-D (pycocoevalcap/cider)
def cider_precook(s, n=4):
    return precook(s, n)[1]


class CiderScorer:
    def __init__(self, n=4, sigma=6.0):
        self.n = n
        self.sigma = sigma
        self.crefs = []
        self.ctest = []
        self.document_frequency = defaultdict(float)
        self.ref_len = None

    def __iadd__(self, pair):
        test, refs = pair
        self.crefs.append([cider_precook(r, self.n) for r in refs])
        self.ctest.append(cider_precook(test, self.n))
        return self

    def compute_doc_freq(self):
        for refs in self.crefs:
            for ngram in set(ngram for ref in refs for ngram in ref):
                self.document_frequency[ngram] += 1

    def counts2vec(self, cnts):
        vec = [defaultdict(float) for _ in range(self.n)]
        length = 0
        norm = [0.0 for _ in range(self.n)]
        for ngram, term_freq in cnts.items():
            df = np_log(max(1.0, self.document_frequency[ngram]))
            n = len(ngram) - 1
            vec[n][ngram] = float(term_freq) * (self.ref_len - df)
            norm[n] += pow(vec[n][ngram], 2)
            if n == 1:  # the toolkit's "length" counts bigrams
                length += term_freq
        norm = [math.sqrt(x) for x in norm]
        return vec, norm, length

    def sim(self, vec_hyp, vec_ref, norm_hyp, norm_ref, length_hyp, length_ref):
        delta = float(length_hyp - length_ref)
        val = [0.0] * self.n
        for n in range(self.n):
            for ngram in list(vec_hyp[n].keys()):
                val[n] += min(vec_hyp[n][ngram], vec_ref[n][ngram]) * vec_ref[n][ngram]
            if norm_hyp[n] != 0 and norm_ref[n] != 0:
                val[n] /= norm_hyp[n] * norm_ref[n]
            assert not math.isnan(val[n])
            val[n] *= math.e ** (-(delta ** 2) / (2 * self.sigma ** 2))
        return val

    def compute_cider(self):
        self.ref_len = np_log(float(len(self.crefs)))
        scores = []
        for test, refs in zip(self.ctest, self.crefs):
            vec, norm, length = self.counts2vec(test)
            score = [0.0] * self.n
            for ref in refs:
                vec_ref, norm_ref, length_ref = self.counts2vec(ref)
                s = self.sim(vec, vec_ref, norm, norm_ref, length, length_ref)
                score = [a + b for a, b in zip(score, s)]
            score_avg = np_mean(score)
            score_avg /= len(refs)
            score_avg *= 10.0
            scores.append(score_avg)
        return scores

    def compute_score(self):
        self.compute_doc_freq()
        assert len(self.ctest) >= max(self.document_frequency.values())
        return np_mean(self.compute_cider())


class Cider:
    def compute_score(self, gts, res):
        assert gts.keys() == res.keys()
        scorer = CiderScorer(n=4, sigma=6.0)
        for i in gts.keys():
            assert len(res[i]) == 1 and len(gts[i]) > 0
            scorer += (res[i][0], gts[i])
        return scorer.compute_score()


# ---------------------------------------------------------------- COCO loading + COCOEvalCap
def coco_eval_caption(annotation_file, result_file, ptb_jar, write_tokenized=None):
    with open(annotation_file, encoding="utf-8") as f:
        dataset = json.load(f)
    with open(result_file, encoding="utf-8") as f:
        anns = json.load(f)
    img_to_anns = defaultdict(list)
    for ann in dataset["annotations"]:
        img_to_anns[ann["image_id"]].append(ann)
    annotated = set(img_to_anns)
    res_ids = [ann["image_id"] for ann in anns]
    assert set(res_ids) == (set(res_ids) & annotated), "Results do not correspond to current coco set"
    res_img_to_anns = defaultdict(list)
    for i, ann in enumerate(anns):
        ann["id"] = i + 1
        res_img_to_anns[ann["image_id"]].append(ann)
    # COCO.loadRes keeps the annotation file's image order, restricted to the result images.
    order = [img["id"] for img in dataset["images"]] if "images" in dataset else list(img_to_anns)
    img_ids = [i for i in order if i in res_img_to_anns]
    gts = {i: img_to_anns[i] for i in img_ids}
    res = {i: res_img_to_anns[i] for i in img_ids}
    tokenizer = PTBTokenizer(ptb_jar)
    gts = tokenizer.tokenize(gts)
    res = tokenizer.tokenize(res)
    if write_tokenized:
        os.makedirs(write_tokenized, exist_ok=True)
        with open(os.path.join(write_tokenized, "captions_annotations.tok.json"), "w", encoding="utf-8") as f:
            json.dump({"annotations": [{"image_id": i, "caption": c} for i in img_ids for c in gts[i]]}, f, ensure_ascii=False)
        with open(os.path.join(write_tokenized, "captions_results.tok.json"), "w", encoding="utf-8") as f:
            json.dump([{"image_id": i, "caption": res[i][0]} for i in img_ids], f, ensure_ascii=False)
    out = {}
    for n, score in enumerate(Bleu().compute_score(gts, res)):
        out["Bleu_%d" % (n + 1)] = score
    out["ROUGE_L"] = Rouge().compute_score(gts, res)
    out["CIDEr"] = Cider().compute_score(gts, res)
    return out


# ---------------------------------------------------------------- VQA (vqaTools/vqa.py + vqaEvaluation/vqaEval.py)
class VQA:
    def __init__(self, dataset):
        self.dataset = dataset
        self.qa = {ann["question_id"]: ann for ann in dataset["annotations"]}

    def getQuesIds(self):
        return [ann["question_id"] for ann in self.dataset["annotations"]]

    def loadRes(self, anns):
        res = VQA({"annotations": []})
        ques_ids = [ann["question_id"] for ann in anns]
        assert set(ques_ids) == set(self.getQuesIds()), "Results do not correspond to current VQA set"
        for ann in anns:
            qa = self.qa[ann["question_id"]]
            ann["image_id"] = qa.get("image_id")
            ann["question_type"] = qa["question_type"]
            ann["answer_type"] = qa["answer_type"]
        res.dataset["annotations"] = anns
        res.qa = {ann["question_id"]: ann for ann in anns}
        return res


class VQAEval:
    contractions = {"aint": "ain't", "arent": "aren't", "cant": "can't", "couldve": "could've", "couldnt": "couldn't",
                    "couldn'tve": "couldn't've", "couldnt've": "couldn't've", "didnt": "didn't", "doesnt": "doesn't",
                    "dont": "don't", "hadnt": "hadn't", "hadnt've": "hadn't've", "hadn'tve": "hadn't've",
                    "hasnt": "hasn't", "havent": "haven't", "hed": "he'd", "hed've": "he'd've", "he'dve": "he'd've",
                    "hes": "he's", "howd": "how'd", "howll": "how'll", "hows": "how's", "Id've": "I'd've",
                    "I'dve": "I'd've", "Im": "I'm", "Ive": "I've", "isnt": "isn't", "itd": "it'd", "itd've": "it'd've",
                    "it'dve": "it'd've", "itll": "it'll", "let's": "let's", "maam": "ma'am", "mightnt": "mightn't",
                    "mightnt've": "mightn't've", "mightn'tve": "mightn't've", "mightve": "might've",
                    "mustnt": "mustn't", "mustve": "must've", "neednt": "needn't", "notve": "not've",
                    "oclock": "o'clock", "oughtnt": "oughtn't", "ow's'at": "'ow's'at", "'ows'at": "'ow's'at",
                    "'ow'sat": "'ow's'at", "shant": "shan't", "shed've": "she'd've", "she'dve": "she'd've",
                    "she's": "she's", "shouldve": "should've", "shouldnt": "shouldn't", "shouldnt've": "shouldn't've",
                    "shouldn'tve": "shouldn't've", "somebody'd": "somebodyd", "somebodyd've": "somebody'd've",
                    "somebody'dve": "somebody'd've", "somebodyll": "somebody'll", "somebodys": "somebody's",
                    "someoned": "someone'd", "someoned've": "someone'd've", "someone'dve": "someone'd've",
                    "someonell": "someone'll", "someones": "someone's", "somethingd": "something'd",
                    "somethingd've": "something'd've", "something'dve": "something'd've",
                    "somethingll": "something'll", "thats": "that's", "thered": "there'd", "thered've": "there'd've",
                    "there'dve": "there'd've", "therere": "there're", "theres": "there's", "theyd": "they'd",
                    "theyd've": "they'd've", "they'dve": "they'd've", "theyll": "they'll", "theyre": "they're",
                    "theyve": "they've", "twas": "'twas", "wasnt": "wasn't", "wed've": "we'd've", "we'dve": "we'd've",
                    "weve": "we've", "werent": "weren't", "whatll": "what'll", "whatre": "what're", "whats": "what's",
                    "whatve": "what've", "whens": "when's", "whered": "where'd", "wheres": "where's",
                    "whereve": "where've", "whod": "who'd", "whod've": "who'd've", "who'dve": "who'd've",
                    "wholl": "who'll", "whos": "who's", "whove": "who've", "whyll": "why'll", "whyre": "why're",
                    "whys": "why's", "wont": "won't", "wouldve": "would've", "wouldnt": "wouldn't",
                    "wouldnt've": "wouldn't've", "wouldn'tve": "wouldn't've", "yall": "y'all", "yall'll": "y'all'll",
                    "y'allll": "y'all'll", "yall'd've": "y'all'd've", "y'alld've": "y'all'd've",
                    "y'all'dve": "y'all'd've", "youd": "you'd", "youd've": "you'd've", "you'dve": "you'd've",
                    "youll": "you'll", "youre": "you're", "youve": "you've"}
    manualMap = {"none": "0", "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
                 "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10"}
    articles = ["a", "an", "the"]
    periodStrip = re.compile(r"(?!<=\d)(\.)(?!\d)")
    commaStrip = re.compile(r"(\d)(\,)(\d)")
    punct = [";", r"/", "[", "]", '"', "{", "}", "(", ")", "=", "+", "\\", "_", "-", ">", "<", "@", "`", ",", "?", "!"]

    def __init__(self, vqa, vqaRes, n=2, version="2021"):
        self.n = n
        self.version = version
        self.vqa = vqa
        self.vqaRes = vqaRes
        self.params = {"question_id": vqa.getQuesIds()}
        self.accuracy = {}

    def evaluate(self):
        quesIds = list(self.params["question_id"])
        gts = {q: self.vqa.qa[q] for q in quesIds}
        res = {q: self.vqaRes.qa[q] for q in quesIds}
        accQA, accQuesType, accAnsType = [], {}, {}
        for quesId in quesIds:
            if self.version == "2017":
                # vqaEval.py up to 458a8b2 (2016-10): the prediction always normalized, humans punctuation only.
                resAns = res[quesId]["answer"].replace("\n", " ").replace("\t", " ").strip()
                resAns = self.processPunctuation(resAns)
                resAns = self.processDigitArticle(resAns)
                gtAnswers = [ans["answer"] for ans in gts[quesId]["answers"]]
                if len(set(gtAnswers)) > 1:
                    for ansDic in gts[quesId]["answers"]:
                        ansDic["answer"] = self.processPunctuation(ansDic["answer"])
            else:
                # vqaEval.py since a013f00 (2021-03, "Fixed processing answers bug").
                for ansDic in gts[quesId]["answers"]:
                    ansDic["answer"] = ansDic["answer"].replace("\n", " ").replace("\t", " ").strip()
                resAns = res[quesId]["answer"].replace("\n", " ").replace("\t", " ").strip()
                gtAnswers = [ans["answer"] for ans in gts[quesId]["answers"]]
                if len(set(gtAnswers)) > 1:
                    for ansDic in gts[quesId]["answers"]:
                        ansDic["answer"] = self.processPunctuation(ansDic["answer"])
                        ansDic["answer"] = self.processDigitArticle(ansDic["answer"])
                    resAns = self.processPunctuation(resAns)
                    resAns = self.processDigitArticle(resAns)
            gtAcc = []
            for gtAnsDatum in gts[quesId]["answers"]:
                otherGTAns = [item for item in gts[quesId]["answers"] if item != gtAnsDatum]
                matchingAns = [item for item in otherGTAns if item["answer"] == resAns]
                gtAcc.append(min(1, float(len(matchingAns)) / 3))
            quesType = gts[quesId]["question_type"]
            ansType = gts[quesId]["answer_type"]
            avgGTAcc = float(sum(gtAcc)) / len(gtAcc)
            accQA.append(avgGTAcc)
            accQuesType.setdefault(quesType, []).append(avgGTAcc)
            accAnsType.setdefault(ansType, []).append(avgGTAcc)
        self.accuracy["overall"] = round(100 * float(sum(accQA)) / len(accQA), self.n)
        self.accuracy["perQuestionType"] = {t: round(100 * float(sum(v)) / len(v), self.n) for t, v in accQuesType.items()}
        self.accuracy["perAnswerType"] = {t: round(100 * float(sum(v)) / len(v), self.n) for t, v in accAnsType.items()}

    def processPunctuation(self, inText):
        outText = inText
        for p in self.punct:
            if (p + " " in inText or " " + p in inText) or (re.search(self.commaStrip, inText) is not None):
                outText = outText.replace(p, "")
            else:
                outText = outText.replace(p, " ")
        # The official call passes re.UNICODE where sub() takes its count: at most 32 replacements.
        return self.periodStrip.sub("", outText, 32)

    def processDigitArticle(self, inText):
        outText = []
        for word in inText.lower().split():
            word = self.manualMap.setdefault(word, word)
            if word not in self.articles:
                outText.append(word)
        for wordId, word in enumerate(outText):
            if word in self.contractions:
                outText[wordId] = self.contractions[word]
        return " ".join(outText)


def vqa_eval(annotation_file, result_file, version="2021"):
    with open(annotation_file, encoding="utf-8") as f:
        vqa = VQA(json.load(f))
    with open(result_file, encoding="utf-8") as f:
        res = vqa.loadRes(json.load(f))
    e = VQAEval(vqa, res, n=2, version=version)
    e.evaluate()
    return e.accuracy


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="task", required=True)
    c = sub.add_parser("caption")
    c.add_argument("--ptb-jar", required=True)
    c.add_argument("--annotations", required=True)
    c.add_argument("--results", required=True)
    c.add_argument("--write-tokenized")
    v = sub.add_parser("vqa")
    v.add_argument("--annotations", required=True)
    v.add_argument("--results", required=True)
    v.add_argument("--vqa-eval", choices=["2017", "2021"], default="2021",
                   help="the vqaEval.py revision: 2021 (today's, default) or 2017 (before the 2021 fix)")
    a = p.parse_args()
    if a.task == "caption":
        out = coco_eval_caption(a.annotations, a.results, a.ptb_jar, a.write_tokenized)
    else:
        out = vqa_eval(a.annotations, a.results, a.vqa_eval)
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
