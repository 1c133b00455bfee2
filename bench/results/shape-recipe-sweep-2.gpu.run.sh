#!/bin/bash
# Second device sweep for issue 3: combinations of the first sweep's winners (conv stem, aux loss, no crop, lr 1e-3).
export OMP_NUM_THREADS=1 PYTHONUNBUFFERED=1
cp .sweep/run2.sh "$OUT/run2.sh"
timeout ${SWEEP_SECONDS:-200} python3 tools/shape-recipe-sweep.py --data .sweep/train --test .sweep/test --parallel 8 \
  --out "$OUT/sweep2.jsonl" \
  --recipe c_3000:lr=1e-3,stem=conv,aux=3,crop=1.0,hn=1,steps=3000,evals=6 \
  --recipe c_all:lr=1e-3,stem=conv,aux=3,crop=1.0,hn=1 \
  --recipe c_seed2:lr=1e-3,stem=conv,aux=3,crop=1.0,hn=1,seed=2 \
  --recipe c_nohn:lr=1e-3,stem=conv,aux=3,crop=1.0 \
  --recipe c_noaux:lr=1e-3,stem=conv,crop=1.0,hn=1 \
  --recipe c_crop:lr=1e-3,stem=conv,aux=3,hn=1 \
  --recipe c_lr2:lr=2e-3,stem=conv,aux=3,crop=1.0,hn=1 \
  --recipe c_aux1:lr=1e-3,stem=conv,aux=1,crop=1.0,hn=1
echo "sweep exit $?"
wc -l "$OUT/sweep2.jsonl"
