"""Quick merge check of a fine-tuning variant's checkpoints (search sets, batched teacher forcing, as merges.py).

    OPENBLAS_NUM_THREADS=1 python3 tools/zoo/quick_merges.py VARIANT [random-search candidates]
Specialists are rounded through their saved dtype first, so the numbers are those the exported zoo would give.
"""
import random
import sys
import time

import torch

import build_zoo as bz
import merges as mg
from stages_out import DTYPES

CAST = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def load(name, variant):
    suffix = "" if variant == bz.FT_VARIANTS_DEFAULT else "_" + variant
    st = torch.load(bz.ckpt(name if name == "base" else name + suffix))
    return {k: v.to(CAST[DTYPES[name]]).float() for k, v in st.items()}


def main():
    torch.set_num_threads(1)
    variant = sys.argv[1]
    n_search = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    base = load("base", variant)
    specs = {n: load(n, variant) for n in mg.SPECS}
    deltas = [{k: specs[n][k] - base[k] for k in base} for n in mg.SPECS]
    for n, d in zip(mg.SPECS, deltas):
        num = sum((v ** 2).sum() for v in d.values()).sqrt()
        den = sum((v ** 2).sum() for v in base.values()).sqrt()
        print(f"|delta {n}| / |base| = {num / den:.3f}", flush=True)
    ev = mg.Evaluator()

    def show(label, state):
        res = ev(state, splits=("search",))
        print(f"{label:40s} " + "  ".join(f"{k} {v['exact']*100:3.0f}/{v['loglik']:.3f}"
                                          for k, v in res["search"].items()) + f"  fit {mg.fitness(res):.4f}",
              flush=True)
        return res

    show("base", base)
    for n in mg.SPECS:
        show(n, specs[n])
    show("average", mg.task_arithmetic(base, deltas, 1 / 3))
    for lam in [0.5, 0.8, 1.0]:
        show(f"TA {lam}", mg.task_arithmetic(base, deltas, lam))
    best_grid = None
    for dens in [0.2, 0.4, 0.6, 1.0]:
        for w in [0.7, 1.0, 1.3]:
            r = show(f"ties d={dens} w={w}", mg.ties_merge(base, deltas, [mg.uniform(w)] * 3, [dens] * 3, False))
            if best_grid is None or mg.fitness(r) > best_grid[0]:
                best_grid = (mg.fitness(r), dens, w)
    print("best grid", best_grid, flush=True)
    rng = random.Random(mg.SEARCH_SEED)
    best_fit, best_p = best_grid[0], {"weights": [mg.uniform(best_grid[2])] * 3, "densities": [best_grid[1]] * 3}
    for i in range(n_search):
        if i < n_search // 2:
            p = {"weights": [{g: rng.uniform(0.4, 1.6) for g in mg.GROUPS} for _ in mg.SPECS],
                 "densities": [rng.uniform(0.15, 1.0) for _ in mg.SPECS]}
        else:
            p = {"weights": [{g: min(2.0, max(0.0, w[g] + rng.gauss(0, 0.15))) for g in mg.GROUPS}
                             for w in best_p["weights"]],
                 "densities": [min(1.0, max(0.1, d + rng.gauss(0, 0.08))) for d in best_p["densities"]]}
        res = ev(mg.ties_merge(base, deltas, p["weights"], p["densities"], False), splits=("search",))
        if mg.fitness(res) > best_fit:
            best_fit, best_p = mg.fitness(res), p
            print(f"search {i}: " + "  ".join(f"{k} {v['exact']*100:3.0f}" for k, v in res["search"].items())
                  + f"  fit {best_fit:.4f}", flush=True)
    print("best search params", best_p, flush=True)


if __name__ == "__main__":
    main()
