"""Shape, joining and indexing ops for the golden generator."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

INF = math.inf
NAN = math.nan


def i64(data):
    return torch.tensor(data, dtype=torch.int64)


def i32(data):
    return torch.tensor(data, dtype=torch.int32)


def t32(data):
    return torch.tensor(data, dtype=torch.float32)


def bt(data):
    return torch.tensor(data, dtype=torch.bool)


def shape_ops(new):
    # ---------------------------------------------------------------- reshape / view
    for name in ("reshape", "view"):
        op = new(name, lambda x, s, _n=name: getattr(x, _n)(s))
        x = op.randn((2, 3, 4))
        op.add("f32_2d", [x, [6, 4]])
        op.add("f32_infer", [x, [4, -1]])
        op.add("f32_flat", [x, [-1]])
        op.add("f32_add_dims", [op.randn((6,)), [1, 2, 1, 3]])
        op.add("f32_to_0dim", [op.randn((1, 1)), []])
        op.add("f32_from_0dim", [op.randn(()), [1, 1]])
        op.add("f64", [op.randn((2, 3), "float64"), [3, 2]], gradcheck=True)
        op.add("i32", [i32([[1, 2, 3], [4, 5, 6]]), [3, 2]], grad=False)
        op.add("bool", [bt([[True, False], [False, True]]), [4]], grad=False)
        op.add("f32_empty", [torch.zeros(0, 3), [3, 0]])
        op.err("bad_size", [torch.ones(2, 3), [4, 4]], {}, "is invalid for input of size 6")
        op.err("two_infer", [torch.ones(2, 3), [-1, -1]], {}, "only one dimension can be inferred")

    # ---------------------------------------------------------------- permute / transpose / t
    op = new("permute", lambda x, d: x.permute(d))
    x = op.randn((2, 3, 4))
    op.add("f32_201", [x, [2, 0, 1]])
    op.add("f32_neg_dims", [x, [-1, -3, -2]])
    op.add("f32_identity", [x, [0, 1, 2]])
    op.add("f64_2d", [op.randn((2, 3), "float64"), [1, 0]], gradcheck=True)
    op.add("i32", [i32([[1, 2, 3], [4, 5, 6]]), [1, 0]], grad=False)
    op.add("f32_0dim", [op.randn(()), []])
    op.err("wrong_len", [torch.ones(2, 3), [0]], {}, "does not match the length of the desired ordering of dimensions")
    op.err("repeated", [torch.ones(2, 3), [0, 0]], {}, "duplicate dims are not allowed")

    op = new("transpose", lambda x, a, b: x.transpose(a, b))
    x = op.randn((2, 3, 4))
    op.add("f32_0_2", [x, 0, 2])
    op.add("f32_neg", [x, -1, -2])
    op.add("f32_same", [x, 1, 1])
    op.add("f64_2d", [op.randn((3, 2), "float64"), 0, 1], gradcheck=True)
    op.add("bool", [bt([[True, False, True], [False, False, True]]), 0, 1], grad=False)
    op.add("f32_1d", [op.randn((4,)), 0, -1])
    op.err("dim_out_of_range", [torch.ones(2, 3), 0, 2], {}, "Dimension out of range")

    op = new("t", lambda x: x.t())
    op.add("f32_2d", [op.randn((2, 3))])
    op.add("f32_1d", [op.randn((3,))])
    op.add("f32_0dim", [op.randn(())])
    op.add("f64", [op.randn((3, 2), "float64")], gradcheck=True)
    op.add("i32", [i32([[1, 2, 3], [4, 5, 6]])], grad=False)
    op.err("3d", [torch.ones(2, 3, 4)], {}, "t() expects a tensor with <= 2 dimensions, but self is 3D")

    # ---------------------------------------------------------------- expand
    op = new("expand", lambda x, s: x.expand(s))
    op.add("f32_col", [op.randn((3, 1)), [3, 4]])
    op.add("f32_minus1", [op.randn((3, 1)), [-1, 4]])
    op.add("f32_new_dims", [op.randn((3,)), [2, 4, 3]])
    op.add("f32_0dim", [op.randn(()), [2, 3]])
    op.add("f32_same", [op.randn((2, 3)), [2, 3]])
    op.add("f64", [op.randn((1, 3), "float64"), [2, 2, 3]], gradcheck=True)
    op.add("i32", [i32([[1], [2]]), [2, 3]], grad=False)
    op.add("f32_to_empty", [op.randn((1, 3)), [0, 3]])
    op.err("bad", [torch.ones(2, 3), [2, 4]], {}, "must match the existing size (3) at non-singleton dimension 1")
    op.err("fewer_dims", [torch.ones(2, 3), [3]], {}, "the number of sizes provided (1) must be greater or equal to the number of dimensions in the tensor (2)")

    # ---------------------------------------------------------------- narrow
    op = new("narrow", lambda x, d, s, l: x.narrow(d, s, l))
    x = op.randn((3, 5))
    op.add("f32_dim1", [x, 1, 1, 3])
    op.add("f32_dim0", [x, 0, 2, 1])
    op.add("f32_neg_dim", [op.randn((2, 3, 4)), -1, 0, 2])
    op.add("f32_zero_len", [x, 1, 2, 0])
    op.add("f64", [op.randn((3, 4), "float64"), 1, 1, 2], gradcheck=True)
    op.add("f32_neg_start", [x, 1, -2, 2])
    op.err("too_long", [torch.ones(3, 4), 1, 3, 2], {}, "start (3) + length (2) exceeds dimension size (4)")

    # ---------------------------------------------------------------- squeeze / unsqueeze
    op = new("squeeze", lambda x, *d: x.squeeze(*d))
    x = op.randn((2, 1, 3, 1))
    op.add("f32_all", [x])
    op.add("f32_dim1", [x, 1])
    op.add("f32_dim_neg1", [x, -1])
    op.add("f32_dim_not1_noop", [x, 0])
    op.add("f32_0dim", [op.randn(())])
    op.add("f32_all_ones", [op.randn((1, 1))])
    op.add("f64", [op.randn((1, 3), "float64"), 0], gradcheck=True)
    op.add("i32", [i32([[1, 2, 3]])], grad=False)
    op.err("dim_out_of_range", [torch.ones(2, 1), 2], {}, "Dimension out of range")

    op = new("unsqueeze", lambda x, d: x.unsqueeze(d))
    x = op.randn((2, 3))
    op.add("f32_dim0", [x, 0])
    op.add("f32_dim2", [x, 2])
    op.add("f32_dim_neg1", [x, -1])
    op.add("f32_dim_neg3", [x, -3])
    op.add("f32_0dim", [op.randn(()), 0])
    op.add("f64", [op.randn((3,), "float64"), 1], gradcheck=True)
    op.add("bool", [bt([True, False]), 0], grad=False)
    op.err("dim_out_of_range", [torch.ones(2, 3), 3], {}, "Dimension out of range")

    # ---------------------------------------------------------------- flatten / unflatten
    op = new("flatten", lambda x, *a: x.flatten(*a))
    x = op.randn((2, 3, 2, 2))
    op.add("f32_all", [x])
    op.add("f32_start1", [x, 1])
    op.add("f32_1_2", [x, 1, 2])
    op.add("f32_neg", [x, -3, -2])
    op.add("f32_0dim", [op.randn(())])
    op.add("f32_1d", [op.randn((4,))])
    op.add("f64", [op.randn((2, 3), "float64")], gradcheck=True)
    op.err("start_after_end", [torch.ones(2, 3, 4), 2, 1], {}, "flatten() has invalid args: start_dim cannot come after end_dim")

    op = new("unflatten", lambda x, d, s: x.unflatten(d, s))
    x = op.randn((2, 6))
    op.add("f32_dim1", [x, 1, [2, 3]])
    op.add("f32_infer", [x, 1, [3, -1]])
    op.add("f32_neg_dim", [x, -1, [2, 1, 3]])
    op.add("f32_dim0", [op.randn((4, 3)), 0, [2, 2]])
    op.add("f64", [op.randn((6,), "float64"), 0, [3, 2]], gradcheck=True)
    op.err("bad_sizes", [torch.ones(2, 6), 1, [2, 2]], {}, "don't multiply up to the size of dim 1 (6)")

    op = new("contiguous", lambda x: x.contiguous())
    op.add("f32", [op.randn((2, 3))])
    op.add("f64", [op.randn((3, 2), "float64")], gradcheck=True)
    op.add("i32", [i32([[1, 2], [3, 4]])], grad=False)
    op.add("bool", [bt([True, False, True])], grad=False)
    op.add("f32_0dim", [op.randn(())])

    # ---------------------------------------------------------------- flip / roll
    op = new("flip", lambda x, d: x.flip(d))
    x = op.randn((2, 3, 4))
    op.add("f32_dim0", [x, [0]])
    op.add("f32_dims", [x, [0, 2]])
    op.add("f32_neg", [x, [-1]])
    op.add("f32_all", [x, [0, 1, 2]])
    op.add("f64", [op.randn((3, 2), "float64"), [1]], gradcheck=True)
    op.add("i32", [i32([[1, 2, 3], [4, 5, 6]]), [1]], grad=False)
    op.add("f32_empty_dims", [x, []])
    op.err("dim_out_of_range", [torch.ones(2, 3), [2]], {}, "Dimension out of range")
    op.err("repeated", [torch.ones(2, 3), [0, 0]], {}, "appears multiple times in the list of dims")

    op = new("roll", lambda x, s, *d: x.roll(s, *d))
    x = op.randn((3, 4))
    op.add("f32_flat", [x, 2])
    op.add("f32_flat_neg", [x, -5])
    op.add("f32_dim1", [x, 1, 1])
    op.add("f32_dim0_neg_shift", [x, -1, 0])
    op.add("f32_multi", [x, [1, -2], [0, 1]])
    op.add("f32_large_shift", [x, 9, 1])
    op.add("f32_neg_dim", [op.randn((2, 3, 2)), 1, -2])
    op.add("f64", [op.randn((2, 3), "float64"), 1, 1], gradcheck=True)
    op.add("i32", [i32([1, 2, 3, 4, 5]), 2], grad=False)
    op.err("mismatch", [torch.ones(2, 3), [1, 2], [0]], {}, "shifts and dimensions must align")

    # ---------------------------------------------------------------- tril / triu
    for name in ("tril", "triu"):
        op = new(name, lambda x, *d, _n=name: getattr(x, _n)(*d))
        op.add("f32_square", [op.randn((4, 4))])
        op.add("f32_wide_diag1", [op.randn((3, 5)), 1])
        op.add("f32_tall_diag_neg1", [op.randn((5, 3)), -1])
        op.add("f32_batched", [op.randn((2, 3, 3))])
        op.add("f32_big_diag", [op.randn((3, 3)), 5])
        op.add("f32_big_neg_diag", [op.randn((3, 3)), -5])
        op.add("f64", [op.randn((3, 3), "float64"), 0], gradcheck=True)
        op.add("i32", [i32([[1, 2, 3], [4, 5, 6], [7, 8, 9]]), -1], grad=False)
        op.add("bool", [bt([[True, True], [True, True]])], grad=False)

    # ---------------------------------------------------------------- repeat / tile
    op = new("repeat", lambda x, s: x.repeat(s))
    op.add("f32_2d", [op.randn((2, 3)), [2, 1]])
    op.add("f32_more_dims", [op.randn((3,)), [2, 2]])
    op.add("f32_3d", [op.randn((1, 2, 2)), [2, 1, 3]])
    op.add("f32_zero", [op.randn((2,)), [0]])
    op.add("f32_0dim", [op.randn(()), [3]])
    op.add("f64", [op.randn((2, 2), "float64"), [1, 2]], gradcheck=True)
    op.add("i32", [i32([1, 2]), [3]], grad=False)
    op.err("too_few", [torch.ones(2, 3), [2]], {}, "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")

    op = new("tile", lambda x, s: x.tile(s))
    op.add("f32_2d", [op.randn((2, 3)), [2, 1]])
    op.add("f32_fewer_sizes", [op.randn((2, 3)), [2]])
    op.add("f32_more_sizes", [op.randn((3,)), [2, 2]])
    op.add("f64", [op.randn((2, 2), "float64"), [2, 2]], gradcheck=True)
    op.add("i32", [i32([[1, 2]]), [2, 2]], grad=False)

    # ---------------------------------------------------------------- split / chunk
    op = new("split", lambda x, s, *d: list(x.split(s, *d)))
    x = op.randn((5, 4))
    op.add("f32_size2", [x, 2])
    op.add("f32_size2_dim1", [x, 2, 1])
    op.add("f32_sections", [x, [1, 3, 1]])
    op.add("f32_sections_dim_neg1", [x, [3, 1], -1])
    op.add("f32_size_larger", [x, 7])
    op.add("f64", [op.randn((4, 3), "float64"), 3, 0], gradcheck=True)
    op.add("i32", [i32([1, 2, 3, 4, 5]), 2], grad=False)
    op.err("bad_sections", [torch.ones(5, 4), [2, 2]], {}, "split_with_sizes expects split_sizes to sum exactly to 5")

    op = new("chunk", lambda x, c, *d: list(x.chunk(c, *d)))
    x = op.randn((5, 4))
    op.add("f32_3", [x, 3])
    op.add("f32_2_dim1", [x, 2, 1])
    op.add("f32_more_than_size", [op.randn((3, 2)), 5])
    op.add("f32_uneven_6_4", [op.randn((6,)), 4])
    op.add("f32_neg_dim", [op.randn((2, 5)), 2, -1])
    op.add("f64", [op.randn((4, 3), "float64"), 2], gradcheck=True)
    op.add("i32", [i32([1, 2, 3, 4, 5]), 2], grad=False)
    op.err("zero", [torch.ones(4), 0], {}, "chunk expects `chunks` to be greater than 0, got: 0")

    # ---------------------------------------------------------------- cat / stack
    op = new("cat", lambda ts, *d: torch.cat(ts, *d))
    op.add("f32_dim0", [[op.randn((2, 3)), op.randn((1, 3)), op.randn((3, 3))]])
    op.add("f32_dim1", [[op.randn((2, 3)), op.randn((2, 1))], 1])
    op.add("f32_dim_neg1_3d", [[op.randn((2, 2, 1)), op.randn((2, 2, 3))], -1])
    op.add("f32_single", [[op.randn((2, 3))], 0])
    op.add("f32_with_empty", [[op.randn((2, 3)), torch.zeros(0, 3), op.randn((1, 3))], 0])
    op.add("f64", [[op.randn((2, 2), "float64"), op.randn((2, 1), "float64")], 1], gradcheck=True)
    op.add("i32", [[i32([1, 2]), i32([3])]], grad=False)
    op.add("bool", [[bt([True]), bt([False, True])]], grad=False)
    op.add("promote_i32_f32", [[i32([1, 2]), op.randn((2,))]])
    op.err("size_mismatch", [[torch.ones(2, 3), torch.ones(2, 4)], 0], {}, "Sizes of tensors must match except in dimension 0")
    op.err("empty_list", [[]], {}, "expected a non-empty list of Tensors")
    op.err("dim_out_of_range", [[torch.ones(2, 3), torch.ones(2, 3)], 2], {}, "Dimension out of range")
    op.err("ndim_mismatch", [[torch.ones(2, 3), torch.ones(2, 3, 1)], 0], {}, "Tensors must have same number of dimensions")

    op = new("stack", lambda ts, *d: torch.stack(ts, *d))
    op.add("f32_dim0", [[op.randn((2, 3)), op.randn((2, 3)), op.randn((2, 3))]])
    op.add("f32_dim1", [[op.randn((2, 3)), op.randn((2, 3))], 1])
    op.add("f32_dim_neg1", [[op.randn((2, 3)), op.randn((2, 3))], -1])
    op.add("f32_0dim", [[op.randn(()), op.randn(()), op.randn(())], 0])
    op.add("f64", [[op.randn((2,), "float64"), op.randn((2,), "float64")], 1], gradcheck=True)
    op.add("i32", [[i32([1, 2]), i32([3, 4])]], grad=False)
    op.err("size_mismatch", [[torch.ones(2, 3), torch.ones(3, 2)], 0], {}, "stack expects each tensor to be equal size")
    op.err("empty_list", [[]], {}, "stack expects a non-empty TensorList")

    # ---------------------------------------------------------------- indexSelect / gather
    op = new("indexSelect", lambda x, d, i: x.index_select(d, i))
    x = op.randn((4, 3))
    op.add("f32_dim0", [x, 0, i64([3, 0, 2])])
    op.add("f32_dim1_repeat", [x, 1, i64([2, 2, 0, 1, 2])])
    op.add("f32_neg_dim", [op.randn((2, 3, 4)), -1, i64([1, 3])])
    op.add("f32_empty_index", [x, 0, i64([]).reshape(0)])
    op.add("f32_0dim_index", [x, 1, i64(1)])
    op.add("f64", [op.randn((3, 3), "float64"), 0, i64([2, 0, 2])], gradcheck=True)
    op.add("i32", [i32([[1, 2], [3, 4], [5, 6]]), 0, i64([2, 0])], grad=False)
    op.err("out_of_range", [torch.ones(4, 3), 0, i64([0, 4])], {}, "index out of range in self")
    op.err("2d_index", [torch.ones(4, 3), 0, i64([[0, 1]])], {}, "Index is supposed to be a vector")

    op = new("gather", lambda x, d, i: x.gather(d, i))
    x = op.randn((3, 4))
    op.add("f32_dim1", [x, 1, i64([[0, 3], [1, 1], [2, 0]])])
    op.add("f32_dim0", [x, 0, i64([[0, 1, 2, 0], [2, 2, 1, 0]])])
    op.add("f32_neg_dim_3d", [op.randn((2, 3, 4)), -1, i64([[[0], [3], [1]], [[2], [2], [0]]])])
    op.add("f32_smaller_index", [x, 1, i64([[1], [0]])])
    op.add("f64", [op.randn((3, 3), "float64"), 1, i64([[0, 0], [2, 1], [1, 2]])], gradcheck=True)
    op.add("i32", [i32([[1, 2], [3, 4]]), 1, i64([[1, 0], [0, 0]])], grad=False)
    op.err("out_of_range", [torch.ones(3, 4), 1, i64([[0, 4]])], {}, "out of bounds for dimension 1 with size 4")
    op.err("ndim", [torch.ones(3, 4), 1, i64([0, 1])], {}, "Index tensor must have the same number of dimensions as input tensor")

    # ---------------------------------------------------------------- scatter / scatterAdd / indexAdd
    op = new("scatter", lambda x, d, i, s: x.scatter(d, i, s))
    op.add("f32_dim0", [op.randn((3, 4)), 0, i64([[1, 0, 2, 0], [0, 2, 1, 1]]), op.randn((2, 4))])
    op.add("f32_dim1", [op.randn((3, 4)), 1, i64([[3, 0], [1, 2], [0, 1]]), op.randn((3, 2))])
    op.add("f32_src_bigger", [op.randn((2, 3)), 1, i64([[2], [0]]), op.randn((2, 4))], grad=[True, False, False, False])
    op.add("f32_scalar_src", [op.randn((3, 4)), 1, i64([[3, 0], [1, 2], [0, 1]]), -2.5])
    op.add("f64", [op.randn((3, 3), "float64"), 0, i64([[2, 0, 1]]), op.randn((1, 3), "float64")], gradcheck=True)
    op.add("i32", [i32([[1, 2, 3], [4, 5, 6]]), 1, i64([[2], [0]]), i32([[9], [8]])], grad=False)
    op.err("out_of_range", [torch.ones(3, 4), 1, i64([[4]]), torch.ones(1, 1)], {}, "out of bounds for dimension 1 with size 4")

    op = new("scatterAdd", lambda x, d, i, s: x.scatter_add(d, i, s))
    op.add("f32_dim0_dups", [op.randn((3, 4)), 0, i64([[1, 0, 2, 0], [1, 0, 1, 0]]), op.randn((2, 4))])
    op.add("f32_dim1_dups", [op.randn((3, 4)), 1, i64([[3, 3, 3], [1, 2, 1], [0, 0, 0]]), op.randn((3, 3))])
    op.add("f32_neg_dim", [op.randn((2, 4)), -1, i64([[0, 0], [3, 1]]), op.randn((2, 2))])
    op.add("f64", [op.randn((3, 3), "float64"), 0, i64([[2, 0, 2], [2, 1, 0]]), op.randn((2, 3), "float64")], gradcheck=True)
    op.add("i32", [i32([[1, 2, 3], [4, 5, 6]]), 1, i64([[2, 2], [0, 1]]), i32([[9, 1], [8, 1]])], grad=False)
    op.err("out_of_range", [torch.ones(3, 4), 0, i64([[3]]), torch.ones(1, 1)], {}, "out of bounds for dimension 0 with size 3")

    op = new("indexAdd", lambda x, d, i, s, **k: x.index_add(d, i, s, **k))
    op.add("f32_dim0", [op.randn((4, 3)), 0, i64([0, 2]), op.randn((2, 3))])
    op.add("f32_dim1_dups", [op.randn((3, 4)), 1, i64([3, 0, 3]), op.randn((3, 3))])
    op.add("f32_alpha", [op.randn((4, 3)), 0, i64([1, 1, 3]), op.randn((3, 3))], {"alpha": 2.5})
    op.add("f64", [op.randn((3, 2), "float64"), 0, i64([2, 0]), op.randn((2, 2), "float64")], {"alpha": -0.5}, gradcheck=True)
    op.add("i32", [i32([[1, 2], [3, 4]]), 0, i64([1]), i32([[10, 20]])], grad=False)
    op.err("out_of_range", [torch.ones(3, 4), 0, i64([3]), torch.ones(1, 4)], {}, "index out of range in self")

    # ---------------------------------------------------------------- maskedSelect / oneHot
    op = new("maskedSelect", lambda x, m: x.masked_select(m))
    op.add("f32", [op.randn((3, 4)), op.bools((3, 4))], grad=[True, False])
    op.add("f32_bcast_mask", [op.randn((3, 4)), op.bools((4,))], grad=[True, False])
    op.add("f32_bcast_self", [op.randn((4,)), op.bools((2, 4))], grad=[True, False])
    op.add("f32_none", [op.randn((2, 3)), torch.zeros(2, 3, dtype=torch.bool)], grad=[True, False])
    op.add("f64", [op.randn((2, 3), "float64"), bt([[True, False, True], [False, True, True]])], grad=[True, False], gradcheck=True)
    op.add("i32", [i32([[1, 2], [3, 4]]), bt([[True, False], [False, True]])], grad=False)
    op.err("float_mask", [torch.ones(3), torch.ones(3)], {}, "expected BoolTensor")

    op = new("oneHot", lambda x, *n: F.one_hot(x, *n))
    op.add("classes4", [i64([0, 3, 1, 1]), 4], grad=False)
    op.add("inferred", [i64([2, 0, 1])], grad=False)
    op.add("2d", [i64([[0, 2], [1, 1]]), 3], grad=False)
    op.add("minus1_inferred", [i64([1, 4]), -1], grad=False)
    op.add("0dim", [i64(2), 3], grad=False)
    op.err("too_big", [i64([0, 4]), 3], {}, "Class values must be smaller than num_classes.")
    op.err("negative", [i64([-1, 0]), 3], {}, "Class values must be non-negative.")
