"""Extra `models` cases: small networks (Sequential specs and composites with a program)."""

from __future__ import annotations

import torch
import torch.nn as nn

from case_lib import C, G, M, camel_kw, classes_of, module_case, randn


class Composite(nn.Module):
    """The runner's composite: named children and a program of calls over named values."""

    def __init__(self, children, inputs, program, output):
        super().__init__()
        for name, spec in children:
            self.add_module(name, spec.build())
        self.inputs, self.program, self.output = inputs, program, output

    def forward(self, *args):
        env = dict(zip(self.inputs, args))
        for step in self.program:
            a = [env[n] if isinstance(n, str) else n for n in step.get("args", [])]
            kw = {k: env[v] for k, v in step.get("kwargs", {}).items()}
            bind(step["out"], getattr(self, step["call"])(*a, **kw), env)
        return look(self.output, env)


def bind(pat, val, env):
    if isinstance(pat, str):
        env[pat] = val
    else:
        for p, v in zip(pat, val):
            bind(p, v, env)


def look(pat, env):
    return env[pat] if isinstance(pat, str) else [look(p, env) for p in pat]


def composite(module, name, children, inputs, program, output, data, mode="train"):
    def build():
        return Composite(children, inputs, program, output)

    js = {"children": [[n, s.json()] for n, s in children], "inputs": inputs,
          "program": [{**st, "kwargs": {camel_kw(k): v for k, v in st["kwargs"].items()}} if "kwargs" in st else st for st in program],
          "output": output}
    req = set()
    for _, s in children:
        req |= classes_of(s)
    rep = "Composite(" + ", ".join(f"{n}={s.torch_repr()}" for n, s in children) + ")"
    module_case("models", module, name, build, data, mode=mode, composite=js, requires=sorted(req | {"Module"}), torch_repr=rep)


def sequential(module, name, spec, data, mode="train"):
    module_case("models", module, name, spec.build, data, mode=mode, spec_json=spec.json(), requires=sorted(spec.classes()), torch_repr=spec.torch_repr())


def generate():
    lin = lambda i, o, **k: M("Linear", i, o, **k)  # noqa: E731
    sequential("MLP", "eval_dropout", M("Sequential", lin(6, 8), M("ReLU"), M("Dropout", 0.5), lin(8, 3)), [G(randn(4, 6))], mode="eval")
    sequential("MLP", "gelu_layernorm", M("Sequential", lin(5, 8), M("LayerNorm", 8), M("GELU"), lin(8, 8, bias=False), M("SiLU"), lin(8, 2)), [G(randn(3, 5))])
    sequential("MLP", "batchnorm_train", M("Sequential", lin(4, 6), M("BatchNorm1d", 6), M("ReLU"), lin(6, 2)), [G(randn(5, 4))])
    sequential("MLP", "unbatched", M("Sequential", lin(4, 6), M("Tanh"), lin(6, 2), M("LogSoftmax", dim=-1)), [G(randn(4))])
    cnn = lambda: [  # noqa: E731
        ("features", M("Sequential", M("Conv2d", 3, 4, 3, padding=1, bias=False), M("GroupNorm", 2, 4), M("ReLU"),
                       M("AvgPool2d", 2), M("Conv2d", 4, 4, 3, groups=4, padding=1), M("BatchNorm2d", 4), M("Hardswish"),
                       M("AdaptiveMaxPool2d", (2, 1)))),
        ("classifier", M("Sequential", M("Flatten"), M("Dropout", 0.0), lin(8, 5))),
    ]
    prog = [{"call": "features", "args": ["x"], "out": "h"}, {"call": "classifier", "args": ["h"], "out": "y"}]
    composite("SmallCNN", "groupnorm_depthwise", cnn(), ["x"], prog, "y", [G(randn(3, 3, 6, 6))])
    composite("SmallCNN", "groupnorm_depthwise_eval", cnn(), ["x"], prog, "y", [G(randn(2, 3, 6, 6))], mode="eval")
    composite("SmallCNN", "strided_bn", [
        ("features", M("Sequential", M("Conv2d", 1, 4, 3, stride=2, padding=1), M("BatchNorm2d", 4), M("LeakyReLU", 0.1),
                       M("Conv2d", 4, 6, 3, padding="same", padding_mode="reflect"), M("BatchNorm2d", 6), M("ReLU"),
                       M("AdaptiveAvgPool2d", 1))),
        ("classifier", M("Sequential", M("Flatten"), lin(6, 3))),
    ], ["x"], prog, "y", [G(randn(4, 1, 8, 8))])
    tokens = lambda b, s, n: C(torch.randint(1, n, (b, s)))  # noqa: E731
    composite("LSTMTagger", "bidir_2layers", [
        ("emb", M("Embedding", 20, 6, padding_idx=0)),
        ("lstm", M("LSTM", 6, 5, num_layers=2, bidirectional=True, batch_first=True)),
        ("fc", lin(10, 4)),
    ], ["tokens"], [{"call": "emb", "args": ["tokens"], "out": "e"}, {"call": "lstm", "args": ["e"], "out": ["o", ["h", "c"]]},
                    {"call": "fc", "args": ["o"], "out": "y"}], "y", [tokens(3, 5, 20)])
    composite("LSTMTagger", "gru_seq_first", [
        ("emb", M("Embedding", 15, 6)),
        ("gru", M("GRU", 6, 7)),
        ("fc", lin(7, 3)),
    ], ["tokens"], [{"call": "emb", "args": ["tokens"], "out": "e"}, {"call": "gru", "args": ["e"], "out": ["o", "h"]},
                    {"call": "fc", "args": ["o"], "out": "y"}], "y", [tokens(4, 2, 15)])
    composite("LSTMTagger", "proj_last_state", [
        ("emb", M("Embedding", 12, 4, max_norm=1.0)),
        ("lstm", M("LSTM", 4, 6, proj_size=3, batch_first=True)),
        ("fc", lin(3, 2)),
    ], ["tokens"], [{"call": "emb", "args": ["tokens"], "out": "e"}, {"call": "lstm", "args": ["e"], "out": ["o", ["h", "c"]]},
                    {"call": "fc", "args": ["h"], "out": "y"}], "y", [tokens(2, 4, 12)])

    def tiny(layer_opts, norm=True):
        enc_kw = {"norm": M("LayerNorm", 8)} if norm else {}
        return [
            ("emb", M("Embedding", 16, 8)),
            ("encoder", M("TransformerEncoder", M("TransformerEncoderLayer", 8, 2, dim_feedforward=16, dropout=0.0, batch_first=True, **layer_opts), 2, **enc_kw)),
            ("head", M("Sequential", M("Flatten"), lin(32, 3))),
        ]
    pad = torch.tensor([[False, False, True, True], [False, False, False, False], [False, True, True, True]])
    tprog = [{"call": "emb", "args": ["tokens"], "out": "e"}, {"call": "encoder", "args": ["e"], "kwargs": {"src_key_padding_mask": "pad"}, "out": "h"},
             {"call": "head", "args": ["h"], "out": "y"}]
    composite("TinyTransformerClassifier", "norm_first_gelu", tiny({"norm_first": True, "activation": "gelu"}), ["tokens", "pad"], tprog, "y", [tokens(3, 4, 16), C(pad)])
    composite("TinyTransformerClassifier", "eval_padding_mask", tiny({}), ["tokens", "pad"], tprog, "y", [tokens(3, 4, 16), C(pad)], mode="eval")
    composite("TinyTransformerClassifier", "causal_mask_no_norm", tiny({}, norm=False), ["tokens", "mask"],
              [{"call": "emb", "args": ["tokens"], "out": "e"}, {"call": "encoder", "args": ["e"], "kwargs": {"mask": "mask"}, "out": "h"},
               {"call": "head", "args": ["h"], "out": "y"}], "y", [tokens(2, 4, 16), C(torch.triu(torch.full((4, 4), float("-inf")), 1))])
    more_models()


def more_models():
    lin = lambda i, o, **k: M("Linear", i, o, **k)  # noqa: E731
    pad = torch.tensor([[False, False, True], [False, False, False]])
    composite("TinyTransformerClassifier", "mha_pool", [
        ("emb", M("Embedding", 10, 8, padding_idx=0)),
        ("attn", M("MultiheadAttention", 8, 2, batch_first=True)),
        ("norm", M("LayerNorm", 8)),
        ("head", M("Sequential", M("Flatten"), lin(24, 2))),
    ], ["tokens", "pad"], [
        {"call": "emb", "args": ["tokens"], "out": "e"},
        {"call": "attn", "args": ["e", "e", "e"], "kwargs": {"key_padding_mask": "pad"}, "out": ["o", "w"]},
        {"call": "norm", "args": ["o"], "out": "n"},
        {"call": "head", "args": ["n"], "out": "y"},
    ], ["y", "w"], [C(torch.tensor([[3, 5, 0], [1, 2, 9]])), C(pad)])
    composite("TinyTransformerClassifier", "seq2seq_masks", [
        ("src_emb", M("Embedding", 12, 8)),
        ("tgt_emb", M("Embedding", 12, 8)),
        ("model", M("Transformer", d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=16, dropout=0.0, batch_first=True)),
        ("out", lin(8, 12)),
    ], ["src", "tgt", "tgt_mask"], [
        {"call": "src_emb", "args": ["src"], "out": "s"},
        {"call": "tgt_emb", "args": ["tgt"], "out": "t"},
        {"call": "model", "args": ["s", "t"], "kwargs": {"tgt_mask": "tgt_mask"}, "out": "h"},
        {"call": "out", "args": ["h"], "out": "y"},
    ], "y", [C(torch.randint(0, 12, (2, 4))), C(torch.randint(0, 12, (2, 3))), C(torch.triu(torch.full((3, 3), float("-inf")), 1))])
