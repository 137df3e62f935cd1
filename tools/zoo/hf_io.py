"""Hugging Face folder files written by hand: safetensors (canonical layout of the Rust crate), config.json,
tokenizer.json, tokenizer_config.json."""
import json
import os
import struct

import numpy as np
import torch

from skills import VOCAB, SPECIALS

# Rust safetensors orders tensors by descending dtype alignment rank, then by name; this is its enum order.
_DTYPE_RANK = {"F16": 7, "BF16": 8, "F32": 11}
_TORCH = {"F16": torch.float16, "BF16": torch.bfloat16, "F32": torch.float32}
_TORCH_DTYPE_NAME = {"F16": "float16", "BF16": "bfloat16", "F32": "float32"}


def _raw_bytes(t):
    t = t.contiguous().cpu()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    if t.dtype == torch.float16:
        return t.numpy().astype("<f2").tobytes()
    return t.numpy().astype("<f4").tobytes()


def save_safetensors(path, state, dtype):
    """state: name -> float32 tensor; written in `dtype` (F32/F16/BF16)."""
    tensors = {n: t.detach().to(_TORCH[dtype]) for n, t in state.items()}
    names = sorted(tensors, key=lambda n: (-_DTYPE_RANK[dtype], n.encode("utf-8")))
    header = {"__metadata__": {"format": "pt"}}
    blobs, off = [], 0
    for n in names:
        b = _raw_bytes(tensors[n])
        header[n] = {"dtype": dtype, "shape": list(tensors[n].shape), "data_offsets": [off, off + len(b)]}
        off += len(b)
        blobs.append(b)
    hb = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    hb += b" " * ((8 - len(hb) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def load_safetensors(path):
    """name -> (float32 tensor upcast from the stored dtype, stored dtype)."""
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        s, e = info["data_offsets"]
        raw = data[base + s:base + e]
        if info["dtype"] == "F32":
            t = torch.from_numpy(np.frombuffer(raw, dtype="<f4").copy())
        elif info["dtype"] == "F16":
            t = torch.from_numpy(np.frombuffer(raw, dtype="<f2").copy()).float()
        elif info["dtype"] == "BF16":
            t = torch.from_numpy(np.frombuffer(raw, dtype="<i2").copy()).view(torch.bfloat16).float()
        else:
            raise ValueError(f"{path}: unsupported dtype {info['dtype']} for {name}")
        out[name] = (t.reshape(info["shape"]), info["dtype"])
    return out


def config_json(cfg, dtype):
    return {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_size": cfg["hidden_size"],
        "intermediate_size": cfg["intermediate_size"],
        "num_hidden_layers": cfg["num_hidden_layers"],
        "num_attention_heads": cfg["num_attention_heads"],
        "num_key_value_heads": cfg["num_key_value_heads"],
        "head_dim": cfg["hidden_size"] // cfg["num_attention_heads"],
        "hidden_act": "silu",
        "vocab_size": len(VOCAB),
        "rms_norm_eps": cfg["rms_norm_eps"],
        "rope_theta": cfg["rope_theta"],
        "rope_scaling": None,
        "max_position_embeddings": cfg["max_position_embeddings"],
        "attention_bias": False,
        "attention_dropout": 0.0,
        "mlp_bias": False,
        "initializer_range": 0.02,
        "pretraining_tp": 1,
        "tie_word_embeddings": False,
        "use_cache": True,
        "bos_token_id": 1,
        "eos_token_id": 2,
        "pad_token_id": 0,
        "torch_dtype": _TORCH_DTYPE_NAME[dtype],
    }


def tokenizer_json():
    added = [{"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
              "special": True} for i, s in enumerate(SPECIALS)]
    bos = {"SpecialToken": {"id": "<s>", "type_id": 0}}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": None,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [bos, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [bos, {"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 0}}],
            "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}},
        },
        "decoder": {"type": "Fuse"},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": "<unk>",
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": False,
            "vocab": {s: i for i, s in enumerate(VOCAB)},
            "merges": [],
        },
    }


def tokenizer_config_json(max_len):
    return {
        "add_bos_token": True,
        "add_eos_token": False,
        "bos_token": "<s>",
        "eos_token": "</s>",
        "pad_token": "<pad>",
        "unk_token": "<unk>",
        "clean_up_tokenization_spaces": False,
        "model_max_length": max_len,
        "padding_side": "right",
        "tokenizer_class": "PreTrainedTokenizerFast",
        "added_tokens_decoder": {str(i): {"content": s, "lstrip": False, "normalized": False, "rstrip": False,
                                          "single_word": False, "special": True} for i, s in enumerate(SPECIALS)},
    }


def write_folder(folder, state, dtype, cfg):
    os.makedirs(folder, exist_ok=True)
    save_safetensors(os.path.join(folder, "model.safetensors"), state, dtype)
    dump = lambda name, obj: open(os.path.join(folder, name), "w").write(json.dumps(obj, indent=2,
                                                                                    ensure_ascii=False) + "\n")
    dump("config.json", config_json(cfg, dtype))
    dump("tokenizer.json", tokenizer_json())
    dump("tokenizer_config.json", tokenizer_config_json(cfg["max_position_embeddings"]))
