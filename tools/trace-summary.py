#!/usr/bin/env python3
"""Self time per op in a libtorch Chrome trace (TrainingBenchmark/EmbeddingBenchmark --profile).

    tools/trace-summary.py TRACE.json [TOP]

Self time is an event's duration less the durations of the events nested in it on the same thread;
the total is over every thread, so with 2 intra-op threads it can exceed the step's wall time.
Then the element-wise and matrix ops (mul, sigmoid, mm) by input shapes."""
import json, sys, collections
d = json.load(open(sys.argv[1]))
ev = d['traceEvents'] if isinstance(d, dict) else d
ev = [e for e in ev if e.get('ph') == 'X' and 'dur' in e]
by_tid = collections.defaultdict(list)
for e in ev:
    by_tid[(e.get('pid'), e.get('tid'))].append(e)
selft = collections.Counter(); total = collections.Counter(); count = collections.Counter()
for k, es in by_tid.items():
    es.sort(key=lambda e: (e['ts'], -e['dur']))
    stack = []
    for e in es:
        while stack and stack[-1]['ts'] + stack[-1]['dur'] <= e['ts']:
            stack.pop()
        if stack:
            stack[-1]['_child'] = stack[-1].get('_child', 0) + e['dur']
        stack.append(e)
    for e in es:
        selft[e['name']] += e['dur'] - e.get('_child', 0)
        total[e['name']] += e['dur']; count[e['name']] += 1
all_self = sum(selft.values())
print('total self time (ms): %.1f' % (all_self / 1000))
for name, s in selft.most_common(int(sys.argv[2]) if len(sys.argv) > 2 else 15):
    print('%8.1f ms  %5.1f%%  %6d calls  %s' % (s / 1000, 100 * s / all_self, count[name], name))

shapes = collections.defaultdict(lambda: [0, 0.0])
for e in ev:
    if e['name'] in ('aten::mul', 'aten::sigmoid', 'aten::sigmoid_backward', 'aten::mm'):
        shapes[(e['name'], str(e.get('shape')))][0] += 1
        shapes[(e['name'], str(e.get('shape')))][1] += e['dur']
print('by input shapes (the 6 largest):')
for (name, shape), (n, d) in sorted(shapes.items(), key=lambda kv: -kv[1][1])[:6]:
    print('%8.1f ms  %4d calls  %6.1f ms/call  %s %s' % (d / 1000, n, d / 1000 / n, name, shape))
