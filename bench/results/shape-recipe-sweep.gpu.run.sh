#!/bin/bash
# Device sweep for issue 3: 18 recipes of the tiny dual encoder, in parallel on one GPU.
export OMP_NUM_THREADS=1 PYTHONUNBUFFERED=1
nvidia-smi -L
python3 -c "import torch; print('torch', torch.__version__, torch.cuda.get_device_name())"
cp .sweep/run.sh "$OUT/run.sh"
timeout ${SWEEP_SECONDS:-470} python3 tools/shape-recipe-sweep.py --data .sweep/train --test .sweep/test --parallel 18 \
  --out "$OUT/sweep.jsonl" \
  --recipe long_convaux:lr=2e-3,stem=conv,aux=1,steps=5000,evals=10 \
  --recipe base:evals=5 \
  --recipe lr2:lr=2e-3 \
  --recipe lr2hn:lr=2e-3,hn=1 \
  --recipe lr2conv:lr=2e-3,stem=conv \
  --recipe lr2convhn:lr=2e-3,stem=conv,hn=1 \
  --recipe lr2aux:lr=2e-3,aux=1 \
  --recipe lr2convaux:lr=2e-3,stem=conv,aux=1 \
  --recipe lr2convauxhn:lr=2e-3,stem=conv,aux=1,hn=1 \
  --recipe base_aux:aux=1 \
  --recipe lr2p4:lr=2e-3,patch=4 \
  --recipe lr2any:lr=2e-3,sampling=any \
  --recipe lr3convauxhn:lr=3e-3,stem=conv,aux=1,hn=1 \
  --recipe short_convaux:lr=2e-3,stem=conv,aux=1,steps=1200,evals=4 \
  --recipe short_aux:lr=2e-3,aux=1,steps=1200,evals=4 \
  --recipe b64convaux:lr=2e-3,batch=64,stem=conv,aux=1 \
  --recipe lr1convaux_nocrop:lr=1e-3,stem=conv,aux=1,crop=1.0 \
  --recipe lr2convaux3:lr=2e-3,stem=conv,aux=3
echo "sweep exit $?"
wc -l "$OUT/sweep.jsonl"
