#!/usr/bin/env python3
"""Checkpoint fixtures for @kindling/io, written by real PyTorch.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 packages/io/scripts/fixtures.py

Writes packages/io/test/fixtures/:
  cnn.pt, cnn.safetensors   state_dict of a small CNN with BatchNorm (trained a few steps so the
                            running statistics are not trivial), by torch.save and by hand
                            (safetensors isn't installed here: 8-byte little-endian header length,
                            JSON header, raw data, following the format spec)
  cnn_deflate.pt            cnn.pt re-zipped with deflate compression
  cnn.json                  the input batch and PyTorch's eval-mode output for it
  dtypes.pt, dtypes.safetensors  one tensor of each dtype PyTorch writes (F64 F32 F16 BF16 I64
                            I32 I16 I8 U8 BOOL), with expected values in dtypes.json
  views.pt                  tensors sharing one storage: a view with an offset and strides, a
                            transpose, and a tensor saved twice
  int64_range.pt            an int64 value outside int32
  evil.pt                   a pickle that would call os.system (must be refused)
  whole_model.pt            torch.save(model): pickles the module classes (must be refused)
  checkpoint.pt             {'model': state_dict, 'epoch': 3, 'lr': 0.01, 'names': [...]}
"""
import json
import os
import struct
import zipfile

import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures')

ST_DTYPE = {
    torch.float64: 'F64', torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16',
    torch.int64: 'I64', torch.int32: 'I32', torch.int16: 'I16', torch.int8: 'I8', torch.uint8: 'U8',
    torch.bool: 'BOOL',
}


def raw_bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()  # numpy writes native (little-endian here) order


def write_safetensors(path, tensors, metadata=None):
    """The safetensors layout by hand: u64 LE header size, JSON header (space-padded to 8), data."""
    header = {}
    if metadata:
        header['__metadata__'] = metadata
    blobs = []
    off = 0
    for name, t in tensors.items():
        b = raw_bytes(t)
        header[name] = {'dtype': ST_DTYPE[t.dtype], 'shape': list(t.shape), 'data_offsets': [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(',', ':')).encode('utf-8')
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def spec(t):
    t = t.detach()
    return {'shape': list(t.shape), 'data': [float(v) if t.is_floating_point() else int(v) for v in t.reshape(-1).tolist()]}


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(4, 6, 3, bias=False), nn.BatchNorm2d(6), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        )
        self.classifier = nn.Linear(6, 5)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    model = CNN()
    # a few training-mode passes so BatchNorm's running stats and num_batches_tracked move
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        model(torch.randn(4, 3, 8, 8)).pow(2).mean().backward()
        opt.step()
    model.eval()
    x = torch.randn(2, 3, 8, 8)
    with torch.no_grad():
        y = model(x)
    sd = model.state_dict()
    torch.save(sd, os.path.join(OUT, 'cnn.pt'))
    write_safetensors(os.path.join(OUT, 'cnn.safetensors'), sd, {'format': 'pt', 'source': 'fixtures.py'})
    with zipfile.ZipFile(os.path.join(OUT, 'cnn.pt')) as src, \
            zipfile.ZipFile(os.path.join(OUT, 'cnn_deflate.pt'), 'w', zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
    with open(os.path.join(OUT, 'cnn.json'), 'w') as f:
        json.dump({'keys': list(sd.keys()), 'input': spec(x), 'output': spec(y),
                   'state': {k: spec(v) for k, v in sd.items()}}, f)

    # every dtype
    g = torch.Generator().manual_seed(1)
    base = torch.randn(2, 3, generator=g)
    dt = {
        'f64': base.double() * 1e3, 'f32': base, 'f16': base.half(), 'bf16': base.bfloat16(),
        'i64': torch.tensor([[-2**31, 2**31 - 1, 0], [7, -7, 123456]], dtype=torch.int64),
        'i32': torch.tensor([-5, 2**30, 3], dtype=torch.int32), 'i16': torch.tensor([-300, 300], dtype=torch.int16),
        'i8': torch.tensor([-128, 127, 0], dtype=torch.int8), 'u8': torch.tensor([0, 200, 255], dtype=torch.uint8),
        'bool': torch.tensor([True, False, True]), 'scalar': torch.tensor(2.5), 'empty': torch.zeros(0, 3),
    }
    torch.save(dt, os.path.join(OUT, 'dtypes.pt'))
    write_safetensors(os.path.join(OUT, 'dtypes.safetensors'), dt)
    with open(os.path.join(OUT, 'dtypes.json'), 'w') as f:
        # bf16 / f16 expected as the float32 values PyTorch converts them to
        json.dump({k: spec(v.float() if v.dtype in (torch.bfloat16, torch.float16) else v) for k, v in dt.items()}, f)

    # shared storages, offsets and strides
    t = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    views = {'t': t, 'view': t[1:, ::2], 'transposed': t.t(), 'again': t, 'row': t[2]}
    torch.save(views, os.path.join(OUT, 'views.pt'))

    torch.save({'big': torch.tensor([1, 2**40], dtype=torch.int64)}, os.path.join(OUT, 'int64_range.pt'))

    class Evil:
        def __reduce__(self):
            return (os.system, ('echo pwned > /tmp/kindling-pwned',))

    torch.save({'weight': torch.zeros(2), 'x': Evil()}, os.path.join(OUT, 'evil.pt'))
    torch.save(model, os.path.join(OUT, 'whole_model.pt'))
    torch.save({'model': sd, 'epoch': 3, 'lr': 0.01, 'names': ['a', 'b'], 'nested': {'flag': True, 'none': None}},
               os.path.join(OUT, 'checkpoint.pt'))
    print('wrote fixtures to', os.path.relpath(OUT))


if __name__ == '__main__':
    main()
