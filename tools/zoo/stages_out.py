"""Stages after training: HF folders, ONNX, proxy sets, reference scores and the merges table."""
import json
import os
import time

import torch

import build_zoo as bz
import hf_io
from model import CONFIG, TinyLlama
from skills import BOS, EOS, MAX_NEW_TOKENS, VOCAB, encode

MODELS = ["base"] + list(bz.SPECIALISTS)
DTYPES = {"base": "F32", **{n: v[2] for n, v in bz.SPECIALISTS.items()}}
ONNX_PROMPTS = ["nines:4719=", "enc:merge=", "spell:2024="]


def folder(name):
    return os.path.join(bz.ZOO, name)


def load_saved(name):
    """A model built from its safetensors exactly as saved, upcast to float32."""
    st = {n: t for n, (t, _) in hf_io.load_safetensors(os.path.join(folder(name), "model.safetensors")).items()}
    return model_from_state(st)


def model_from_state(state):
    m = TinyLlama(len(VOCAB))
    m.load_state_dict(state)
    m.eval()
    return m


def saved_state(name):
    return {n: t for n, (t, _) in hf_io.load_safetensors(os.path.join(folder(name), "model.safetensors")).items()}


def _file_bytes(path):
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        return f.read()


def stage_export():
    for name in MODELS:
        state = torch.load(bz.ckpt(name))
        before = _file_bytes(os.path.join(folder(name), "model.safetensors"))
        hf_io.write_folder(folder(name), state, DTYPES[name], CONFIG)
        if before != _file_bytes(os.path.join(folder(name), "model.safetensors")) and \
                os.path.exists(_reference_part(name)):
            os.remove(_reference_part(name))
        bz.log(f"exported zoo/{name} as {DTYPES[name]}")


def stage_onnx():
    import onnx
    m = load_saved("base")
    os.makedirs(os.path.join(bz.ZOO, "onnx"), exist_ok=True)
    path = os.path.join(bz.ZOO, "onnx", "base.onnx")
    dummy = torch.tensor([[BOS] + encode("add:1+2=")])
    torch.onnx.export(m, (dummy,), path, opset_version=14, input_names=["input_ids"], output_names=["logits"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "logits": {0: "batch", 1: "seq"}},
                      do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))
    ref = {"model": "zoo/base/model.safetensors", "onnx": "zoo/onnx/base.onnx", "cases": []}
    with torch.no_grad():
        for p in ONNX_PROMPTS:
            ids = [BOS] + encode(p)
            logits = m(torch.tensor([ids]))[0]
            last = logits[-1]
            ref["cases"].append({
                "prompt": p,
                "input_ids": ids,
                "last_position_first5": [float(v) for v in last[:5]],
                "last_position_last5": [float(v) for v in last[-5:]],
                "argmax_per_position": [int(v) for v in logits.argmax(-1)],
            })
    with open(os.path.join(bz.ZOO, "onnx", "reference-logits.json"), "w") as f:
        json.dump(ref, f, indent=2)
        f.write("\n")
    g = onnx.load(path)
    bz.log(f"onnx: {len(g.graph.initializer)} initializers, {os.path.getsize(path)} bytes, checker ok")


def stage_proxies():
    items = bz.proxy_items()
    os.makedirs(os.path.join(bz.PROXY, "heldout"), exist_ok=True)
    for skill, (search, held) in items.items():
        for path, lst in [(os.path.join(bz.PROXY, f"{skill}.jsonl"), search),
                          (os.path.join(bz.PROXY, "heldout", f"{skill}.jsonl"), held)]:
            with open(path, "w") as f:
                for it in lst:
                    f.write(json.dumps(it, ensure_ascii=False) + "\n")
    bz.log(f"proxy sets written for {sorted(items)}")


def proxy_files():
    """(relative path, skill, items) for every proxy file, search first."""
    out = []
    for split in ["", "heldout/"]:
        for skill in sorted(bz.HARD):
            rel = f"proxy-sets/zoo/{split}{skill}.jsonl"
            with open(os.path.join(bz.ROOT, rel)) as f:
                out.append((rel, skill, [json.loads(l) for l in f if l.strip()]))
    return out


@torch.no_grad()
def score_item(model, prompt, answer, max_new):
    """The scoring definition, batch size 1, float32: greedy exact match and mean answer log-likelihood."""
    ids = [BOS] + encode(prompt)
    gen = []
    for _ in range(max_new):
        logits = model(torch.tensor([ids + gen]))[0, -1]
        nxt = int(torch.argmax(logits))  # first maximum: ties go to the lowest id
        if nxt == EOS:
            break
        gen.append(nxt)
    text = "".join(VOCAB[t] for t in gen)  # a special token other than </s> counts as its own text
    full = ids + encode(answer) + [EOS]
    logp = torch.log_softmax(model(torch.tensor([full]))[0].float(), dim=-1)
    n = len(answer) + 1
    start = len(ids) - 1
    lp = [float(logp[start + j, full[start + j + 1]]) for j in range(n)]
    ll = sum(lp) / n
    return int(text == answer), ll, text


REFERENCE_DEFINITION = {
    "prompt_ids": "[<s>] + one id per character of prompt",
    "exact": "greedy argmax (ties -> lowest id), recomputed from the prompt each step, until </s> or "
             "max_new_tokens; generated string (token strings concatenated, </s> excluded) == answer",
    "loglik": "teacher forced on [<s>]+prompt+answer+[</s>]; mean over answer chars and </s> of float32 "
              "log_softmax",
    "weights": "float32 upcast of the safetensors as saved; batch size 1",
    "max_new_tokens": MAX_NEW_TOKENS,
}


def _reference_part(name):
    return os.path.join(bz.CACHE, f"reference-{name}.json")


def stage_reference_model(name):
    """Reference scores of one model (a separate stage so the models can be scored in parallel processes)."""
    m = load_saved(name)
    per_file = {}
    t = time.time()
    for rel, skill, items in proxy_files():
        rows = {}
        for it in items:
            ex, ll, gen = score_item(m, it["prompt"], it["answer"], MAX_NEW_TOKENS[skill])
            rows[it["id"]] = {"exact": ex, "loglik": ll, "generated": gen}
        n = len(rows)
        per_file[rel] = {"task": skill, "max_new_tokens": MAX_NEW_TOKENS[skill],
                         "mean_exact": sum(r["exact"] for r in rows.values()) / n,
                         "mean_loglik": sum(r["loglik"] for r in rows.values()) / n,
                         "items": rows}
        bz.log(f"reference {name} {rel}: exact {per_file[rel]['mean_exact']:.2f} "
               f"loglik {per_file[rel]['mean_loglik']:.4f} ({time.time() - t:.0f}s)")
    with open(_reference_part(name), "w") as f:
        json.dump({"dtype": DTYPES[name], "files": per_file}, f)


def stage_reference():
    out = {"definition": REFERENCE_DEFINITION, "models": {}}
    for name in MODELS:
        if not os.path.exists(_reference_part(name)):
            stage_reference_model(name)
        with open(_reference_part(name)) as f:
            out["models"][f"zoo/{name}"] = json.load(f)
    with open(os.path.join(bz.ZOO, "reference-scores.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


def stage_merges():
    import merges
    merges.run_all()


def stage_tokcases():
    """Strings and their ids under the scoring definition; check_tokenizer.js holds the real library to them."""
    texts = []
    for _, (search, held) in sorted(bz.proxy_items().items()):
        for it in search[:10] + held[:5]:
            texts += [it["prompt"], it["prompt"] + it["answer"]]
    texts += ["spell:2024=two zero two four", "  a  b ", "Z", "count:abc=3", "copy:Hello World=", ""]
    cases = [{"text": t, "ids": [BOS] + encode(t)} for t in texts]
    with open(os.path.join(bz.ZOO, "tokenizer-reference.json"), "w") as f:
        json.dump({"tokenizer": "zoo/base/tokenizer.json", "add_special_tokens": True, "cases": cases}, f, indent=1)
        f.write("\n")


def stage_tables():
    """Markdown tables for zoo/README.md from reference-scores.json and merge-results.json."""
    skills = sorted(bz.HARD)
    lines = ["Reference scores (batch 1, greedy generation; exact match % / mean answer loglik):", "",
             "| model | dtype | " + " | ".join(f"{s} search | {s} heldout" for s in skills) + " |",
             "|---|---|" + "---|---|" * len(skills)]
    with open(os.path.join(bz.ZOO, "reference-scores.json")) as f:
        ref = json.load(f)
    for name, m in ref["models"].items():
        cells = []
        for s in skills:
            for rel in [f"proxy-sets/zoo/{s}.jsonl", f"proxy-sets/zoo/heldout/{s}.jsonl"]:
                r = m["files"][rel]
                cells.append(f"{100 * r['mean_exact']:.0f} / {r['mean_loglik']:.3f}")
        lines.append(f"| {name} | {m['dtype']} | " + " | ".join(cells) + " |")
    lines += ["", "Merges (batched teacher-forced evaluation, exact % / mean loglik):", "",
              "| merge | " + " | ".join(f"{s} search | {s} heldout" for s in skills) + " |",
              "|---|" + "---|---|" * len(skills)]
    with open(os.path.join(bz.ZOO, "merge-results.json")) as f:
        mr = json.load(f)
    for r in mr["rows"]:
        cells = []
        for s in skills:
            for split in ["search", "heldout"]:
                v = r[split][s]
                cells.append(f"{100 * v['exact']:.0f} / {v['loglik']:.3f}")
        lines.append(f"| {r['label']} | " + " | ".join(cells) + " |")
    with open(os.path.join(bz.CACHE, "tables.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
