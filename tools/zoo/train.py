"""Training loop and fast batched teacher-forced evaluation."""
import math
import random
import time

import torch

from skills import BOS, EOS, PAD, Stream, encode


def make_batch(examples):
    """Right-padded ids and targets; only answer characters and </s> carry a loss."""
    seqs, tgts = [], []
    for p, a in examples:
        ids = [BOS] + encode(p) + encode(a) + [EOS]
        tgt = [-100] * (1 + len(p)) + encode(a) + [EOS]
        seqs.append(ids[:-1])
        tgts.append(tgt[1:])
    t = max(len(s) for s in seqs)
    x = torch.full((len(seqs), t), PAD, dtype=torch.long)
    y = torch.full((len(seqs), t), -100, dtype=torch.long)
    for i, (s, g) in enumerate(zip(seqs, tgts)):
        x[i, :len(s)] = torch.tensor(s)
        y[i, :len(g)] = torch.tensor(g)
    return x, y


def train(model, stream_mixes, steps, lr, seed, log, batch=64, warmup=50, min_lr_frac=0.1, eval_fn=None,
          eval_every=250, on_eval=None, stop_at=None, anchor=None, pull=0.0):
    """stream_mixes: list of (Stream, fraction of each batch). stop_at ends the run early on the same schedule."""
    torch.manual_seed(seed)
    rng = random.Random(seed)
    params = [p for p in model.parameters() if p.requires_grad]
    named = dict(model.named_parameters())
    opt = torch.optim.AdamW(params, lr=lr, betas=(0.9, 0.98), weight_decay=0.0)
    model.train()
    t0 = time.time()
    ema = None
    for step in range(1, (stop_at or steps) + 1):
        if step <= warmup:
            cur = lr * step / warmup
        else:
            prog = (step - warmup) / max(1, steps - warmup)
            cur = lr * (min_lr_frac + (1 - min_lr_frac) * 0.5 * (1 + math.cos(math.pi * prog)))
        for g in opt.param_groups:
            g["lr"] = cur
        examples = []
        for stream, frac in stream_mixes:
            examples += [stream.next() for _ in range(int(round(batch * frac)))]
        rng.shuffle(examples)
        x, y = make_batch(examples)
        logits = model(x)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1),
                                                 ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        if anchor:
            # Decoupled pull towards the starting weights (AdamW-style decay to w0, not to 0): drift along
            # directions the loss does not care about decays, so the task vector keeps only what the skill needs.
            with torch.no_grad():
                for n, a in anchor.items():
                    named[n].sub_(cur * pull * (named[n] - a))
        ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
        if step % 50 == 0:
            log(f"step {step}/{steps} loss {ema:.4f} lr {cur:.2e} {time.time() - t0:.0f}s")
        if eval_fn is not None and (step % eval_every == 0 or step == (stop_at or steps)):
            model.eval()
            log(f"  eval@{step}: {eval_fn(model)}")
            if on_eval is not None:
                on_eval(model, step)
            model.train()
    model.eval()


@torch.no_grad()
def teacher_forced(model, items):
    """Per item (exact, mean answer loglik) in one right-padded batch.

    Greedy decoding reproduces the answer exactly iff the argmax at every answer position (and at the </s>
    position) under teacher forcing is the target, so this equals the greedy exact match up to float noise."""
    x, y = make_batch([(it["prompt"], it["answer"]) for it in items])
    logits = model(x).float()
    logp = torch.log_softmax(logits, dim=-1)
    mask = y != -100
    tgt = y.clamp(min=0)
    tok_lp = logp.gather(-1, tgt[..., None])[..., 0]
    hit = (logits.argmax(-1) == tgt) | ~mask
    exact = hit.all(dim=1).float()
    ll = (tok_lp * mask).sum(1) / mask.sum(1)
    return exact, ll
