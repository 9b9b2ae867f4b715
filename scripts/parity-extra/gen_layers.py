"""Extra `layers` cases: option combinations and edge shapes beyond the shared suite."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from case_lib import C, G, M, P, module_case, rand, randn, seed_for, stat_case, state_case


class ShuffleByViews(torch.nn.Module):
    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, x):
        n, c = x.shape[:2]
        return x.reshape(n, self.groups, c // self.groups, *x.shape[2:]).transpose(1, 2).reshape(x.shape)


def L(module, name, ctor, inputs, **kw):
    return module_case("layers", module, name, ctor, inputs, **kw)


def with_specials(shape, specials, scale=1.0):
    """randn values with `specials` written over the first elements (activation kinks, clamps)."""
    x = randn(*shape, scale=scale).reshape(-1)
    for i, v in enumerate(specials):
        x[i] = v
    return x.reshape(shape)


def activations():
    kinks = [0.0, 0.5, -0.5, 1.0, -1.0, 3.0, -3.0, 6.0, 20.0, -20.0, 1.2, -1.2]
    for mod, opts in [
        ("ReLU", {}), ("ReLU6", {}), ("ELU", {}), ("ELU", {"alpha": 1.7}), ("CELU", {"alpha": 0.3}), ("SELU", {}),
        ("GELU", {}), ("GELU", {"approximate": "tanh"}), ("SiLU", {}), ("Mish", {}), ("Sigmoid", {}), ("Tanh", {}),
        ("Hardsigmoid", {}), ("Hardswish", {}), ("Hardtanh", {}), ("Hardtanh", {"min_val": -0.5, "max_val": 1.0}),
        ("Hardshrink", {}), ("Hardshrink", {"lambd": 1.0}), ("Softshrink", {}), ("Softshrink", {"lambd": 0.0}),
        ("Softsign", {}), ("Tanhshrink", {}), ("LogSigmoid", {}), ("LeakyReLU", {}), ("LeakyReLU", {"negative_slope": -0.3}),
        ("Softplus", {}), ("Softplus", {"beta": 0.5, "threshold": 2.0}), ("CELU", {}),
    ]:
        tag = "_".join(f"{k}{v}" for k, v in opts.items()) or "default"
        ks = [2.9 if (mod == "Hardswish" and k == 3.0) else k for k in kinks]  # 1.13's two backward paths disagree at 3
        L(mod, f"kinks_{tag}", M(mod, **opts), [G(with_specials((3, 8), ks, 2.0))])
        if not opts:
            L(mod, "scalar", M(mod), [G(randn())])
            L(mod, "5d", M(mod), [G(randn(1, 2, 2, 3, 2))])
    L("Threshold", "kinks", M("Threshold", 0.5, -2.0), [G(with_specials((3, 6), [0.5, -0.5, 0.0, 2.0]))])
    L("Threshold", "neg_threshold_1d", M("Threshold", -1.0, 4.0), [G(with_specials((9,), [-1.0, 1.0]))])
    L("Softplus", "large", M("Softplus", beta=3.0), [G(with_specials((10,), [30.0, -30.0, 6.6, 7.0, 0.0]))])
    L("LogSigmoid", "large", M("LogSigmoid"), [G(with_specials((8,), [50.0, -50.0, 100.0, -100.0]))])
    L("Sigmoid", "large", M("Sigmoid"), [G(with_specials((6,), [40.0, -40.0, 90.0, -90.0]))])
    L("Mish", "large", M("Mish"), [G(with_specials((6,), [25.0, -25.0, 45.0, -45.0]))])
    L("Identity", "ignored_args", M("Identity", 54, unused_argument1=0.1), [G(randn(2, 3))])
    L("Identity", "int_input", M("Identity"), [C(torch.tensor([[1, 2], [3, 4]]))])
    # PReLU
    L("PReLU", "init0.1_4d", M("PReLU", num_parameters=3, init=0.1), [G(randn(2, 3, 2, 2))])
    L("PReLU", "1d_single", M("PReLU"), [G(with_specials((7,), [0.0]))])
    L("PReLU", "2d_channels", M("PReLU", num_parameters=4), [G(randn(3, 4))])
    L("PReLU", "single_5d", M("PReLU", init=0.5), [G(randn(1, 2, 2, 2, 3))])
    L("PReLU", "channels_3d", M("PReLU", num_parameters=2), [G(randn(3, 2, 4))])
    # GLU
    L("GLU", "dim0", M("GLU", dim=0), [G(randn(4, 3))])
    L("GLU", "dim-2_4d", M("GLU", dim=-2), [G(randn(2, 3, 6, 2))])
    L("GLU", "1d", M("GLU"), [G(randn(8))])
    # RReLU eval / statistical
    L("RReLU", "eval_bounds", M("RReLU", lower=0.1, upper=0.6), [G(with_specials((3, 5), [0.0]))], mode="eval")
    stat_case("RReLU", "train_statistical_bounds", M("RReLU", lower=0.05, upper=0.5), randn(20, 30), "rrelu", {"lower": 0.05, "upper": 0.5})
    L("RReLU", "train_equal_bounds", M("RReLU", lower=0.2, upper=0.2), [G(randn(4, 5))])


def softmaxes():
    for mod in ("Softmax", "LogSoftmax", "Softmin"):
        L(mod, "dim0", M(mod, dim=0), [G(randn(4, 3))])
        L(mod, "dim1_4d", M(mod, dim=1), [G(randn(2, 3, 2, 2))])
        L(mod, "1d_large", M(mod, dim=0), [G(with_specials((6,), [80.0, -80.0, 79.0], 3.0))])
        L(mod, "dim_none_2d", M(mod), [G(randn(3, 4))])
        L(mod, "dim_none_3d", M(mod), [G(randn(2, 3, 4))])
        L(mod, "dim-2_size1", M(mod, dim=-2), [G(randn(2, 1, 3))])
    L("Softmax2d", "unbatched", M("Softmax2d"), [G(randn(3, 2, 4))])
    L("Softmax2d", "one_channel", M("Softmax2d"), [G(randn(2, 1, 2, 2))])


def linear():
    L("Linear", "1d_unbatched", M("Linear", 4, 3), [G(randn(4))])
    L("Linear", "4d", M("Linear", 3, 2), [G(randn(2, 2, 2, 3))])
    L("Linear", "in1_out1", M("Linear", 1, 1), [G(randn(5, 1))])
    L("Linear", "no_bias_1d", M("Linear", 5, 2, bias=False), [G(randn(5))])
    L("Linear", "batch1", M("Linear", 6, 4), [G(randn(1, 6))])
    L("Bilinear", "no_bias", M("Bilinear", 3, 2, 4, bias=False), [G(randn(5, 3)), G(randn(5, 2))])
    L("Bilinear", "3d", M("Bilinear", 2, 3, 2), [G(randn(2, 3, 2)), G(randn(2, 3, 3))])
    L("Bilinear", "1d_unbatched", M("Bilinear", 3, 4, 2), [G(randn(3)), G(randn(4))])
    L("Bilinear", "out1", M("Bilinear", 2, 2, 1), [G(randn(4, 2)), G(randn(4, 2))])
    L("Identity", "3d", M("Identity"), [G(randn(2, 2, 2))])


def flatten():
    L("Flatten", "end_dim2", M("Flatten", start_dim=0, end_dim=2), [G(randn(2, 3, 2, 2))])
    L("Flatten", "neg_dims", M("Flatten", start_dim=-3, end_dim=-2), [G(randn(2, 3, 2, 2))])
    L("Flatten", "1d", M("Flatten", start_dim=0), [G(randn(5))])
    L("Flatten", "same_dim", M("Flatten", start_dim=1, end_dim=1), [G(randn(2, 3, 2))])
    L("Flatten", "size1_dims", M("Flatten"), [G(randn(3, 1, 1))])
    L("Unflatten", "neg_dim", M("Unflatten", -1, [2, 2, 2]), [G(randn(3, 8))])
    L("Unflatten", "infer", M("Unflatten", 1, [3, -1]), [G(randn(2, 6, 2))])
    L("Unflatten", "dim0", M("Unflatten", 0, [2, 3]), [G(randn(6, 2))])
    L("Unflatten", "size1", M("Unflatten", 1, [1, 4, 1]), [G(randn(2, 4))])


def norms():
    def bn_state(nbt):
        def f(m):
            if hasattr(m, "num_batches_tracked") and m.num_batches_tracked is not None:
                m.num_batches_tracked.fill_(nbt)
        return f

    for mod, shape, shape2 in [("BatchNorm1d", (4, 3, 5), (6, 3)), ("BatchNorm2d", (3, 3, 2, 3), None), ("BatchNorm3d", (2, 3, 2, 2, 2), None)]:
        L(mod, "no_affine", M(mod, 3, affine=False), [G(randn(*shape))])
        L(mod, "no_running_train", M(mod, 3, track_running_stats=False), [G(randn(*shape))])
        L(mod, "no_running_eval", M(mod, 3, track_running_stats=False), [G(randn(*shape))], mode="eval")
        L(mod, "momentum_none", M(mod, 3, momentum=None), [G(randn(*shape))], state_fn=bn_state(3))
        L(mod, "momentum0.5_eps", M(mod, 3, eps=1e-2, momentum=0.5), [G(randn(*shape, scale=2.0) + 1.0)], state_fn=bn_state(7))
        L(mod, "eval_no_affine", M(mod, 3, affine=False), [G(randn(*shape))], mode="eval")
        L(mod, "train_nbt5", M(mod, 3), [G(randn(*shape))], state_fn=bn_state(5))
        if shape2:
            L(mod, "2d_no_affine_momentum_none", M(mod, 3, affine=False, momentum=None), [G(randn(*shape2))])
            L(mod, "2d_eval", M(mod, 3), [G(randn(*shape2))], mode="eval")
            L(mod, "batch2_len1", M(mod, 3), [G(randn(2, 3, 1))])
    L("BatchNorm2d", "batch1", M("BatchNorm2d", 2), [G(randn(1, 2, 3, 3))])
    # instance norm
    for mod, shape, unb in [("InstanceNorm1d", (2, 3, 5), (3, 6)), ("InstanceNorm2d", (2, 3, 3, 2), (3, 2, 3)), ("InstanceNorm3d", (2, 3, 2, 2, 2), (3, 2, 2, 2))]:
        L(mod, "unbatched", M(mod, 3), [G(randn(*unb))])
        L(mod, "affine_unbatched", M(mod, 3, affine=True), [G(randn(*unb))])
        L(mod, "track_train", M(mod, 3, track_running_stats=True), [G(randn(*shape))])
        L(mod, "track_eval", M(mod, 3, track_running_stats=True, affine=True), [G(randn(*shape))], mode="eval")
        L(mod, "track_momentum0.5", M(mod, 3, track_running_stats=True, momentum=0.5), [G(randn(*shape))], state_fn=bn_state(2))
        L(mod, "affine_eps", M(mod, 3, eps=0.1, affine=True), [G(randn(*shape))])
        L(mod, "eval_no_track", M(mod, 3), [G(randn(*shape))], mode="eval")
    # layer norm
    L("LayerNorm", "no_affine", M("LayerNorm", 4, elementwise_affine=False), [G(randn(3, 4))])
    L("LayerNorm", "three_dims_eps", M("LayerNorm", [2, 3, 2], eps=1e-3), [G(randn(2, 2, 3, 2))])
    L("LayerNorm", "1d", M("LayerNorm", 6), [G(randn(6))])
    L("LayerNorm", "4d_last", M("LayerNorm", [3]), [G(randn(2, 2, 2, 3))])
    L("LayerNorm", "size2", M("LayerNorm", 2), [G(randn(3, 2))])
    L("LayerNorm", "eval", M("LayerNorm", 5), [G(randn(2, 5))], mode="eval")
    L("LayerNorm", "no_affine_two_dims", M("LayerNorm", [2, 3], elementwise_affine=False), [G(randn(2, 2, 3))])
    # group norm
    L("GroupNorm", "no_affine", M("GroupNorm", 2, 6, affine=False), [G(randn(2, 6, 3))])
    L("GroupNorm", "one_group", M("GroupNorm", 1, 4), [G(randn(2, 4, 2, 2))])
    L("GroupNorm", "per_channel", M("GroupNorm", 4, 4, eps=1e-3), [G(randn(2, 4, 5))])
    L("GroupNorm", "2d_input", M("GroupNorm", 2, 6), [G(randn(3, 6))])
    L("GroupNorm", "5d", M("GroupNorm", 3, 6), [G(randn(1, 6, 2, 2, 2))])
    L("GroupNorm", "eval", M("GroupNorm", 2, 4), [G(randn(2, 4, 3))], mode="eval")
    # local response norm
    L("LocalResponseNorm", "even_size_params", M("LocalResponseNorm", 4, alpha=0.01, beta=0.5, k=2.0), [G(randn(2, 6, 3, 3))])
    L("LocalResponseNorm", "3d", M("LocalResponseNorm", 2), [G(randn(2, 5, 4))])
    L("LocalResponseNorm", "5d", M("LocalResponseNorm", 3, alpha=0.1), [G(randn(1, 4, 2, 2, 3))])
    L("LocalResponseNorm", "size1", M("LocalResponseNorm", 1, beta=1.0), [G(randn(2, 3, 4))])
    L("LocalResponseNorm", "size_gt_channels", M("LocalResponseNorm", 7, alpha=0.5, k=1.5), [G(randn(1, 3, 2, 2))])


def dropouts():
    for mod, fd, shape in [("Dropout", 0, (20, 30)), ("Dropout1d", 1, (12, 25, 2)), ("Dropout2d", 2, (12, 25, 1, 2)),
                           ("Dropout3d", 3, (6, 50, 1, 1, 2)), ("AlphaDropout", 0, (20, 30)), ("FeatureAlphaDropout", 2, (12, 25, 1, 2))]:
        check = "alphaDropout" if "Alpha" in mod else "dropout"
        for p in (0.1, 0.7):
            stat_case(mod, f"train_statistical_p{p}", M(mod, p=p), randn(*shape), check, {"p": p, "featureDims": fd})
        L(mod, "eval_default_p", M(mod), [G(randn(2, 3, *[2] * max(fd, 1)))], mode="eval")
        L(mod, "train_p0", M(mod, p=0.0), [G(randn(2, 3, 2, 2) if fd > 1 else randn(2, 3, 4))])
    L("Dropout", "train_p1", M("Dropout", p=1.0), [G(randn(3, 4))])
    L("Dropout2d", "train_p1", M("Dropout2d", p=1.0), [G(randn(2, 3, 2, 2))])
    L("Dropout1d", "train_p1_unbatched", M("Dropout1d", p=1.0), [G(randn(3, 4))])
    stat_case("Dropout1d", "unbatched_statistical", M("Dropout1d", p=0.5), randn(120, 2), "dropout", {"p": 0.5, "featureDims": 1})
    stat_case("Dropout3d", "unbatched_statistical", M("Dropout3d", p=0.4), randn(100, 1, 2, 1), "dropout", {"p": 0.4, "featureDims": 3})
    stat_case("FeatureAlphaDropout", "5d_statistical", M("FeatureAlphaDropout", p=0.5), randn(8, 20, 1, 2, 1), "alphaDropout", {"p": 0.5, "featureDims": 3})
    L("AlphaDropout", "train_p1", M("AlphaDropout", p=1.0), [G(randn(3, 4))])


def convs():
    for nd in (1, 2, 3):
        mod = f"Conv{nd}d"
        sp = {1: (9,), 2: (6, 5), 3: (4, 4, 3)}[nd]
        L(mod, "dilation2", M(mod, 2, 3, 3, dilation=2), [G(randn(2, 2, *[s + 2 for s in sp]))])
        L(mod, "no_bias", M(mod, 3, 2, 2, bias=False), [G(randn(2, 3, *sp))])
        L(mod, "depthwise", M(mod, 3, 6, 3, groups=3, padding=1), [G(randn(2, 3, *sp))])
        L(mod, "unbatched", M(mod, 2, 3, 2, stride=2), [G(randn(2, *sp))])
        for pm in ("zeros", "reflect", "replicate", "circular"):
            L(mod, f"pad2_{pm}", M(mod, 2, 2, 3, padding=2, padding_mode=pm), [G(randn(1, 2, *sp))])
        L(mod, "same_even_kernel", M(mod, 2, 2, 4, padding="same"), [G(randn(2, 2, *sp))])
        L(mod, "same_dilation_replicate", M(mod, 2, 3, 3, padding="same", dilation=2, padding_mode="replicate"), [G(randn(1, 2, *sp))])
        L(mod, "valid_stride3", M(mod, 2, 2, 2, padding="valid", stride=3), [G(randn(2, 2, *sp))])
        L(mod, "kernel1", M(mod, 4, 3, 1), [G(randn(2, 4, *sp))])
        L(mod, "circular_groups_stride", M(mod, 4, 2, 3, padding=1, padding_mode="circular", groups=2, stride=2), [G(randn(1, 4, *sp))])
    L("Conv2d", "tuple_all", M("Conv2d", 2, 4, (2, 3), stride=(2, 1), padding=(0, 2), dilation=(2, 1), groups=2, bias=False), [G(randn(2, 2, 7, 6))])
    L("Conv2d", "reflect_asym_pad", M("Conv2d", 1, 2, 3, padding=(2, 1), padding_mode="reflect"), [G(randn(2, 1, 4, 5))])
    L("Conv2d", "stride_gt_kernel", M("Conv2d", 2, 2, 2, stride=3), [G(randn(1, 2, 8, 7))])
    L("Conv2d", "output_1x1", M("Conv2d", 3, 2, (4, 3)), [G(randn(2, 3, 4, 3))])
    L("Conv1d", "batch1_len_eq_kernel", M("Conv1d", 3, 5, 4), [G(randn(1, 3, 4))])
    L("Conv3d", "asym", M("Conv3d", 2, 2, (1, 2, 3), stride=(1, 2, 1), padding=(0, 1, 1)), [G(randn(1, 2, 3, 4, 5))])
    # transposed
    for nd in (1, 2, 3):
        mod = f"ConvTranspose{nd}d"
        sp = {1: (5,), 2: (3, 4), 3: (2, 3, 2)}[nd]
        L(mod, "dilation2", M(mod, 2, 3, 3, dilation=2), [G(randn(2, 2, *sp))])
        L(mod, "groups_no_bias", M(mod, 4, 6, 3, groups=2, bias=False), [G(randn(2, 4, *sp))])
        L(mod, "depthwise_stride2", M(mod, 3, 3, 2, groups=3, stride=2), [G(randn(1, 3, *sp))])
        L(mod, "unbatched", M(mod, 2, 3, 3, stride=2, padding=1), [G(randn(2, *sp))])
        L(mod, "outpad_dilation", M(mod, 2, 2, 3, stride=3, padding=2, output_padding=2, dilation=2), [G(randn(1, 2, *sp))])
        full = [2 * s for s in sp]
        L(mod, "output_size", M(mod, 2, 3, 3, stride=2, padding=1), [G(randn(1, 2, *sp)), full])
        L(mod, "output_size_full", M(mod, 2, 2, 3, stride=2), [G(randn(2, 2, *sp)), [2, 2] + [2 * s + 2 for s in sp]])
        L(mod, "unbatched_output_size", M(mod, 2, 1, 2, stride=2), [G(randn(2, *sp)), [2 * s + 1 for s in sp]])
        L(mod, "kernel1_stride1", M(mod, 3, 2, 1), [G(randn(2, 3, *sp))])
    L("ConvTranspose2d", "tuple_all", M("ConvTranspose2d", 2, 4, (3, 2), stride=(2, 3), padding=(1, 0), output_padding=(1, 2), groups=2, dilation=(1, 2)), [G(randn(2, 2, 3, 3))])


def pools():
    for nd in (1, 2, 3):
        sp = {1: (9,), 2: (7, 6), 3: (5, 4, 5)}[nd]
        mp, ap = f"MaxPool{nd}d", f"AvgPool{nd}d"
        L(mp, "dilation", M(mp, 2, stride=1, dilation=2), [G(randn(2, 2, *sp))])
        L(mp, "ceil_mode", M(mp, 2, stride=2, ceil_mode=True), [G(randn(2, 2, *sp))])
        L(mp, "ceil_pad_idx", M(mp, 3, stride=2, padding=1, ceil_mode=True, return_indices=True), [G(randn(1, 2, *sp))])
        L(mp, "unbatched_idx", M(mp, 2, return_indices=True), [G(randn(2, *sp))])
        L(mp, "stride1_pad1", M(mp, 3, stride=1, padding=1), [G(randn(1, 2, *sp))])
        L(mp, "ties_relu", M(mp, 2, stride=1), [G(torch.relu(randn(1, 2, *sp)).round())])
        L(mp, "dilation_pad_idx", M(mp, 2, stride=2, padding=1, dilation=2, return_indices=True), [G(randn(1, 1, *sp))])
        L(ap, "ceil_mode", M(ap, 2, stride=2, ceil_mode=True), [G(randn(2, 2, *sp))])
        L(ap, "ceil_pad", M(ap, 3, stride=2, padding=1, ceil_mode=True), [G(randn(1, 2, *sp))])
        L(ap, "ceil_pad_exclude", M(ap, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), [G(randn(1, 2, *sp))])
        L(ap, "unbatched", M(ap, 2), [G(randn(2, *sp))])
        L(ap, "stride1_pad1", M(ap, 3, stride=1, padding=1), [G(randn(1, 2, *sp))])
        if nd > 1:
            L(ap, "divisor_override_pad", M(ap, 3, stride=2, padding=1, divisor_override=2), [G(randn(1, 2, *sp))])
            L(ap, "divisor_ceil_exclude", M(ap, 2, stride=2, ceil_mode=True, count_include_pad=False, divisor_override=5), [G(randn(1, 1, *sp))])
    L("MaxPool2d", "tuple_all", M("MaxPool2d", (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2), return_indices=True), [G(randn(2, 2, 7, 6))])
    L("AvgPool2d", "tuple_all", M("AvgPool2d", (3, 2), stride=(2, 1), padding=(1, 1), count_include_pad=False), [G(randn(2, 2, 7, 6))])
    L("MaxPool1d", "kernel_eq_len", M("MaxPool1d", 5), [G(randn(2, 3, 5))])
    L("AvgPool1d", "kernel_eq_len", M("AvgPool1d", 5), [G(randn(2, 3, 5))])
    # adaptive
    for nd in (1, 2, 3):
        sp = {1: (7,), 2: (7, 5), 3: (5, 4, 3)}[nd]
        for kind in ("Avg", "Max"):
            mod = f"Adaptive{kind}Pool{nd}d"
            L(mod, "unbatched", M(mod, 2), [G(randn(2, *sp))])
            L(mod, "upsample", M(mod, [s + 2 for s in sp] if nd > 1 else sp[0] + 3), [G(randn(1, 2, *sp))])
            L(mod, "out1", M(mod, 1), [G(randn(2, 2, *sp))])
            L(mod, "identity_size", M(mod, list(sp) if nd > 1 else sp[0]), [G(randn(1, 2, *sp))])
            if nd > 1:
                L(mod, "none_entry", M(mod, [None, 2] if nd == 2 else [2, None, 2]), [G(randn(1, 2, *sp))])
            if kind == "Max":
                L(mod, "idx_unbatched_odd", M(mod, 3, return_indices=True), [G(randn(2, *sp))])
                L(mod, "idx_upsample", M(mod, sp[0] + 2, return_indices=True), [G(randn(1, 1, *sp))])
    # lp pools
    L("LPPool1d", "p3_positive", M("LPPool1d", 3, 2), [G(rand(2, 3, 8, lo=0.1, hi=2.0))])
    L("LPPool1d", "ceil_mode", M("LPPool1d", 2, 3, stride=2, ceil_mode=True), [G(randn(2, 2, 8))])
    L("LPPool1d", "unbatched", M("LPPool1d", 2, 2), [G(randn(3, 6))])
    L("LPPool1d", "p1.5_positive", M("LPPool1d", 1.5, 3, stride=1), [G(rand(1, 2, 6, lo=0.1, hi=2.0))])
    L("LPPool2d", "p3_positive", M("LPPool2d", 3, 2), [G(rand(1, 2, 4, 6, lo=0.1, hi=2.0))])
    L("LPPool2d", "ceil_mode", M("LPPool2d", 2, (2, 3), stride=2, ceil_mode=True), [G(randn(1, 2, 5, 7))])
    L("LPPool2d", "unbatched", M("LPPool2d", 2, 2, stride=1), [G(randn(2, 4, 4))])
    L("LPPool2d", "p1", M("LPPool2d", 1, 2), [G(randn(2, 2, 4, 4))])
    # unpool
    for nd in (1, 2, 3):
        mod, pool = f"MaxUnpool{nd}d", getattr(F, f"max_pool{nd}d")
        sp = {1: (8,), 2: (6, 5), 3: (4, 4, 5)}[nd]
        x = randn(2, 2, *sp)
        y, idx = pool(randn(2, 2, *[s + s % 2 + 1 for s in sp]), 3, stride=2, padding=1, return_indices=True)
        L(mod, "stride_pad", M(mod, 3, stride=2, padding=1), [G(y), C(idx)])
        y, idx = pool(x, 2, stride=2, return_indices=True)
        L(mod, "output_size", M(mod, 2), [G(y), C(idx), list(sp)])
        y, idx = pool(x, 3, stride=2, padding=1, return_indices=True)
        L(mod, "stride_pad_output_size", M(mod, 3, stride=2, padding=1), [G(y), C(idx), [2, 2] + list(sp)])
        xu = randn(2, *[s - s % 2 for s in sp])
        y, idx = pool(xu, 2, return_indices=True)
        L(mod, "unbatched", M(mod, 2), [G(y), C(idx)])
        y, idx = pool(randn(1, 2, *sp), 2, stride=1, return_indices=True)
        L(mod, "overlapping_stride1", M(mod, 2, stride=1), [G(y), C(idx)])
    # fractional
    stat_case("FractionalMaxPool2d", "ratio_tuple_idx", M("FractionalMaxPool2d", 3, output_ratio=(0.5, 0.7), return_indices=True), randn(2, 2, 9, 10), "fractionalMaxPool", {"kernelSize": [3, 3]})
    stat_case("FractionalMaxPool2d", "unbatched_size", M("FractionalMaxPool2d", (2, 3), output_size=4), randn(3, 8, 9), "fractionalMaxPool", {"kernelSize": [2, 3]})
    L("FractionalMaxPool2d", "deterministic_idx", M("FractionalMaxPool2d", (2, 3), output_size=(5, 4), return_indices=True), [G(randn(2, 2, 6, 6))])
    L("FractionalMaxPool2d", "deterministic_unbatched", M("FractionalMaxPool2d", 2, output_size=3), [G(randn(2, 4, 4))])
    stat_case("FractionalMaxPool3d", "ratio_idx", M("FractionalMaxPool3d", 2, output_ratio=0.5, return_indices=True), randn(1, 2, 6, 6, 8), "fractionalMaxPool", {"kernelSize": [2, 2, 2]})
    stat_case("FractionalMaxPool3d", "unbatched", M("FractionalMaxPool3d", (2, 1, 2), output_size=(2, 3, 3)), randn(2, 5, 6, 6), "fractionalMaxPool", {"kernelSize": [2, 1, 2]})
    stat_case("FractionalMaxPool3d", "size_idx", M("FractionalMaxPool3d", 2, output_size=(2, 3, 2), return_indices=True), randn(1, 2, 4, 5, 4), "fractionalMaxPool", {"kernelSize": [2, 2, 2]})


def pads():
    for nd in (1, 2, 3):
        sp = {1: (5,), 2: (4, 5), 3: (3, 4, 3)}[nd]
        n = 2 * nd
        asym = [1, 2, 0, 1, 2, 0][:n]
        neg = [-1, 2, 1, -1, 0, 1][:n]
        cp = f"ConstantPad{nd}d"
        L(cp, "tuple_value", M(cp, asym, -1.5), [G(randn(2, 2, *sp))])
        L(cp, "negative_crop", M(cp, neg, 2.0), [G(randn(1, 2, *sp))])
        L(cp, "unbatched", M(cp, 1, 0.0), [G(randn(2, *sp))])
        L(cp, "zero_pad", M(cp, 0, 1.0), [G(randn(1, 1, *sp))])
        for kind in ("Reflection", "Replication"):
            mod = f"{kind}Pad{nd}d"
            L(mod, "asym_tuple", M(mod, asym), [G(randn(2, 2, *sp))])
            L(mod, "unbatched", M(mod, 1), [G(randn(2, *sp))])
            L(mod, "max_pad", M(mod, [s - 1 for s in reversed(sp) for _ in range(2)] if kind == "Reflection" else 3), [G(randn(1, 1, *sp))])
    L("ZeroPad2d", "negative_crop", M("ZeroPad2d", [-1, 1, 2, -2]), [G(randn(1, 2, 4, 5))])
    L("ZeroPad2d", "unbatched", M("ZeroPad2d", [0, 2, 1, 0]), [G(randn(2, 3, 3))])
    L("ZeroPad2d", "int_3d", M("ZeroPad2d", 2), [G(randn(3, 2, 2))])
    L("ReplicationPad1d", "size1_input", M("ReplicationPad1d", 2), [G(randn(2, 2, 1))])


def shuffles():
    L("PixelShuffle", "unbatched", M("PixelShuffle", 2), [G(randn(4, 2, 3))])
    L("PixelShuffle", "5d", M("PixelShuffle", 2), [G(randn(2, 2, 8, 2, 2))])
    L("PixelShuffle", "r1", M("PixelShuffle", 1), [G(randn(1, 3, 2, 2))])
    L("PixelUnshuffle", "unbatched", M("PixelUnshuffle", 2), [G(randn(2, 4, 6))])
    L("PixelUnshuffle", "r3", M("PixelUnshuffle", 3), [G(randn(1, 1, 6, 3))])
    L("PixelUnshuffle", "5d", M("PixelUnshuffle", 2), [G(randn(2, 1, 2, 4, 2))])
    # PyTorch 1.13 has no channel_shuffle derivative: the same permutation written with views
    for name, g, shape in [("g3", 3, (2, 6, 2, 2)), ("3d", 2, (2, 4, 3)), ("5d", 2, (1, 6, 2, 1, 2)), ("g1", 1, (2, 3, 2, 2)), ("g_eq_channels", 4, (1, 4, 2, 3))]:
        L("ChannelShuffle", name, M("ChannelShuffle", g), [G(randn(*shape))], impl=lambda g=g: ShuffleByViews(g))
    # fold / unfold
    L("Unfold", "dilation_padding_stride", M("Unfold", (2, 3), dilation=(2, 1), padding=1, stride=(1, 2)), [G(randn(2, 2, 5, 6))])
    L("Unfold", "unbatched", M("Unfold", 2, stride=2), [G(randn(3, 4, 4))])
    L("Unfold", "kernel_eq_input", M("Unfold", (3, 4)), [G(randn(1, 2, 3, 4))])
    L("Unfold", "stride_tuple", M("Unfold", 3, stride=(2, 1), padding=(1, 0)), [G(randn(2, 1, 5, 4))])
    L("Fold", "stride_padding", M("Fold", (5, 4), 2, padding=1, stride=2), [G(randn(2, 12, 9))])
    L("Fold", "dilation", M("Fold", (5, 5), (2, 2), dilation=2), [G(randn(1, 8, 9))])
    L("Fold", "unbatched", M("Fold", (3, 4), 2), [G(randn(8, 6))])
    L("Fold", "stride_tuple_overlap", M("Fold", (4, 5), (2, 3), stride=(1, 2)), [G(randn(2, 6, 6))])
    L("Fold", "kernel1", M("Fold", (2, 3), 1), [G(randn(1, 3, 6))])


def distances():
    L("CosineSimilarity", "dim0", M("CosineSimilarity", dim=0), [G(randn(4, 3)), G(randn(4, 3))])
    L("CosineSimilarity", "broadcast", M("CosineSimilarity", dim=-1), [G(randn(3, 1, 4)), G(randn(2, 4))])
    L("CosineSimilarity", "1d", M("CosineSimilarity", dim=0), [G(randn(5)), G(randn(5))])
    L("CosineSimilarity", "eps_small_norms", M("CosineSimilarity", eps=0.5), [G(randn(3, 4, scale=0.1)), G(randn(3, 4))])
    L("CosineSimilarity", "zero_vector", M("CosineSimilarity"), [G(torch.cat([torch.zeros(1, 3), randn(2, 3)])), G(randn(3, 3))])
    L("CosineSimilarity", "3d_dim1", M("CosineSimilarity"), [G(randn(2, 3, 2)), G(randn(2, 3, 2))])
    L("PairwiseDistance", "p_inf", M("PairwiseDistance", p=float("inf")), [G(randn(3, 4)), G(randn(3, 4))])
    L("PairwiseDistance", "p3_keepdim", M("PairwiseDistance", p=3.0, keepdim=True), [G(randn(3, 4)), G(randn(3, 4))])
    L("PairwiseDistance", "1d", M("PairwiseDistance"), [G(randn(5)), G(randn(5))])
    L("PairwiseDistance", "broadcast_eps", M("PairwiseDistance", eps=0.1), [G(randn(3, 4)), G(randn(4))])
    L("PairwiseDistance", "p0.5", M("PairwiseDistance", p=0.5), [G(randn(2, 3)), G(randn(2, 3))])
    L("PairwiseDistance", "equal_inputs", M("PairwiseDistance"), [G(torch.ones(2, 3)), G(torch.ones(2, 3))])


def embeddings():
    idx = lambda *s, n=10: C(torch.randint(0, n, s))  # noqa: E731
    L("Embedding", "padding_idx_neg", M("Embedding", 6, 3, padding_idx=-1), [C(torch.tensor([[5, 1, 5], [0, 2, 3]]))])
    L("Embedding", "max_norm_p1", M("Embedding", 6, 4, max_norm=1.5, norm_type=1.0), [C(torch.tensor([1, 3, 3, 5]))])
    L("Embedding", "max_norm_padding", M("Embedding", 5, 3, max_norm=0.8, padding_idx=0), [C(torch.tensor([[0, 1], [2, 0]]))])
    L("Embedding", "scale_grad_by_freq", M("Embedding", 6, 3, scale_grad_by_freq=True), [C(torch.tensor([[1, 1, 2], [1, 4, 2]]))])
    L("Embedding", "sparse", M("Embedding", 7, 2, sparse=True), [idx(2, 3, n=7)])
    L("Embedding", "scalar_index", M("Embedding", 4, 3), [C(torch.tensor(2))])
    L("Embedding", "3d_indices", M("Embedding", 5, 2), [idx(2, 2, 2, n=5)])
    L("Embedding", "1d_indices", M("Embedding", 8, 3), [idx(5, n=8)])
    L("Embedding", "max_norm_scale_freq", M("Embedding", 6, 3, max_norm=1.0, scale_grad_by_freq=True), [C(torch.tensor([2, 2, 4, 0]))])
    L("Embedding", "padding_scale_freq", M("Embedding", 6, 3, padding_idx=2, scale_grad_by_freq=True), [C(torch.tensor([2, 2, 4, 4, 4, 1]))])
    # EmbeddingBag
    EB = "EmbeddingBag"
    L(EB, "mean_offsets", M(EB, 10, 3), [idx(7), C(torch.tensor([0, 2, 5]))])
    L(EB, "sum_2d", M(EB, 10, 3, mode="sum"), [idx(2, 4)])
    L(EB, "max_2d", M(EB, 10, 3, mode="max"), [idx(3, 3)])
    L(EB, "include_last_offset_sum", M(EB, 8, 2, mode="sum", include_last_offset=True), [idx(6, n=8), C(torch.tensor([0, 2, 3, 6]))])
    L(EB, "include_last_offset_mean", M(EB, 8, 2, include_last_offset=True), [idx(6, n=8), C(torch.tensor([0, 1, 4, 6]))])
    L(EB, "include_last_offset_max", M(EB, 8, 2, mode="max", include_last_offset=True), [idx(5, n=8), C(torch.tensor([0, 3, 5]))])
    L(EB, "empty_bag_sum", M(EB, 6, 3, mode="sum"), [idx(4, n=6), C(torch.tensor([0, 2, 2]))])
    L(EB, "empty_bag_mean", M(EB, 6, 3), [idx(4, n=6), C(torch.tensor([0, 0, 3]))])
    L(EB, "empty_bag_max", M(EB, 6, 3, mode="max"), [idx(4, n=6), C(torch.tensor([0, 2, 2]))])
    L(EB, "per_sample_weights_2d", M(EB, 6, 3, mode="sum"), [idx(2, 3, n=6), None, G(randn(2, 3))])
    L(EB, "per_sample_weights_last_offset", M(EB, 6, 2, mode="sum", include_last_offset=True), [idx(5, n=6), C(torch.tensor([0, 2, 5])), G(randn(5))])
    L(EB, "padding_idx_sum", M(EB, 6, 3, mode="sum", padding_idx=0), [C(torch.tensor([0, 1, 0, 2, 3, 0])), C(torch.tensor([0, 3]))])
    L(EB, "padding_idx_mean", M(EB, 6, 3, padding_idx=1), [C(torch.tensor([[1, 2, 3], [1, 1, 4]]))])
    L(EB, "padding_idx_max", M(EB, 6, 3, mode="max", padding_idx=2), [C(torch.tensor([[2, 0, 3], [5, 2, 4]]))])
    L(EB, "max_norm_sum", M(EB, 6, 3, mode="sum", max_norm=1.0), [C(torch.tensor([1, 2, 2, 4])), C(torch.tensor([0, 2]))])
    # equal multiplicities only: PyTorch 1.13's CPU backward scales the k-th distinct index by the
    # count at sorted position k, which is the true count only when all counts agree
    L(EB, "scale_grad_by_freq", M(EB, 6, 3, mode="sum", scale_grad_by_freq=True), [C(torch.tensor([1, 3, 1, 3])), C(torch.tensor([0, 3]))])
    L(EB, "scale_grad_by_freq_mean_2d", M(EB, 6, 2, scale_grad_by_freq=True), [C(torch.tensor([[4, 2, 2], [4, 0, 0]]))])
    L(EB, "sparse_mean", M(EB, 6, 2, sparse=True), [idx(2, 3, n=6)])
    L(EB, "repeated_index_max", M(EB, 5, 3, mode="max"), [C(torch.tensor([1, 1, 3, 3])), C(torch.tensor([0, 2]))])


def upsample():
    U = "Upsample"
    L(U, "nearest_scale1.5", M(U, scale_factor=1.5), [G(randn(1, 2, 4, 3))])
    L(U, "nearest_scale_tuple", M(U, scale_factor=(2.0, 3.0)), [G(randn(1, 1, 2, 3))])
    L(U, "nearest_downscale", M(U, size=(2, 3)), [G(randn(1, 2, 5, 7))])
    L(U, "nearest_3d_scale", M(U, scale_factor=2), [G(randn(1, 1, 2, 2, 3))])
    L(U, "nearest_recompute", M(U, scale_factor=1.7, recompute_scale_factor=True), [G(randn(1, 1, 3, 4))])
    L(U, "nearest_exact_size", M(U, size=7, mode="nearest-exact"), [G(randn(2, 2, 5))])
    L(U, "nearest_exact_scale", M(U, scale_factor=0.5, mode="nearest-exact"), [G(randn(1, 1, 6, 5))])
    L(U, "linear_align", M(U, size=9, mode="linear", align_corners=True), [G(randn(2, 1, 4))])
    L(U, "linear_down", M(U, size=3, mode="linear"), [G(randn(1, 2, 8))])
    L(U, "linear_scale_recompute", M(U, scale_factor=2.5, mode="linear", recompute_scale_factor=True), [G(randn(1, 1, 3))])
    L(U, "bilinear_scale1.5", M(U, scale_factor=1.5, mode="bilinear"), [G(randn(1, 2, 3, 4))])
    L(U, "bilinear_align_size", M(U, size=(4, 6), mode="bilinear", align_corners=True), [G(randn(2, 1, 3, 3))])
    L(U, "bilinear_down", M(U, size=(2, 3), mode="bilinear"), [G(randn(1, 1, 5, 7))])
    L(U, "bilinear_scale_tuple_recompute", M(U, scale_factor=(1.5, 0.5), mode="bilinear", recompute_scale_factor=True), [G(randn(1, 1, 4, 6))])
    L(U, "bicubic_align", M(U, size=(5, 4), mode="bicubic", align_corners=True), [G(randn(1, 2, 3, 3))])
    L(U, "bicubic_down", M(U, size=(3, 2), mode="bicubic"), [G(randn(1, 1, 6, 5))])
    L(U, "bicubic_scale1.5", M(U, scale_factor=1.5, mode="bicubic"), [G(randn(1, 1, 4, 4))])
    L(U, "trilinear_align_scale", M(U, scale_factor=2, mode="trilinear", align_corners=True), [G(randn(1, 1, 2, 3, 2))])
    L(U, "trilinear_scale_tuple", M(U, scale_factor=(1.0, 1.5, 2.0), mode="trilinear"), [G(randn(1, 2, 2, 2, 2))])
    L(U, "bilinear_size1_align", M(U, size=(1, 3), mode="bilinear", align_corners=True), [G(randn(1, 1, 3, 4))])
    L(U, "linear_from_size1", M(U, size=4, mode="linear"), [G(randn(1, 2, 1))])
    L("UpsamplingBilinear2d", "size", M("UpsamplingBilinear2d", size=(5, 3)), [G(randn(1, 2, 3, 2))])
    L("UpsamplingBilinear2d", "scale3", M("UpsamplingBilinear2d", scale_factor=3), [G(randn(1, 1, 2, 2))])
    L("UpsamplingBilinear2d", "scale_tuple", M("UpsamplingBilinear2d", scale_factor=(2, 1)), [G(randn(2, 1, 2, 3))])
    L("UpsamplingNearest2d", "size", M("UpsamplingNearest2d", size=(5, 7)), [G(randn(1, 2, 3, 2))])
    L("UpsamplingNearest2d", "scale3", M("UpsamplingNearest2d", scale_factor=3), [G(randn(1, 1, 2, 2))])
    L("UpsamplingNearest2d", "size_int_down", M("UpsamplingNearest2d", size=2), [G(randn(1, 1, 5, 3))])


def containers():
    lin = lambda i, o, **k: M("Linear", i, o, **k)  # noqa: E731
    L("Sequential", "single", M("Sequential", lin(3, 2)), [G(randn(4, 3))])
    L("Sequential", "bn_eval", M("Sequential", lin(3, 4), M("BatchNorm1d", 4), M("ReLU"), lin(4, 2)), [G(randn(5, 3))], mode="eval")
    L("Sequential", "bn_train", M("Sequential", M("Conv1d", 2, 3, 3, bias=False), M("BatchNorm1d", 3), M("GELU")), [G(randn(3, 2, 6))])
    L("Sequential", "dropout0_layernorm", M("Sequential", lin(4, 4), M("Dropout", 0.0), M("LayerNorm", 4), M("Tanh")), [G(randn(2, 4))])
    L("Sequential", "deep_nested", M("Sequential", M("Sequential", M("Sequential", lin(2, 3)), M("Sigmoid")), lin(3, 1)), [G(randn(3, 2))])
    L("Sequential", "pool_flatten", M("Sequential", M("Conv2d", 1, 2, 3, padding=1), M("MaxPool2d", 2), M("Flatten"), lin(8, 3)), [G(randn(2, 1, 4, 4))])
    state_case("ModuleList", "batchnorm_buffers", M("ModuleList", [M("BatchNorm1d", 3), lin(3, 2)]))
    state_case("ModuleList", "empty", M("ModuleList", []))
    state_case("ModuleList", "no_bias_and_conv", M("ModuleList", [lin(2, 3, bias=False), M("Conv1d", 3, 2, 2), M("LayerNorm", 2)]))
    state_case("ModuleDict", "nested", M("ModuleDict", {"enc": M("Sequential", lin(3, 4), M("ReLU")), "heads": M("ModuleList", [lin(4, 2), lin(4, 1)])}))
    state_case("ModuleDict", "bn_first", M("ModuleDict", {"bn": M("BatchNorm2d", 2), "conv": M("Conv2d", 2, 2, 1)}))
    state_case("ModuleDict", "rnn", M("ModuleDict", {"rnn": M("LSTM", 3, 4, num_layers=2), "out": lin(4, 2)}))
    state_case("ModuleDict", "buffers_only", M("ModuleDict", {"bn": M("BatchNorm1d", 3, affine=False), "inorm": M("InstanceNorm1d", 2, track_running_stats=True)}))
    state_case("ModuleList", "parameterless", M("ModuleList", [M("ReLU"), M("Dropout", p=0.2)]))
    state_case("ParameterDict", "unsorted_keys", M("ParameterDict", {"zeta": P(randn(2)), "alpha": P(randn(1, 2)), "mid": P(randn(3))}))
    seed_for("layers/ParameterList/x")
    state_case("ParameterList", "scalar_and_4d", M("ParameterList", [P(randn()), P(randn(1, 2, 2, 1)), P(randn(3))]))
    state_case("ParameterList", "single", M("ParameterList", [P(randn(4, 2))]))
    state_case("ParameterDict", "three", M("ParameterDict", {"w": P(randn(2, 3)), "b": P(randn(3)), "scale": P(randn())}))
    state_case("ParameterDict", "single", M("ParameterDict", {"gamma": P(randn(5))}))


def generate():
    activations()
    softmaxes()
    linear()
    flatten()
    norms()
    dropouts()
    convs()
    pools()
    pads()
    shuffles()
    distances()
    embeddings()
    upsample()
    containers()
    empties()
    eval_stochastic()
    tuple_forms_and_sizes()
    more_resampling()
    explicit_none()


def empties():
    """Zero-size batches and sequences, where PyTorch accepts them."""
    L("Linear", "empty_batch", M("Linear", 3, 2), [G(randn(0, 3))])
    L("Linear", "empty_inner_dim", M("Linear", 0, 2), [G(randn(4, 0))])
    L("ReLU", "empty", M("ReLU"), [G(randn(0, 3))])
    L("Softmax", "empty_batch", M("Softmax", dim=1), [G(randn(0, 4))])
    L("LayerNorm", "empty_batch", M("LayerNorm", 4), [G(randn(0, 4))])
    L("Conv2d", "empty_batch", M("Conv2d", 2, 3, 3, padding=1), [G(randn(0, 2, 4, 4))])
    L("Conv1d", "empty_batch_groups", M("Conv1d", 4, 2, 2, groups=2), [G(randn(0, 4, 5))])
    L("ConvTranspose2d", "empty_batch", M("ConvTranspose2d", 2, 3, 3, stride=2), [G(randn(0, 2, 3, 3))])
    L("MaxPool2d", "empty_batch", M("MaxPool2d", 2), [G(randn(0, 2, 4, 4))])
    L("AvgPool1d", "empty_batch", M("AvgPool1d", 2), [G(randn(0, 3, 4))])
    L("AdaptiveAvgPool2d", "empty_batch", M("AdaptiveAvgPool2d", 2), [G(randn(0, 2, 5, 5))])
    L("Embedding", "empty_indices", M("Embedding", 5, 3), [C(torch.zeros(0, dtype=torch.long))])
    L("Embedding", "empty_2d_indices", M("Embedding", 5, 3), [C(torch.zeros(2, 0, dtype=torch.long))])
    L("Flatten", "empty", M("Flatten"), [G(randn(0, 2, 3))])
    L("GELU", "empty", M("GELU"), [G(randn(2, 0))])
    L("Upsample", "empty_batch", M("Upsample", scale_factor=2, mode="bilinear"), [G(randn(0, 1, 2, 2))])
    L("Bilinear", "empty_batch", M("Bilinear", 2, 3, 2), [G(randn(0, 2)), G(randn(0, 3))])
    L("GroupNorm", "empty_batch", M("GroupNorm", 2, 4), [G(randn(0, 4, 3))])
    L("Sequential", "empty_batch", M("Sequential", M("Linear", 3, 4), M("Tanh"), M("Linear", 4, 1)), [G(randn(0, 3))])


def eval_stochastic():
    """Eval mode makes dropout-bearing modules deterministic."""
    L("Sequential", "eval_dropouts", M("Sequential", M("Linear", 4, 6), M("Dropout", p=0.5), M("ReLU"), M("AlphaDropout", p=0.3), M("Linear", 6, 2)), [G(randn(3, 4))], mode="eval")
    L("BatchNorm1d", "momentum0", M("BatchNorm1d", 3, momentum=0.0), [G(randn(4, 3))])
    L("BatchNorm2d", "momentum1", M("BatchNorm2d", 2, momentum=1.0), [G(randn(2, 2, 2, 2))])
    L("InstanceNorm1d", "track_eval_unbatched", M("InstanceNorm1d", 3, track_running_stats=True), [G(randn(3, 5))], mode="eval")
    L("InstanceNorm2d", "track_train_unbatched", M("InstanceNorm2d", 2, track_running_stats=True, affine=True), [G(randn(2, 3, 3))])
    L("Upsample", "area_size", M("Upsample", size=(2, 3), mode="area"), [G(randn(1, 2, 5, 7))])
    L("Upsample", "area_scale_1d", M("Upsample", scale_factor=0.5, mode="area"), [G(randn(1, 2, 8))])
    L("EmbeddingBag", "psw_padding_idx", M("EmbeddingBag", 6, 3, mode="sum", padding_idx=0), [C(torch.tensor([0, 2, 3, 0, 1])), C(torch.tensor([0, 2])), G(randn(5))])
    L("EmbeddingBag", "max_norm_mean_2d", M("EmbeddingBag", 5, 3, max_norm=0.7), [C(torch.tensor([[1, 1, 4], [2, 0, 4]]))])
    L("Embedding", "max_norm_inf", M("Embedding", 5, 3, max_norm=0.5, norm_type=float("inf")), [C(torch.tensor([1, 2, 2]))])
    L("ConvTranspose2d", "output_size_groups_dilation", M("ConvTranspose2d", 4, 2, 3, stride=2, groups=2, dilation=2, bias=False), [G(randn(1, 4, 3, 2)), [10, 8]])
    L("Unflatten", "neg_dim_1d", M("Unflatten", -1, [2, 3]), [G(randn(6))])
    L("Softmax", "dim_none_1d", M("Softmax"), [G(randn(5))])
    L("LogSoftmax", "dim_none_4d", M("LogSoftmax"), [G(randn(2, 3, 2, 2))])


def tuple_forms_and_sizes():
    """Size arguments spelled as 1-tuples, and medium sizes that take other kernel paths."""
    L("Conv1d", "tuple_args", M("Conv1d", 2, 3, (3,), stride=(2,), padding=(1,), dilation=(1,)), [G(randn(2, 2, 9))])
    L("MaxPool1d", "tuple_args", M("MaxPool1d", (3,), stride=(2,), padding=(1,)), [G(randn(2, 2, 9))])
    L("AvgPool1d", "tuple_args", M("AvgPool1d", (3,), stride=(2,), padding=(1,)), [G(randn(2, 2, 9))])
    L("AdaptiveAvgPool1d", "tuple_size", M("AdaptiveAvgPool1d", (3,)), [G(randn(2, 2, 7))])
    L("AdaptiveMaxPool1d", "tuple_size_idx", M("AdaptiveMaxPool1d", (3,), return_indices=True), [G(randn(2, 2, 7))])
    L("ConvTranspose1d", "tuple_args", M("ConvTranspose1d", 2, 3, (3,), stride=(2,), padding=(1,), output_padding=(1,)), [G(randn(2, 2, 4))])
    L("LayerNorm", "tuple_shape", M("LayerNorm", (4,)), [G(randn(3, 4))])
    L("Upsample", "size_tuple_1d", M("Upsample", size=(6,), mode="linear"), [G(randn(1, 2, 4))])
    L("PairwiseDistance", "p0", M("PairwiseDistance", p=0.0), [G(randn(3, 4)), G(randn(3, 4))])
    L("CosineSimilarity", "dim-2_broadcast", M("CosineSimilarity", dim=-2), [G(randn(2, 4, 3)), G(randn(4, 1))])
    L("AdaptiveMaxPool2d", "ties", M("AdaptiveMaxPool2d", 2, return_indices=True), [G(torch.relu(randn(1, 2, 5, 4)).round())])
    L("MaxPool1d", "ties_padding_idx", M("MaxPool1d", 3, stride=1, padding=1, return_indices=True), [G(torch.relu(randn(2, 2, 6)).round())])
    L("Softplus", "negative_beta", M("Softplus", beta=-1.0, threshold=3.0), [G(with_specials((2, 5), [-4.0, 4.0, 0.0]))])
    L("LeakyReLU", "slope_gt1", M("LeakyReLU", negative_slope=2.5), [G(randn(3, 4))])
    L("ELU", "alpha0", M("ELU", alpha=0.0), [G(randn(3, 4))])
    L("Bilinear", "4d", M("Bilinear", 2, 3, 2), [G(randn(2, 2, 2, 2)), G(randn(2, 2, 2, 3))])
    # medium sizes
    L("Linear", "medium", M("Linear", 32, 24), [G(randn(12, 32))])
    L("Conv2d", "medium", M("Conv2d", 6, 8, 3, padding=1), [G(randn(2, 6, 9, 9))])
    L("Conv2d", "medium_stride_groups", M("Conv2d", 8, 8, 3, stride=2, groups=4), [G(randn(2, 8, 9, 9))])
    L("ConvTranspose2d", "medium", M("ConvTranspose2d", 6, 4, 4, stride=2, padding=1), [G(randn(2, 6, 5, 5))])
    L("Conv1d", "medium", M("Conv1d", 12, 12, 5, padding=2), [G(randn(3, 12, 16))])
    L("BatchNorm2d", "medium", M("BatchNorm2d", 12), [G(randn(3, 12, 4, 4))])
    L("LayerNorm", "medium", M("LayerNorm", 80), [G(randn(8, 80))])
    L("Softmax", "medium_rows", M("Softmax", dim=-1), [G(randn(6, 130))])
    L("LogSoftmax", "medium_dim0", M("LogSoftmax", dim=0), [G(randn(70, 5))])
    L("MaxPool2d", "medium", M("MaxPool2d", 3, stride=2, padding=1), [G(randn(2, 6, 11, 11))])
    L("Embedding", "medium", M("Embedding", 150, 8), [C(torch.randint(0, 150, (6, 12)))])
    L("GELU", "medium", M("GELU"), [G(randn(20, 40))])


def more_resampling():
    U = "Upsample"
    L(U, "nearest_scale0.5", M(U, scale_factor=0.5), [G(randn(1, 2, 6, 5))])
    L(U, "nearest_scale0.7_1d", M(U, scale_factor=0.7), [G(randn(1, 2, 9))])
    L(U, "nearest_exact_3d_scale", M(U, scale_factor=1.5, mode="nearest-exact"), [G(randn(1, 1, 2, 3, 2))])
    L(U, "bicubic_align_scale", M(U, scale_factor=1.5, mode="bicubic", align_corners=True), [G(randn(1, 1, 3, 4))])
    L(U, "bicubic_scale_tuple_recompute", M(U, scale_factor=(1.5, 2.5), mode="bicubic", recompute_scale_factor=True), [G(randn(1, 1, 3, 3))])
    L(U, "bilinear_align_scale1.5", M(U, scale_factor=1.5, mode="bilinear", align_corners=True), [G(randn(1, 2, 3, 4))])
    L(U, "trilinear_recompute", M(U, scale_factor=1.3, mode="trilinear", recompute_scale_factor=True), [G(randn(1, 1, 3, 3, 2))])
    L(U, "linear_scale0.6", M(U, scale_factor=0.6, mode="linear"), [G(randn(2, 1, 7))])
    L(U, "bilinear_recompute_false", M(U, scale_factor=1.7, mode="bilinear", recompute_scale_factor=False), [G(randn(1, 1, 3, 3))])
    L("UpsamplingNearest2d", "scale1.5", M("UpsamplingNearest2d", scale_factor=1.5), [G(randn(1, 1, 3, 4))])
    L("UpsamplingBilinear2d", "scale1.5", M("UpsamplingBilinear2d", scale_factor=1.5), [G(randn(1, 1, 3, 4))])
    for pm in ("reflect", "circular", "replicate"):
        L("Conv2d", f"same_even_{pm}", M("Conv2d", 2, 2, (4, 2), padding="same", padding_mode=pm), [G(randn(1, 2, 5, 6))])
        L("Conv1d", f"same_even_dilated_{pm}", M("Conv1d", 2, 2, 4, padding="same", dilation=2, padding_mode=pm), [G(randn(2, 2, 9))])
        L("Conv3d", f"asym_pad_{pm}", M("Conv3d", 1, 2, 2, padding=(1, 0, 2), padding_mode=pm), [G(randn(1, 1, 3, 3, 4))])


def explicit_none():
    """Keyword arguments passed as None, as code that spells out every default does."""
    for nd in (1, 2, 3):
        sp = {1: (7,), 2: (5, 6), 3: (4, 4, 3)}[nd]
        L(f"MaxPool{nd}d", "stride_none", M(f"MaxPool{nd}d", 2, stride=None), [G(randn(1, 2, *sp))])
        L(f"AvgPool{nd}d", "stride_none", M(f"AvgPool{nd}d", 2, stride=None, **({"divisor_override": None} if nd > 1 else {})), [G(randn(1, 2, *sp))])
        x = randn(1, 2, *[s - s % 2 for s in sp])
        y, idx = getattr(F, f"max_pool{nd}d")(x, 2, return_indices=True)
        L(f"MaxUnpool{nd}d", "stride_none", M(f"MaxUnpool{nd}d", 2, stride=None), [G(y), C(idx), None])
    L("LPPool2d", "stride_none", M("LPPool2d", 2, 2, stride=None), [G(randn(1, 2, 4, 4))])
    L("LPPool1d", "stride_none", M("LPPool1d", 2, 2, stride=None), [G(randn(1, 2, 6))])
    L("Embedding", "none_options", M("Embedding", 5, 3, padding_idx=None, max_norm=None), [C(torch.tensor([1, 4]))])
    L("EmbeddingBag", "none_options", M("EmbeddingBag", 5, 3, max_norm=None, padding_idx=None, mode="sum"), [C(torch.tensor([1, 4, 2])), C(torch.tensor([0, 1])), None])
    L("Upsample", "size_none", M("Upsample", size=None, scale_factor=2, mode="nearest", align_corners=None, recompute_scale_factor=None), [G(randn(1, 1, 2, 3))])
    L("Upsample", "scale_none", M("Upsample", size=(3, 5), scale_factor=None, mode="bilinear"), [G(randn(1, 1, 2, 3))])
    L("Softmax", "dim_none_explicit", M("Softmax", dim=None), [G(randn(2, 3))])
    L("LogSoftmax", "dim_none_explicit", M("LogSoftmax", dim=None), [G(randn(3))])
    L("AdaptiveAvgPool2d", "all_none", M("AdaptiveAvgPool2d", (None, None)), [G(randn(1, 2, 3, 4))])
    L("ConvTranspose2d", "output_size_none", M("ConvTranspose2d", 2, 2, 3, stride=2), [G(randn(1, 2, 3, 3)), None])
    L("FractionalMaxPool2d", "ratio_none_size", M("FractionalMaxPool2d", 2, output_size=(3, 3), output_ratio=None), [G(randn(1, 1, 4, 4))])
    L("BatchNorm1d", "eval_momentum_none", M("BatchNorm1d", 3, momentum=None), [G(randn(4, 3))], mode="eval")
