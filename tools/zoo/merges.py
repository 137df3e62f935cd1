"""Merges of the saved specialists, only to show that the zoo has something to find.

TIES follows mergekit's generalized task arithmetic: per model, trim the task vector to `density` by magnitude
(whole tensor), weight it, elect the sign of the weighted sum (0 counts as +), keep the agreeing entries, sum them,
optionally divide by the summed weights of the agreeing models, scale by lambda, add to the base.
"""
import json
import multiprocessing
import os
import random
import time

import torch

import build_zoo as bz
from stages_out import model_from_state, proxy_files, saved_state
from train import teacher_forced

SPECS = list(bz.SPECIALISTS)
GROUPS = ["embed", "layer0", "layer1", "layer2", "layer3", "head"]
SEARCH_SEED = 4242


def group_of(name):
    if name.startswith("model.embed_tokens"):
        return "embed"
    if name.startswith("model.layers."):
        return "layer" + name.split(".")[2]
    return "head"


def trim(delta, density):
    if density >= 1.0:
        return delta
    k = int(density * delta.numel())
    flat = delta.reshape(-1)
    keep = torch.zeros_like(flat)
    keep[torch.topk(flat.abs(), k).indices] = 1.0
    return (flat * keep).reshape(delta.shape)


def ties_merge(base, deltas, weights, densities, normalize, lam=1.0):
    """weights[i][group] per model; densities[i] per model."""
    out = {}
    for name, b in base.items():
        g = group_of(name)
        w = torch.tensor([weights[i][g] for i in range(len(deltas))])
        W = torch.stack([w[i] * trim(deltas[i][name], densities[i]) for i in range(len(deltas))])
        elected = torch.sign(W.sum(0))
        elected[elected == 0] = 1
        agree = (torch.sign(W) == elected).float()
        mixed = (W * agree).sum(0)
        if normalize:
            div = (w.view(-1, *[1] * b.dim()) * agree).sum(0)
            div[div == 0] = 1
            mixed = mixed / div
        out[name] = b + lam * mixed
    return out


def task_arithmetic(base, deltas, lam):
    return {n: b + lam * sum(d[n] for d in deltas) for n, b in base.items()}


def uniform(value):
    return {g: value for g in GROUPS}


class Evaluator:
    def __init__(self):
        self.files = proxy_files()

    def __call__(self, state, splits=("search", "heldout")):
        m = model_from_state(state)
        res = {}
        for rel, skill, items in self.files:
            split = "heldout" if "/heldout/" in rel else "search"
            if split not in splits:
                continue
            ex, ll = teacher_forced(m, items)
            res.setdefault(split, {})[skill] = {"exact": round(ex.mean().item(), 4), "loglik": ll.mean().item()}
        return res


def fitness(res):
    s = res["search"]
    return sum(v["exact"] + 0.05 * v["loglik"] for v in s.values()) / len(s)


# Merges are evaluated by a pool of forked workers that inherit the states from _CTX (set before the pool starts);
# a job names its merge (spec) instead of carrying tensors.
_CTX = {}
WORKERS = 6


def _state(spec):
    base, deltas = _CTX["base"], _CTX["deltas"]
    if spec[0] == "model":
        return base if spec[1] == "base" else _CTX["specs"][spec[1]]
    if spec[0] == "task_arithmetic":
        return task_arithmetic(base, deltas, spec[1])
    _, weights, densities, normalize = spec
    return ties_merge(base, deltas, weights, densities, normalize)


def _evaluate(job):
    spec, splits = job
    return _CTX["ev"](_state(spec), splits=splits)


def _one_thread():
    torch.set_num_threads(1)


def run_all():
    base = saved_state("base")
    specs = {n: saved_state(n) for n in SPECS}
    deltas = [{k: specs[n][k] - base[k] for k in base} for n in SPECS]
    _CTX.update(base=base, specs=specs, deltas=deltas, ev=Evaluator())
    both = ("search", "heldout")
    t = time.time()

    fixed = [(n, "model", {}, ("model", n)) for n in ["base"] + SPECS]
    fixed.append(("average of specialists", "linear", {"weights": [1 / 3] * 3}, ("task_arithmetic", 1 / 3)))
    for lam in [0.5, 0.7, 0.8, 1.0]:
        fixed.append((f"task arithmetic lambda={lam}", "task_arithmetic", {"lambda": lam}, ("task_arithmetic", lam)))
    for dens in [0.2, 0.4, 0.6]:
        for w in [0.7, 1.0, 1.3]:
            fixed.append((f"ties density={dens} weight={w}", "ties", {"density": dens, "weight": w, "normalize": False},
                          ("ties", [uniform(w)] * 3, [dens] * 3, False)))
        fixed.append((f"ties density={dens} normalize", "ties", {"density": dens, "weight": 1.0, "normalize": True},
                      ("ties", [uniform(1.0)] * 3, [dens] * 3, True)))

    def row(label, kind, params, res):
        s = res["search"]
        bz.log(f"merge {label}: " + "  ".join(f"{k} {v['exact']:.2f}/{v['loglik']:.3f}" for k, v in s.items())
               + f"  ({time.time() - t:.0f}s)")
        return {"label": label, "kind": kind, "params": params, "fitness": fitness(res), **res}

    with multiprocessing.get_context("fork").Pool(WORKERS, initializer=_one_thread) as pool:
        results = pool.map(_evaluate, [(spec, both) for *_, spec in fixed])
        rows = [row(label, kind, params, res) for (label, kind, params, _), res in zip(fixed, results)]

        # Small random search over per-model, per-layer-group weights and per-model densities (TIES, no
        # normalize), started from the best uniform TIES merge of the same form: first global draws, then rounds
        # of WORKERS Gaussian perturbations of the best so far.
        rng = random.Random(SEARCH_SEED)
        best = max((r for r in rows if r["kind"] == "ties" and not r["params"]["normalize"]),
                   key=lambda r: r["fitness"])
        best_params = {"weights": [uniform(best["params"]["weight"])] * 3,
                       "densities": [best["params"]["density"]] * 3}
        best_fit = best["fitness"]
        n_global, n_local = 12, 12

        def consider(candidates, first):
            nonlocal best_fit, best_params
            results = pool.map(_evaluate, [(("ties", p["weights"], p["densities"], False), ("search",))
                                           for p in candidates])
            for i, (p, res) in enumerate(zip(candidates, results), first):
                f = fitness(res)
                if f > best_fit:
                    best_fit, best_params = f, p
                    bz.log(f"random search {i}: new best fitness {f:.4f}: " +
                           "  ".join(f"{k} {v['exact']:.2f}" for k, v in res["search"].items()))

        consider([{"weights": [{g: rng.uniform(0.4, 1.6) for g in GROUPS} for _ in SPECS],
                   "densities": [rng.uniform(0.15, 1.0) for _ in SPECS]} for _ in range(n_global)], 0)
        for first in range(n_global, n_global + n_local, WORKERS):
            consider([{"weights": [{g: min(2.0, max(0.0, w[g] + rng.gauss(0, 0.15))) for g in GROUPS}
                                   for w in best_params["weights"]],
                       "densities": [min(1.0, max(0.1, d + rng.gauss(0, 0.08))) for d in best_params["densities"]]}
                      for _ in range(WORKERS)], first)
        res = pool.apply(_evaluate, ((("ties", best_params["weights"], best_params["densities"], False), both),))
    rows.append(row("random search: per-model per-layer weights + densities (TIES)", "ties_search",
                    {"weights": best_params["weights"], "densities": best_params["densities"], "normalize": False,
                     "candidates": n_global + n_local, "seed": SEARCH_SEED}, res))

    out = {"note": "batched teacher-forced evaluation of the proxy sets (exact = every answer position and </s> "
                   "is the argmax); specialists in the order " + ", ".join(SPECS),
           "groups": GROUPS, "rows": rows}
    with open(os.path.join(bz.ZOO, "merge-results.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
