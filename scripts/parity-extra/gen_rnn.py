"""Extra `rnn` cases: bias=False, stacked bidirectional, projections, batch_first, unbatched."""

from __future__ import annotations

from case_lib import C, G, M, module_case, randn


def R(module, name, ctor, inputs, **kw):
    return module_case("rnn", module, name, ctor, inputs, **kw)


def recurrent():
    for mod in ("RNN", "GRU"):
        R(mod, "no_bias", M(mod, 3, 4, bias=False), [G(randn(4, 2, 3))])
        R(mod, "3layers_bidir_h0", M(mod, 3, 4, num_layers=3, bidirectional=True), [G(randn(3, 2, 3)), G(randn(6, 2, 4))])
        R(mod, "batch_first_2layers", M(mod, 3, 4, num_layers=2, batch_first=True), [G(randn(2, 4, 3))])
        R(mod, "batch_first_h0", M(mod, 2, 3, batch_first=True), [G(randn(3, 2, 2)), G(randn(1, 3, 3))])
        R(mod, "unbatched", M(mod, 3, 4), [G(randn(5, 3))])
        R(mod, "unbatched_h0_bidir", M(mod, 3, 4, bidirectional=True, num_layers=2), [G(randn(4, 3)), G(randn(4, 4))])
        R(mod, "seq1_batch1", M(mod, 4, 3), [G(randn(1, 1, 4)), G(randn(1, 1, 3))])
        R(mod, "dropout0_stacked_no_bias", M(mod, 2, 3, num_layers=2, dropout=0.0, bias=False), [G(randn(3, 2, 2))])
        R(mod, "eval_bidir", M(mod, 3, 2, bidirectional=True), [G(randn(4, 2, 3))], mode="eval")
        R(mod, "unbatched_batch_first", M(mod, 2, 3, batch_first=True), [G(randn(4, 2)), G(randn(1, 3))])
    R("RNN", "relu_bidir_unbatched", M("RNN", 3, 4, nonlinearity="relu", bidirectional=True), [G(randn(4, 3))])
    R("RNN", "relu_no_bias_batch_first", M("RNN", 3, 4, nonlinearity="relu", bias=False, batch_first=True), [G(randn(2, 3, 3)), G(randn(1, 2, 4))])
    L = "LSTM"
    R(L, "no_bias", M(L, 3, 4, bias=False), [G(randn(4, 2, 3))])
    R(L, "3layers_bidir_state", M(L, 3, 4, num_layers=3, bidirectional=True), [G(randn(3, 2, 3)), [G(randn(6, 2, 4)), G(randn(6, 2, 4))]])
    R(L, "batch_first_state", M(L, 2, 3, batch_first=True, num_layers=2), [G(randn(3, 4, 2)), [G(randn(2, 3, 3)), G(randn(2, 3, 3))]])
    R(L, "unbatched", M(L, 3, 4), [G(randn(5, 3))])
    R(L, "unbatched_state_bidir", M(L, 3, 4, bidirectional=True), [G(randn(4, 3)), [G(randn(2, 4)), G(randn(2, 4))]])
    R(L, "proj_bidir_2layers", M(L, 3, 5, proj_size=2, bidirectional=True, num_layers=2), [G(randn(4, 2, 3))])
    R(L, "proj_batch_first_state", M(L, 3, 4, proj_size=2, batch_first=True), [G(randn(2, 3, 3)), [G(randn(1, 2, 2)), G(randn(1, 2, 4))]])
    R(L, "proj_unbatched_state", M(L, 2, 4, proj_size=3, num_layers=2), [G(randn(3, 2)), [G(randn(2, 3)), G(randn(2, 4))]])
    R(L, "proj_no_bias_bidir_state", M(L, 2, 3, proj_size=1, bias=False, bidirectional=True), [G(randn(3, 2, 2)), [G(randn(2, 2, 1)), G(randn(2, 2, 3))]])
    R(L, "seq1_batch1", M(L, 4, 3), [G(randn(1, 1, 4)), [G(randn(1, 1, 3)), G(randn(1, 1, 3))]])
    R(L, "eval_2layers", M(L, 3, 4, num_layers=2), [G(randn(3, 2, 3))], mode="eval")
    R(L, "batch_first_bidir_state", M(L, 3, 2, batch_first=True, bidirectional=True), [G(randn(2, 4, 3)), [G(randn(2, 2, 2)), G(randn(2, 2, 2))]])


def cells():
    for mod in ("RNNCell", "GRUCell"):
        R(mod, "no_bias", M(mod, 3, 4, bias=False), [G(randn(2, 3)), G(randn(2, 4))])
        R(mod, "unbatched", M(mod, 3, 4), [G(randn(3)), G(randn(4))])
        R(mod, "unbatched_no_h", M(mod, 3, 2), [G(randn(3))])
        R(mod, "batch1", M(mod, 2, 5), [G(randn(1, 2))])
        R(mod, "eval", M(mod, 3, 3), [G(randn(2, 3)), G(randn(2, 3))], mode="eval")
    R("RNNCell", "relu_no_bias_unbatched", M("RNNCell", 3, 4, bias=False, nonlinearity="relu"), [G(randn(3)), G(randn(4))])
    LC = "LSTMCell"
    R(LC, "no_bias", M(LC, 3, 4, bias=False), [G(randn(2, 3)), [G(randn(2, 4)), G(randn(2, 4))]])
    R(LC, "unbatched_state", M(LC, 3, 4), [G(randn(3)), [G(randn(4)), G(randn(4))]])
    R(LC, "unbatched_no_state", M(LC, 2, 3), [G(randn(2))])
    R(LC, "batch1_no_bias", M(LC, 4, 2, bias=False), [G(randn(1, 4))])
    R(LC, "eval", M(LC, 3, 3), [G(randn(2, 3)), [G(randn(2, 3)), G(randn(2, 3))]], mode="eval")


def generate():
    recurrent()
    cells()
    more()
    medium()
    explicit_none()


def more():
    R("LSTM", "proj_bidir_unbatched", M("LSTM", 3, 4, proj_size=2, bidirectional=True), [G(randn(3, 3))])
    R("LSTM", "eval_dropout_3layers", M("LSTM", 3, 4, num_layers=3, dropout=0.5), [G(randn(3, 2, 3))], mode="eval")
    R("GRU", "eval_dropout_bidir", M("GRU", 3, 4, num_layers=2, dropout=0.3, bidirectional=True), [G(randn(3, 2, 3))], mode="eval")
    R("RNN", "eval_dropout_relu", M("RNN", 2, 3, num_layers=2, dropout=0.4, nonlinearity="relu"), [G(randn(4, 2, 2))], mode="eval")
    R("LSTM", "h0_no_grad", M("LSTM", 3, 4), [G(randn(3, 2, 3)), [C(randn(1, 2, 4)), C(randn(1, 2, 4))]])
    R("GRU", "h0_no_grad_batch_first", M("GRU", 3, 4, batch_first=True), [G(randn(2, 3, 3)), C(randn(1, 2, 4))])
    R("LSTM", "empty_batch", M("LSTM", 3, 4), [G(randn(3, 0, 3))])
    R("GRUCell", "empty_batch", M("GRUCell", 3, 4), [G(randn(0, 3))])
    R("LSTMCell", "h_only_grad", M("LSTMCell", 3, 4), [C(randn(2, 3)), [G(randn(2, 4)), G(randn(2, 4))]])


def medium():
    R("LSTM", "medium", M("LSTM", 8, 16, batch_first=True), [G(randn(3, 9, 8))])
    R("GRU", "medium_bidir", M("GRU", 8, 12, bidirectional=True), [G(randn(7, 3, 8))])
    R("RNN", "medium_relu", M("RNN", 10, 20, nonlinearity="relu"), [G(randn(9, 4, 10)), G(randn(1, 4, 20))])
    R("LSTMCell", "medium", M("LSTMCell", 12, 20), [G(randn(5, 12))])
    R("LSTM", "explicit_defaults", M("LSTM", 3, 4, proj_size=0, num_layers=1, dropout=0.0, bias=True), [G(randn(2, 2, 3))])
    R("RNN", "explicit_tanh", M("RNN", 3, 4, nonlinearity="tanh"), [G(randn(2, 2, 3))])


def explicit_none():
    R("LSTM", "hx_none", M("LSTM", 3, 4), [G(randn(2, 2, 3)), None])
    R("GRU", "hx_none_batch_first", M("GRU", 3, 4, batch_first=True), [G(randn(2, 3, 3)), None])
    R("RNNCell", "hx_none", M("RNNCell", 3, 4), [G(randn(2, 3)), None])
    R("LSTMCell", "hx_none", M("LSTMCell", 3, 4), [G(randn(2, 3)), None])
