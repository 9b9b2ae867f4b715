#!/usr/bin/env python3
"""Extra PyTorch-parity cases for Kindling, in the shared suite's format.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 scripts/parity-extra/generate.py [area ...]

Writes cases/<area>/<Module>.json beside this script for every module of the shared case list,
with option combinations and edge shapes the shared cases leave out. Replay them with the shared
runner: node ../shared/parity/run.mjs --root . --cases scripts/parity-extra/cases.
Expectations are float64 PyTorch 1.13 results rounded to float32; every module case is replayed
in float32 too and reported when that run is off by more than a tenth of the tolerance.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import warnings

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import case_lib  # noqa: E402
import gen_layers  # noqa: E402
import gen_losses  # noqa: E402
import gen_models  # noqa: E402
import gen_rnn  # noqa: E402
import gen_transformer  # noqa: E402
import gen_utils  # noqa: E402

AREAS = {"layers": gen_layers, "losses": gen_losses, "rnn": gen_rnn, "transformer": gen_transformer, "utils": gen_utils, "models": gen_models}


def main(argv):
    warnings.filterwarnings("ignore")
    torch.set_num_threads(1)
    areas = argv or list(AREAS)
    out_root = os.path.join(HERE, "cases")
    for area in areas:
        torch.manual_seed(0)
        AREAS[area].generate()
    ids = [c["id"] for cases in case_lib.FILES.values() for c in cases]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise SystemExit(f"duplicate case ids: {sorted(dup)}")
    for area in areas:
        shutil.rmtree(os.path.join(out_root, area), ignore_errors=True)
    total = 0
    for (area, module), cases in sorted(case_lib.FILES.items()):
        d = os.path.join(out_root, area)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"{module}.json"), "w") as f:
            json.dump({"area": area, "module": module, "split": case_lib.SPLIT, "cases": cases}, f, separators=(",", ":"))
            f.write("\n")
        total += len(cases)
    for w in case_lib.WARNINGS:
        print(f"WARN {w}", file=sys.stderr)
    print(f"wrote {total} cases in {len(case_lib.FILES)} files under {os.path.relpath(out_root)}")


if __name__ == "__main__":
    main(sys.argv[1:])
