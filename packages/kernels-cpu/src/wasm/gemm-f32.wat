;; The float32 GEMM macro-kernel of the CPU backend (the driver is ../kernels/gemm-f32.ts).
;; Assembled by scripts/build-wasm.mjs into gemm-f32-bytes.ts; edit this file, then `pnpm wasm`.
;;
;; pack(src, ld, rows, kc, width, dst): interleaves `rows` rows of kc floats (ld bytes apart, rows
;; a multiple of 4) into slivers of `width` (4 or 8) rows: row r's float p goes to
;; dst + (r / width)*kc*width*4 + p*width*4 + (r % width)*4. The driver copies A's rows (or B's
;; columns), when contiguous, into memory with a memcpy and packs them here, several times
;; faster than packing element by element in JS.
;;
;; block(mc, nc, kc, a, ak, as, b, bk, bs, c, ldc, add): C[mc, nc] = A[mc, kc] @ B[kc, nc]
;; (add = 0) or C += A @ B (add = 1, the later k blocks) for one block; addresses and steps in bytes:
;;   a  A as 4-row slivers: sliver s at a + s*as, its column p at +p*ak (4 floats)
;;   b  B as 8-column slivers: sliver t at b + t*bs, its row p at +p*bk (8 floats)
;;   c  the block's C tile, rows ldc bytes apart
;; Packed panels have ak = 16, as = kc*16 and bk = 32, bs = kc*32; operands copied in row by row
;; (B's rows, or A's columns, when contiguous) have as = 16, ak = their row length, and
;; bs = 32, bk = likewise. mc is a multiple of 4, nc of 8 (panels are padded; rows and
;; columns past the edge only reach C tiles the driver never reads), and kc >= 1.
;;
;; The 4x8 micro-tile lives in 8 f32x4 locals; with 2 B vectors and a broadcast A element that
;; is 11 of x64's 16 SIMD registers, and V8 keeps them all in registers (a 6x8 tile spills).
;; Products are summed in float32 like BLAS: mul + add, not FMA (relaxed SIMD is not everywhere).
;; Loop order as in GotoBLAS: each B sliver stays in L1 while all A slivers stream past it.
(module
  (memory (export "memory") 1)
  (func (export "block")
    (param $mc i32) (param $nc i32) (param $kc i32)
    (param $a i32) (param $ak i32) (param $as i32)
    (param $b i32) (param $bk i32) (param $bs i32)
    (param $c i32) (param $ldc i32) (param $add i32)
    (local $j i32) (local $i i32) (local $p i32)
    (local $sa i32) (local $pa i32) (local $pb i32) (local $ci i32)
    (local $b0 v128) (local $b1 v128) (local $av v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (loop $slivers_of_b
      (local.set $sa (local.get $a))
      (local.set $ci (local.get $c))
      (local.set $i (i32.const 0))
      (loop $slivers_of_a
        (local.set $c00 (v128.const i32x4 0 0 0 0))
        (local.set $c01 (v128.const i32x4 0 0 0 0))
        (local.set $c10 (v128.const i32x4 0 0 0 0))
        (local.set $c11 (v128.const i32x4 0 0 0 0))
        (local.set $c20 (v128.const i32x4 0 0 0 0))
        (local.set $c21 (v128.const i32x4 0 0 0 0))
        (local.set $c30 (v128.const i32x4 0 0 0 0))
        (local.set $c31 (v128.const i32x4 0 0 0 0))
        (local.set $pa (local.get $sa))
        (local.set $pb (local.get $b))
        (local.set $p (local.get $kc))
        ;; one rank-1 update per k: row r of the tile += A[r, p] * B[p, 0:8]
        (loop $k
          (local.set $b0 (v128.load (local.get $pb)))
          (local.set $b1 (v128.load offset=16 (local.get $pb)))
          (local.set $av (v128.load32_splat (local.get $pa)))
          (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $av) (local.get $b0))))
          (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $av) (local.get $b1))))
          (local.set $av (v128.load32_splat offset=4 (local.get $pa)))
          (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $av) (local.get $b0))))
          (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $av) (local.get $b1))))
          (local.set $av (v128.load32_splat offset=8 (local.get $pa)))
          (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $av) (local.get $b0))))
          (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $av) (local.get $b1))))
          (local.set $av (v128.load32_splat offset=12 (local.get $pa)))
          (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $av) (local.get $b0))))
          (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $av) (local.get $b1))))
          (local.set $pa (i32.add (local.get $pa) (local.get $ak)))
          (local.set $pb (i32.add (local.get $pb) (local.get $bk)))
          (br_if $k (local.tee $p (i32.sub (local.get $p) (i32.const 1)))))
        ;; later k blocks: the tile is a partial sum to add to what C holds
        (if (local.get $add)
          (then
            (local.set $c00 (f32x4.add (local.get $c00) (v128.load (local.get $ci))))
            (local.set $c01 (f32x4.add (local.get $c01) (v128.load offset=16 (local.get $ci))))
            (local.set $ci (i32.add (local.get $ci) (local.get $ldc)))
            (local.set $c10 (f32x4.add (local.get $c10) (v128.load (local.get $ci))))
            (local.set $c11 (f32x4.add (local.get $c11) (v128.load offset=16 (local.get $ci))))
            (local.set $ci (i32.add (local.get $ci) (local.get $ldc)))
            (local.set $c20 (f32x4.add (local.get $c20) (v128.load (local.get $ci))))
            (local.set $c21 (f32x4.add (local.get $c21) (v128.load offset=16 (local.get $ci))))
            (local.set $ci (i32.add (local.get $ci) (local.get $ldc)))
            (local.set $c30 (f32x4.add (local.get $c30) (v128.load (local.get $ci))))
            (local.set $c31 (f32x4.add (local.get $c31) (v128.load offset=16 (local.get $ci))))
            (local.set $ci (i32.sub (local.get $ci) (i32.mul (local.get $ldc) (i32.const 3))))))
        (v128.store (local.get $ci) (local.get $c00))
        (v128.store offset=16 (local.get $ci) (local.get $c01))
        (local.set $ci (i32.add (local.get $ci) (local.get $ldc)))
        (v128.store (local.get $ci) (local.get $c10))
        (v128.store offset=16 (local.get $ci) (local.get $c11))
        (local.set $ci (i32.add (local.get $ci) (local.get $ldc)))
        (v128.store (local.get $ci) (local.get $c20))
        (v128.store offset=16 (local.get $ci) (local.get $c21))
        (local.set $ci (i32.add (local.get $ci) (local.get $ldc)))
        (v128.store (local.get $ci) (local.get $c30))
        (v128.store offset=16 (local.get $ci) (local.get $c31))
        ;; next 4 rows: the next A sliver and the tile below
        (local.set $ci (i32.add (local.get $ci) (local.get $ldc)))
        (local.set $sa (i32.add (local.get $sa) (local.get $as)))
        (br_if $slivers_of_a
          (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $mc))))
      ;; next 8 columns: the next B sliver and the tile to the right
      (local.set $b (i32.add (local.get $b) (local.get $bs)))
      (local.set $c (i32.add (local.get $c) (i32.const 32)))
      (br_if $slivers_of_b
        (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 8))) (local.get $nc)))))
  (func (export "pack")
    (param $src i32) (param $ld i32) (param $rows i32) (param $kc i32) (param $width i32) (param $dst i32)
    (local $g i32) (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $d i32)
    (local $end i32) (local $step i32)
    (local.set $step (i32.shl (local.get $width) (i32.const 2)))
    (loop $groups
      ;; 4 rows at a time, into 4 adjacent lanes of a sliver
      (local.set $r0 (i32.add (local.get $src) (i32.mul (local.get $g) (local.get $ld))))
      (local.set $r1 (i32.add (local.get $r0) (local.get $ld)))
      (local.set $r2 (i32.add (local.get $r1) (local.get $ld)))
      (local.set $r3 (i32.add (local.get $r2) (local.get $ld)))
      (local.set $d
        (i32.add (local.get $dst)
          (i32.add
            (i32.mul (i32.div_u (local.get $g) (local.get $width)) (i32.mul (local.get $kc) (local.get $step)))
            (i32.shl (i32.rem_u (local.get $g) (local.get $width)) (i32.const 2)))))
      (local.set $end (i32.add (local.get $r0) (i32.shl (local.get $kc) (i32.const 2))))
      (loop $columns
        (f32.store (local.get $d) (f32.load (local.get $r0)))
        (f32.store offset=4 (local.get $d) (f32.load (local.get $r1)))
        (f32.store offset=8 (local.get $d) (f32.load (local.get $r2)))
        (f32.store offset=12 (local.get $d) (f32.load (local.get $r3)))
        (local.set $d (i32.add (local.get $d) (local.get $step)))
        (local.set $r1 (i32.add (local.get $r1) (i32.const 4)))
        (local.set $r2 (i32.add (local.get $r2) (i32.const 4)))
        (local.set $r3 (i32.add (local.get $r3) (i32.const 4)))
        (br_if $columns
          (i32.lt_u (local.tee $r0 (i32.add (local.get $r0) (i32.const 4))) (local.get $end))))
      (br_if $groups
        (i32.lt_u (local.tee $g (i32.add (local.get $g) (i32.const 4))) (local.get $rows))))))
