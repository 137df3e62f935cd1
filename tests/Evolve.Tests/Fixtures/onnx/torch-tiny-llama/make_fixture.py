"""Builds the torch.onnx fixture for the ONNX weight-binding tests (run with Debian's python3 + python3-torch 1.13).

A tiny Llama-style decoder with Hugging Face parameter names, exported with torch.onnx (opset 14, constant folding),
which renames every linear weight to onnx::MatMul_N stored transposed [in, out] and stores bit-identical tensors once.
Two RMSNorm weights are left identical on purpose (so the export deduplicates them); every other tensor is random.
Writes base.safetensors, finetune.safetensors (the base perturbed; the two tied norms stay equal), model.onnx and
reference.json: torch's logits of both weight sets on fixed token rows, the independent reference for the tests.
"""
import json
import math
import struct

import torch

torch.manual_seed(20261122)
V, D, H, I, L = 64, 32, 4, 48, 2


class RMSNorm(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(D))

    def forward(self, x):
        return self.weight * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6)


def rotate(x):
    a, b = x.chunk(2, dim=-1)
    return torch.cat((-b, a), dim=-1)


class Attention(torch.nn.Module):
    def __init__(self):
        super().__init__()
        for n in ("q_proj", "k_proj", "v_proj", "o_proj"):
            setattr(self, n, torch.nn.Linear(D, D, bias=False))

    def forward(self, x, cos, sin, mask):
        b, s, _ = x.shape
        q, k, v = (p(x).view(b, s, H, D // H).transpose(1, 2) for p in (self.q_proj, self.k_proj, self.v_proj))
        q, k = q * cos + rotate(q) * sin, k * cos + rotate(k) * sin
        a = (q @ k.transpose(-1, -2)) / math.sqrt(D // H) + mask
        return self.o_proj((a.softmax(-1) @ v).transpose(1, 2).reshape(b, s, D))


class Mlp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.gate_proj = torch.nn.Linear(D, I, bias=False)
        self.up_proj = torch.nn.Linear(D, I, bias=False)
        self.down_proj = torch.nn.Linear(I, D, bias=False)

    def forward(self, x):
        return self.down_proj(torch.nn.functional.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.self_attn, self.mlp = Attention(), Mlp()
        self.input_layernorm, self.post_attention_layernorm = RMSNorm(), RMSNorm()

    def forward(self, x, cos, sin, mask):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, mask)
        return x + self.mlp(self.post_attention_layernorm(x))


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed_tokens = torch.nn.Embedding(V, D)
        self.layers = torch.nn.ModuleList(Layer() for _ in range(L))
        self.norm = RMSNorm()


class ForCausalLM(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.model = Model()
        self.lm_head = torch.nn.Linear(D, V, bias=False)

    def forward(self, input_ids):
        s = input_ids.shape[1]
        pos = torch.arange(s, dtype=torch.float32)
        inv = 1.0 / (10000 ** (torch.arange(0, D // H, 2, dtype=torch.float32) / (D // H)))
        f = torch.outer(pos, inv)
        emb = torch.cat((f, f), dim=-1)
        cos, sin = emb.cos(), emb.sin()
        mask = torch.triu(torch.full((s, s), -1e9), diagonal=1)
        x = self.model.embed_tokens(input_ids)
        for layer in self.model.layers:
            x = layer(x, cos, sin, mask)
        return self.lm_head(self.model.norm(x))


TIED = ("model.layers.0.input_layernorm.weight", "model.layers.1.input_layernorm.weight")
model = ForCausalLM().eval()
with torch.no_grad():
    for name, p in model.named_parameters():
        if name.endswith("layernorm.weight") or name == "model.norm.weight":
            p.copy_(1 + 0.1 * torch.randn_like(p))
    dict(model.named_parameters())[TIED[1]].copy_(dict(model.named_parameters())[TIED[0]])


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors):
        data = tensors[name].contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


tokens = torch.tensor([[1, 5, 9, 14, 20, 7], [2, 11, 3, 8, 63, 4]])
base = {n: p.detach().clone() for n, p in model.named_parameters()}
write_safetensors("base.safetensors", base)
with torch.no_grad():
    base_logits = model(tokens)
torch.onnx.export(model, (tokens,), "model.onnx", opset_version=14, do_constant_folding=True,
                  input_names=["input_ids"], output_names=["logits"],
                  dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}})

with torch.no_grad():
    for name, p in model.named_parameters():
        p.mul_(1.05).add_(0.02 * torch.randn_like(p))
    dict(model.named_parameters())[TIED[1]].copy_(dict(model.named_parameters())[TIED[0]])
    tuned_logits = model(tokens)
write_safetensors("finetune.safetensors", {n: p.detach().clone() for n, p in model.named_parameters()})

with open("reference.json", "w") as f:
    json.dump({"torch": torch.__version__, "tokens": tokens.tolist(), "shape": list(base_logits.shape),
               "base_logits": [round(v, 7) for v in base_logits.flatten().tolist()],
               "finetune_logits": [round(v, 7) for v in tuned_logits.flatten().tolist()]}, f)
