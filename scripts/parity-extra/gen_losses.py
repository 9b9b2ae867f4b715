"""Extra `losses` cases: every reduction, weights, ignore_index, smoothing, unbatched inputs."""

from __future__ import annotations

import torch

from case_lib import LOOSE, C, G, M, module_case, rand, randn

REDS = ("none", "sum", "mean")


def Lo(module, name, ctor, inputs, **kw):
    return module_case("losses", module, name, ctor, inputs, **kw)


def ints(n, *shape):
    return torch.randint(0, n, shape)


def regression():
    for mod in ("L1Loss", "MSELoss", "SmoothL1Loss", "HuberLoss"):
        Lo(mod, "scalar_inputs", M(mod), [G(randn()), G(randn())])
        Lo(mod, "4d_sum", M(mod, reduction="sum"), [G(randn(2, 2, 2, 3)), G(randn(2, 2, 2, 3))])
        Lo(mod, "equal_inputs_mean", M(mod), [G(torch.ones(2, 3)), G(torch.ones(2, 3))])
        Lo(mod, "target_no_grad_none", M(mod, reduction="none"), [G(randn(3, 2)), C(randn(3, 2))])
    Lo("SmoothL1Loss", "beta0", M("SmoothL1Loss", beta=0.0), [G(randn(3, 4)), G(randn(3, 4))])
    Lo("SmoothL1Loss", "beta2_sum", M("SmoothL1Loss", reduction="sum", beta=2.0), [G(randn(3, 4, scale=2.0)), G(randn(3, 4))])
    Lo("SmoothL1Loss", "at_beta", M("SmoothL1Loss", reduction="none", beta=1.0), [G(torch.tensor([1.0, -1.0, 0.5, 2.0])), G(torch.zeros(4))])
    Lo("HuberLoss", "delta2_none", M("HuberLoss", reduction="none", delta=2.0), [G(randn(3, 4, scale=2.0)), G(randn(3, 4))])
    Lo("HuberLoss", "at_delta", M("HuberLoss", reduction="none", delta=0.5), [G(torch.tensor([0.5, -0.5, 0.25, 2.0])), G(torch.zeros(4))])
    Lo("HuberLoss", "small_delta_mean", M("HuberLoss", delta=0.1), [G(randn(5)), G(randn(5))])


def bce():
    for red in REDS:
        Lo("BCELoss", f"soft_targets_{red}", M("BCELoss", reduction=red), [G(rand(3, 4, lo=0.05, hi=0.95)), C(rand(3, 4))])
        Lo("BCEWithLogitsLoss", f"pos_weight_weight_{red}", M("BCEWithLogitsLoss", weight=rand(4, lo=0.5, hi=2.0), reduction=red, pos_weight=rand(4, lo=0.5, hi=3.0)),
           [G(randn(3, 4, scale=2.0)), C(rand(3, 4).round())])
    Lo("BCELoss", "weight_full_shape_mean", M("BCELoss", weight=rand(2, 3, lo=0.5, hi=2.0)), [G(rand(2, 3, lo=0.05, hi=0.95)), C(rand(2, 3).round())])
    Lo("BCELoss", "weight_broadcast_3d", M("BCELoss", weight=rand(3, 1, lo=0.5, hi=2.0), reduction="sum"), [G(rand(2, 3, 2, lo=0.05, hi=0.95)), C(rand(2, 3, 2).round())])
    Lo("BCELoss", "near_0_and_1", M("BCELoss", reduction="none"), [G(torch.tensor([1e-6, 1 - 1e-6, 0.5, 0.999])), C(torch.tensor([0.0, 1.0, 1.0, 0.0]))])
    Lo("BCELoss", "scalar", M("BCELoss"), [G(torch.tensor(0.3)), C(torch.tensor(1.0))])
    Lo("BCEWithLogitsLoss", "extreme_logits", M("BCEWithLogitsLoss", reduction="none"), [G(torch.tensor([50.0, -50.0, 100.0, -100.0, 0.0])), C(torch.tensor([0.0, 1.0, 1.0, 0.0, 0.5]))])
    Lo("BCEWithLogitsLoss", "pos_weight_broadcast_4d", M("BCEWithLogitsLoss", pos_weight=rand(3, 1, 1, lo=0.5, hi=3.0)), [G(randn(2, 3, 2, 2)), C(rand(2, 3, 2, 2))])
    Lo("BCEWithLogitsLoss", "extreme_pos_weight", M("BCEWithLogitsLoss", pos_weight=torch.tensor([2.0, 0.5]), reduction="sum"), [G(torch.tensor([[40.0, -40.0], [-60.0, 60.0]])), C(torch.tensor([[1.0, 0.0], [1.0, 1.0]]))])
    Lo("BCEWithLogitsLoss", "scalar", M("BCEWithLogitsLoss"), [G(torch.tensor(-0.7)), C(torch.tensor(1.0))])


def classification():
    w4 = lambda: rand(4, lo=0.2, hi=2.0)  # noqa: E731
    for mod in ("CrossEntropyLoss", "NLLLoss"):
        prep = (lambda x: x) if mod == "CrossEntropyLoss" else (lambda x: x.log_softmax(-1 if x.dim() == 1 else 1))
        tgt_ign = torch.tensor([0, 2, -100, 3, 1, -100])
        for red in REDS:
            Lo(mod, f"weight_ignore_{red}", M(mod, weight=w4(), reduction=red), [G(prep(randn(6, 4))), C(tgt_ign)])
            Lo(mod, f"ignore_index1_{red}", M(mod, ignore_index=1, reduction=red), [G(prep(randn(5, 4))), C(torch.tensor([1, 0, 1, 3, 2]))])
        Lo(mod, "unbatched", M(mod), [G(prep(randn(5))), C(torch.tensor(3))])
        Lo(mod, "unbatched_weight_sum", M(mod, weight=rand(5, lo=0.2, hi=2.0), reduction="sum"), [G(prep(randn(5))), C(torch.tensor(1))])
        Lo(mod, "unbatched_ignored", M(mod, reduction="sum"), [G(prep(randn(4))), C(torch.tensor(-100))])
        Lo(mod, "kdim_weight_mean", M(mod, weight=rand(3, lo=0.2, hi=2.0)), [G(prep(randn(2, 3, 2, 2))), C(ints(3, 2, 2, 2))])
        Lo(mod, "kdim_ignore_sum", M(mod, reduction="sum", ignore_index=0), [G(prep(randn(2, 3, 4))), C(ints(3, 2, 4))])
        Lo(mod, "kdim_3d_none", M(mod, reduction="none"), [G(prep(randn(1, 3, 2, 2, 2))), C(ints(3, 1, 2, 2, 2))])
        Lo(mod, "all_ignored_mean", M(mod), [G(prep(randn(3, 4))), C(torch.tensor([-100, -100, -100]))])
        Lo(mod, "all_ignored_sum", M(mod, reduction="sum"), [G(prep(randn(3, 4))), C(torch.tensor([-100, -100, -100]))])
        Lo(mod, "batch1", M(mod), [G(prep(randn(1, 3))), C(torch.tensor([2]))])
    CE = "CrossEntropyLoss"
    for red in REDS:
        Lo(CE, f"smoothing_weight_ignore_{red}", M(CE, weight=w4(), ignore_index=2, reduction=red, label_smoothing=0.2), [G(randn(6, 4)), C(torch.tensor([0, 2, 1, 3, 2, 1]))])
        Lo(CE, f"probs_smoothing_{red}", M(CE, reduction=red, label_smoothing=0.15), [G(randn(3, 4)), C(randn(3, 4).softmax(1))])
        Lo(CE, f"probs_weight_{red}", M(CE, weight=w4(), reduction=red), [G(randn(3, 4)), C(randn(3, 4).softmax(1))])
    Lo(CE, "smoothing_kdim_ignore", M(CE, label_smoothing=0.3), [G(randn(2, 3, 4)), C(torch.tensor([[0, -100, 2, 1], [2, 2, -100, 0]]))])
    Lo(CE, "smoothing_weight_mean", M(CE, weight=w4(), label_smoothing=0.1), [G(randn(5, 4)), C(ints(4, 5))])
    Lo(CE, "probs_kdim", M(CE), [G(randn(2, 3, 2, 2)), C(randn(2, 3, 2, 2).softmax(1))])
    Lo(CE, "probs_unbatched", M(CE), [G(randn(5)), C(randn(5).softmax(0))])
    Lo(CE, "probs_weight_smoothing_kdim", M(CE, weight=rand(3, lo=0.5, hi=2.0), label_smoothing=0.2, reduction="sum"), [G(randn(2, 3, 2)), C(randn(2, 3, 2).softmax(1))])
    Lo(CE, "smoothing1", M(CE, label_smoothing=1.0), [G(randn(3, 4)), C(ints(4, 3))])
    Lo(CE, "large_logits", M(CE, reduction="none"), [G(torch.tensor([[100.0, -100.0, 0.0], [-50.0, 50.0, 49.0]])), C(torch.tensor([1, 2]))])
    # margin-based classification
    MM = "MultiMarginLoss"
    Lo(MM, "weight_mean", M(MM, weight=rand(4, lo=0.5, hi=2.0)), [G(randn(3, 4)), C(ints(4, 3))])
    Lo(MM, "p1_margin2_none", M(MM, margin=2.0, reduction="none"), [G(randn(3, 5)), C(ints(5, 3))])
    Lo(MM, "p2_weight_none", M(MM, p=2, weight=rand(3, lo=0.5, hi=2.0), reduction="none"), [G(randn(4, 3)), C(ints(3, 4))])
    Lo(MM, "unbatched", M(MM), [G(randn(5)), C(torch.tensor(2))])
    Lo(MM, "unbatched_p2_sum", M(MM, p=2, reduction="sum"), [G(randn(4)), C(torch.tensor(0))])
    MLM = "MultiLabelMarginLoss"
    Lo(MLM, "none", M(MLM, reduction="none"), [G(randn(3, 4)), C(torch.tensor([[3, 0, -1, 1], [1, -1, 2, 0], [0, 1, 2, 3]]))])
    Lo(MLM, "sum", M(MLM, reduction="sum"), [G(randn(2, 5)), C(torch.tensor([[4, -1, 0, 0, 0], [2, 1, -1, 3, 3]]))])
    Lo(MLM, "unbatched", M(MLM), [G(randn(4)), C(torch.tensor([2, 1, -1, 0]))])
    Lo(MLM, "no_labels", M(MLM, reduction="none"), [G(randn(2, 3)), C(torch.tensor([[-1, 0, 1], [1, -1, 2]]))])
    Lo(MLM, "all_labels", M(MLM), [G(randn(2, 3)), C(torch.tensor([[0, 1, 2], [2, 0, 1]]))])
    MLS = "MultiLabelSoftMarginLoss"
    Lo(MLS, "none", M(MLS, reduction="none"), [G(randn(3, 4)), C(rand(3, 4).round())])
    Lo(MLS, "weight_mean", M(MLS, weight=rand(4, lo=0.5, hi=2.0)), [G(randn(3, 4)), C(rand(3, 4).round())])
    Lo(MLS, "soft_targets_sum", M(MLS, reduction="sum"), [G(randn(2, 5)), C(rand(2, 5))])
    Lo(MLS, "weight_none", M(MLS, weight=rand(3, lo=0.5, hi=2.0), reduction="none"), [G(randn(2, 3)), C(rand(2, 3).round())])


def probabilistic():
    KL = "KLDivLoss"
    for red in ("none", "sum", "batchmean", "mean"):
        Lo(KL, f"log_target_{red}", M(KL, reduction=red, log_target=True), [G(randn(3, 4).log_softmax(1)), G(randn(3, 4).log_softmax(1))])
        Lo(KL, f"probs_{red}", M(KL, reduction=red), [G(randn(2, 5).log_softmax(1)), G(randn(2, 5).softmax(1))])
    # a zero target's own gradient is 0·(−inf) = NaN in PyTorch: the target is a constant here
    Lo(KL, "zero_target", M(KL, reduction="sum"), [G(randn(2, 3).log_softmax(1)), C(torch.tensor([[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]]))])
    Lo(KL, "3d_batchmean", M(KL, reduction="batchmean"), [G(randn(2, 3, 2).log_softmax(1)), G(randn(2, 3, 2).softmax(1))])
    PN = "PoissonNLLLoss"
    Lo(PN, "log_input_full_sum", M(PN, full=True, reduction="sum"), [G(randn(3, 4)), C(rand(3, 4, lo=0, hi=5).round())])
    Lo(PN, "rate_full_mean", M(PN, log_input=False, full=True), [G(rand(3, 4, lo=0.1, hi=3.0)), C(rand(3, 4, lo=0, hi=5).round())])
    Lo(PN, "rate_eps_none", M(PN, log_input=False, eps=0.1, reduction="none"), [G(rand(2, 3, lo=0.0, hi=2.0)), C(torch.tensor([[0.0, 1.0, 2.0], [3.0, 0.0, 1.0]]))])
    Lo(PN, "log_input_none", M(PN, reduction="none"), [G(randn(5)), C(torch.tensor([0.0, 1.0, 1.0, 4.0, 2.0]))])
    Lo(PN, "full_target_le1", M(PN, full=True), [G(randn(6)), C(torch.tensor([0.0, 1.0, 0.5, 2.0, 1.5, 3.0]))])
    GN = "GaussianNLLLoss"
    for red in REDS:
        Lo(GN, f"full_{red}", M(GN, full=True, reduction=red), [G(randn(3, 2)), G(randn(3, 2)), G(rand(3, 2, lo=0.2, hi=2.0))])
    Lo(GN, "var_one_fewer_dim", M(GN), [G(randn(4, 3)), G(randn(4, 3)), G(rand(4, lo=0.2, hi=2.0))])
    Lo(GN, "eps_clamp", M(GN, eps=0.1, reduction="none"), [G(randn(4)), G(randn(4)), G(torch.tensor([0.01, 0.5, 0.05, 2.0]))])
    Lo(GN, "unbatched_var_scalar_col", M(GN, reduction="sum"), [G(randn(5)), G(randn(5)), G(rand(1, lo=0.5, hi=2.0))])
    Lo(GN, "target_no_grad", M(GN), [G(randn(2, 3)), C(randn(2, 3)), G(rand(2, 3, lo=0.2, hi=2.0))])
    Lo(GN, "3d_var_last1", M(GN, full=True), [G(randn(2, 2, 3)), G(randn(2, 2, 3)), G(rand(2, 2, 1, lo=0.2, hi=2.0))])


def embedding_losses():
    CEL = "CosineEmbeddingLoss"
    Lo(CEL, "sum_margin_neg", M(CEL, margin=-0.2, reduction="sum"), [G(randn(4, 5)), G(randn(4, 5)), C(torch.tensor([1.0, -1.0, -1.0, 1.0]))])
    Lo(CEL, "unbatched", M(CEL, margin=0.1), [G(randn(5)), G(randn(5)), C(torch.tensor(-1.0))])
    Lo(CEL, "all_positive_mean", M(CEL), [G(randn(3, 4)), G(randn(3, 4)), C(torch.ones(3))])
    Lo(CEL, "zero_vector", M(CEL, margin=0.5, reduction="none"), [G(torch.cat([torch.zeros(1, 3), randn(2, 3)])), G(randn(3, 3)), C(torch.tensor([1.0, -1.0, -1.0]))])
    MR = "MarginRankingLoss"
    Lo(MR, "none", M(MR, margin=0.2, reduction="none"), [G(randn(5)), G(randn(5)), C(torch.tensor([1.0, -1.0, 1.0, -1.0, 1.0]))])
    Lo(MR, "scalar", M(MR), [G(randn()), G(randn()), C(torch.tensor(-1.0))])
    Lo(MR, "2d_sum", M(MR, margin=1.0, reduction="sum"), [G(randn(2, 3)), G(randn(2, 3)), C(torch.tensor([[1.0, -1.0, 1.0], [-1.0, -1.0, 1.0]]))])
    HE = "HingeEmbeddingLoss"
    Lo(HE, "none", M(HE, reduction="none"), [G(randn(3, 4)), C(torch.randint(0, 2, (3, 4)).float() * 2 - 1)])
    Lo(HE, "margin2_mean", M(HE, margin=2.0), [G(randn(6, scale=2.0)), C(torch.tensor([1.0, -1.0, -1.0, 1.0, -1.0, -1.0]))])
    Lo(HE, "all_negative_sum", M(HE, reduction="sum"), [G(randn(5)), C(-torch.ones(5))])
    SM = "SoftMarginLoss"
    Lo(SM, "none", M(SM, reduction="none"), [G(randn(3, 4)), C(torch.randint(0, 2, (3, 4)).float() * 2 - 1)])
    Lo(SM, "large", M(SM), [G(torch.tensor([40.0, -40.0, 30.0, 0.5])), C(torch.tensor([-1.0, 1.0, -1.0, 1.0]))])
    TM = "TripletMarginLoss"
    Lo(TM, "margin_p3_none", M(TM, margin=0.5, p=3.0, reduction="none"), [G(randn(4, 3)), G(randn(4, 3)), G(randn(4, 3))])
    Lo(TM, "swap_sum_eps", M(TM, swap=True, eps=0.1, reduction="sum"), [G(randn(3, 4)), G(randn(3, 4)), G(randn(3, 4))])
    Lo(TM, "unbatched", M(TM), [G(randn(5)), G(randn(5)), G(randn(5))])
    Lo(TM, "p1_margin2", M(TM, margin=2.0, p=1.0), [G(randn(4, 5)), G(randn(4, 5)), G(randn(4, 5))])
    Lo(TM, "3d", M(TM, swap=True), [G(randn(2, 3, 4)), G(randn(2, 3, 4)), G(randn(2, 3, 4))])
    TD = "TripletMarginWithDistanceLoss"
    Lo(TD, "margin_none", M(TD, margin=0.5, reduction="none"), [G(randn(4, 3)), G(randn(4, 3)), G(randn(4, 3))])
    Lo(TD, "swap_sum", M(TD, swap=True, reduction="sum", margin=2.0), [G(randn(3, 4)), G(randn(3, 4)), G(randn(3, 4))])
    Lo(TD, "unbatched", M(TD), [G(randn(5)), G(randn(5)), G(randn(5))])
    Lo(TD, "swap_none", M(TD, swap=True, reduction="none"), [G(randn(3, 2)), G(randn(3, 2)), G(randn(3, 2))])


def ctc():
    CT = "CTCLoss"

    def lp(*shape):
        return G(randn(*shape), log_softmax_dim=len(shape) - 1)

    Lo(CT, "blank_last_mean", M(CT, blank=4), [lp(7, 2, 5), C(torch.tensor([[0, 1, 2], [3, 3, 0]])), C(torch.tensor([7, 6])), C(torch.tensor([3, 2]))], tol=LOOSE)
    Lo(CT, "repeated_labels_none", M(CT, reduction="none"), [lp(8, 2, 4), C(torch.tensor([[1, 1, 2, 2], [3, 3, 3, 0]])), C(torch.tensor([8, 8])), C(torch.tensor([4, 3]))], tol=LOOSE)
    Lo(CT, "empty_target", M(CT, reduction="sum"), [lp(5, 2, 3), C(torch.tensor([[1, 2], [0, 0]])), C(torch.tensor([5, 4])), C(torch.tensor([2, 0]))], tol=LOOSE)
    Lo(CT, "zero_infinity_impossible", M(CT, zero_infinity=True, reduction="none"), [lp(4, 2, 4), C(torch.tensor([[1, 1, 1, 2], [1, 2, 0, 0]])), C(torch.tensor([4, 4])), C(torch.tensor([4, 2]))], tol=LOOSE)
    Lo(CT, "zero_infinity_mean", M(CT, zero_infinity=True), [lp(3, 2, 4), C(torch.tensor([[1, 1, 2], [1, 2, 3]])), C(torch.tensor([3, 3])), C(torch.tensor([3, 2]))], tol=LOOSE)
    Lo(CT, "unbatched", M(CT), [lp(6, 4), C(torch.tensor([1, 2, 1])), C(torch.tensor(6)), C(torch.tensor(3))], tol=LOOSE)
    Lo(CT, "concat_targets_mean", M(CT), [lp(6, 3, 4), C(torch.tensor([1, 2, 3, 1, 2, 2])), C(torch.tensor([6, 5, 6])), C(torch.tensor([2, 1, 3]))], tol=LOOSE)
    Lo(CT, "batch1_len1", M(CT, reduction="sum"), [lp(1, 1, 3), C(torch.tensor([[2]])), C(torch.tensor([1])), C(torch.tensor([1]))], tol=LOOSE)
    Lo(CT, "shorter_inputs", M(CT, blank=1), [lp(9, 3, 5), C(torch.tensor([[0, 2, 3], [4, 4, 2], [3, 0, 0]])), C(torch.tensor([9, 6, 4])), C(torch.tensor([3, 3, 1]))], tol=LOOSE)


def adaptive():
    AS = "AdaptiveLogSoftmaxWithLoss"
    names = ["output", "loss"]
    Lo(AS, "head_bias", M(AS, 6, 8, [3, 6], head_bias=True), [G(randn(5, 6)), C(torch.tensor([0, 3, 7, 5, 2]))], output_names=names)
    Lo(AS, "div4_three_clusters", M(AS, 16, 12, [2, 5, 9], div_value=4.0), [G(randn(6, 16)), C(torch.tensor([0, 11, 4, 6, 1, 9]))], output_names=names)
    Lo(AS, "unbatched", M(AS, 8, 10, [4]), [G(randn(8)), C(torch.tensor(7))], output_names=names)
    Lo(AS, "only_head_targets", M(AS, 6, 8, [4]), [G(randn(3, 6)), C(torch.tensor([0, 3, 1]))], output_names=names)
    Lo(AS, "div1", M(AS, 4, 6, [2, 4], div_value=1.0), [G(randn(4, 4)), C(torch.tensor([5, 2, 3, 0]))], output_names=names)
    Lo(AS, "eval", M(AS, 6, 8, [3, 6]), [G(randn(3, 6)), C(torch.tensor([7, 1, 4]))], output_names=names, mode="eval")


def generate():
    regression()
    bce()
    classification()
    probabilistic()
    embedding_losses()
    ctc()
    adaptive()
    empties_and_more()
    explicit_none()


def empties_and_more():
    Lo("MSELoss", "empty_mean", M("MSELoss"), [G(randn(0, 3)), G(randn(0, 3))])
    Lo("L1Loss", "empty_sum", M("L1Loss", reduction="sum"), [G(randn(0)), G(randn(0))])
    Lo("CrossEntropyLoss", "empty_batch_mean", M("CrossEntropyLoss"), [G(randn(0, 4)), C(torch.zeros(0, dtype=torch.long))])
    Lo("CrossEntropyLoss", "empty_batch_sum", M("CrossEntropyLoss", reduction="sum"), [G(randn(0, 4)), C(torch.zeros(0, dtype=torch.long))])
    Lo("NLLLoss", "empty_batch_none", M("NLLLoss", reduction="none"), [G(randn(0, 3)), C(torch.zeros(0, dtype=torch.long))])
    Lo("BCEWithLogitsLoss", "empty_mean", M("BCEWithLogitsLoss"), [G(randn(0, 2)), C(randn(0, 2))])
    Lo("CTCLoss", "zero_length_target_mean", M("CTCLoss"), [G(randn(5, 2, 3), log_softmax_dim=2), C(torch.tensor([[1, 2], [0, 0]])), C(torch.tensor([5, 3])), C(torch.tensor([2, 0]))], tol=LOOSE)
    Lo("CTCLoss", "zero_infinity_sum_impossible", M("CTCLoss", zero_infinity=True, reduction="sum"), [G(randn(3, 2, 3), log_softmax_dim=2), C(torch.tensor([[1, 1, 1], [1, 2, 0]])), C(torch.tensor([3, 3])), C(torch.tensor([3, 2]))], tol=LOOSE)
    Lo("MultiMarginLoss", "margin_weight_none", M("MultiMarginLoss", margin=0.5, weight=rand(4, lo=0.5, hi=2.0), reduction="none"), [G(randn(3, 4)), C(ints(4, 3))])
    Lo("CrossEntropyLoss", "unbatched_none_smoothing", M("CrossEntropyLoss", reduction="none", label_smoothing=0.1), [G(randn(4)), C(torch.tensor(1))])
    Lo("CrossEntropyLoss", "probs_unbatched_none", M("CrossEntropyLoss", reduction="none"), [G(randn(4)), C(randn(4).softmax(0))])
    Lo("HuberLoss", "scalar_sum", M("HuberLoss", reduction="sum", delta=0.3), [G(randn()), G(randn())])
    Lo("TripletMarginLoss", "swap_p1_none_margin0", M("TripletMarginLoss", margin=0.0, p=1.0, swap=True, reduction="none"), [G(randn(3, 4)), G(randn(3, 4)), G(randn(3, 4))])


def explicit_none():
    Lo("CrossEntropyLoss", "weight_none", M("CrossEntropyLoss", weight=None), [G(randn(3, 4)), C(ints(4, 3))])
    Lo("NLLLoss", "weight_none", M("NLLLoss", weight=None, reduction="sum"), [G(randn(3, 4).log_softmax(1)), C(ints(4, 3))])
    Lo("BCELoss", "weight_none", M("BCELoss", weight=None), [G(rand(3, 2, lo=0.1, hi=0.9)), C(rand(3, 2))])
    Lo("BCEWithLogitsLoss", "weights_none", M("BCEWithLogitsLoss", weight=None, pos_weight=None), [G(randn(3, 2)), C(rand(3, 2))])
    Lo("MultiMarginLoss", "weight_none", M("MultiMarginLoss", weight=None), [G(randn(3, 4)), C(ints(4, 3))])
    Lo("MultiLabelSoftMarginLoss", "weight_none_explicit", M("MultiLabelSoftMarginLoss", weight=None), [G(randn(3, 4)), C(rand(3, 4).round())])
    Lo("TripletMarginWithDistanceLoss", "distance_none", M("TripletMarginWithDistanceLoss", distance_function=None), [G(randn(3, 4)), G(randn(3, 4)), G(randn(3, 4))])
    Lo("AdaptiveLogSoftmaxWithLoss", "explicit_defaults", M("AdaptiveLogSoftmaxWithLoss", 6, 8, [4], div_value=4.0, head_bias=False), [G(randn(3, 6)), C(torch.tensor([7, 1, 4]))], output_names=["output", "loss"])
