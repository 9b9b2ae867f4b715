"""PyTorch side of the interop example (src/pytorch-interop.ts). Writes fixtures/interop/:

  fashion-cnn.pt           torch.save({'model', 'optimizer', 'epoch'}) of FashionCNN (the same
                           module as src/models/fashion-cnn.ts) after 2 epochs of Adam on the
                           embedded Fashion-MNIST subset (8,000 train images)
  fashion-cnn.safetensors  the same state dict in safetensors (written by hand: the safetensors
                           package is not installed here)
  char-lstm.pt             state dict of CharLSTM (src/models/char-lstm.ts) after 150 Adam steps
                           on the embedded Pride and Prejudice excerpt
  predictions.json         PyTorch's logits and predictions for the first 64 test images, its
                           accuracy on the 2,000 test images, the losses of 20 more training
                           steps (dropout off, fixed batches) resumed from the checkpoint with its
                           optimizer state, and the LSTM's next-character logits and greedy text

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 apps/examples/scripts/interop-fixture.py
"""
import copy
import gzip
import json
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', 'data')
OUT = os.path.join(HERE, '..', 'fixtures', 'interop')
MEAN, STD = 0.286, 0.353
N_LOGITS = 64
RESUME_STEPS, RESUME_BATCH = 20, 64
PROMPT = 'It is a truth universally acknowledged'
GREEDY = 120


def idx(path):
    raw = gzip.open(path, 'rb').read()
    nd = raw[3]
    dims = struct.unpack('>%dI' % nd, raw[4:4 + 4 * nd])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)


class FashionCNN(nn.Module):
    def __init__(self, c1=8, c2=16, hidden=64, dropout=0.25):
        super().__init__()
        self.conv1 = nn.Conv2d(1, c1, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c1)
        self.conv2 = nn.Conv2d(c1, c2, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c2)
        self.pool = nn.MaxPool2d(2)
        self.dropout = nn.Dropout(dropout)
        self.fc1 = nn.Linear(c2 * 7 * 7, hidden)
        self.fc2 = nn.Linear(hidden, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.bn1(self.conv1(x))))
        x = self.pool(F.relu(self.bn2(self.conv2(x))))
        x = self.dropout(x.flatten(1))
        return self.fc2(self.dropout(F.relu(self.fc1(x))))


class CharLSTM(nn.Module):
    def __init__(self, vocab, embed_dim=32, hidden=128):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, x, state=None):
        out, state = self.lstm(self.embed(x), state)
        return self.head(out), state


ST_DTYPE = {torch.float32: 'F32', torch.int64: 'I64'}


def write_safetensors(path, tensors, metadata):
    """u64 LE header size, JSON header (space-padded to 8), then the raw little-endian data."""
    header, blobs, off = {'__metadata__': metadata}, [], 0
    for name, t in tensors.items():
        b = t.detach().contiguous().numpy().tobytes()
        header[name] = {'dtype': ST_DTYPE[t.dtype], 'shape': list(t.shape), 'data_offsets': [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(',', ':')).encode('utf-8')
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))


def fashion(out):
    images = idx(os.path.join(DATA, 'fashion-mnist', 't10k-images-idx3-ubyte.gz'))
    labels = idx(os.path.join(DATA, 'fashion-mnist', 't10k-labels-idx1-ubyte.gz'))
    x = (torch.from_numpy(images.astype(np.float32)) / 255 - MEAN) / STD
    x = x.unsqueeze(1)
    y = torch.from_numpy(labels.astype(np.int64))
    xtr, ytr, xte, yte = x[:8000], y[:8000], x[8000:], y[8000:]
    torch.manual_seed(0)
    model = FashionCNN()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for epoch in range(2):
        model.train()
        perm = torch.randperm(8000)
        for s in range(0, 8000, 64):
            b = perm[s:s + 64]
            opt.zero_grad()
            loss = F.cross_entropy(model(xtr[b]), ytr[b])
            loss.backward()
            opt.step()
        print('epoch', epoch + 1, 'last loss', float(loss))
    model.eval()
    with torch.no_grad():
        logits = model(xte)
    acc = float((logits.argmax(1) == yte).float().mean())
    print('test accuracy', acc)
    torch.save({'model': model.state_dict(), 'optimizer': opt.state_dict(), 'epoch': 2}, os.path.join(OUT, 'fashion-cnn.pt'))
    write_safetensors(os.path.join(OUT, 'fashion-cnn.safetensors'), model.state_dict(), {'format': 'pt', 'source': 'interop-fixture.py'})

    # resume: dropout off (its random masks differ between frameworks), the first 20 batches in order
    resumed = copy.deepcopy(model)
    ropt = torch.optim.Adam(resumed.parameters(), lr=2e-3)
    ropt.load_state_dict(copy.deepcopy(opt.state_dict()))
    resumed.dropout.p = 0.0
    resumed.train()
    losses = []
    for s in range(RESUME_STEPS):
        ropt.zero_grad()
        loss = F.cross_entropy(resumed(xtr[s * RESUME_BATCH:(s + 1) * RESUME_BATCH]), ytr[s * RESUME_BATCH:(s + 1) * RESUME_BATCH])
        loss.backward()
        ropt.step()
        losses.append(float(loss))
    resumed.eval()
    with torch.no_grad():
        resumed_logits = resumed(xte[:N_LOGITS])
    out['fashion'] = {
        'testStart': 8000,
        'logits': logits[:N_LOGITS].tolist(),
        'predictions': logits.argmax(1).tolist(),
        'testAccuracy': acc,
        'resume': {'steps': RESUME_STEPS, 'batchSize': RESUME_BATCH, 'losses': losses, 'logits': resumed_logits.tolist()},
    }


def char_lstm(out):
    text = open(os.path.join(DATA, 'pride-and-prejudice.txt'), encoding='utf-8').read()
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    ids = torch.tensor([stoi[c] for c in text[:int(len(text) * 0.9)]])
    torch.manual_seed(0)
    model = CharLSTM(len(chars))
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    for step in range(150):
        starts = torch.randint(0, len(ids) - 65, (32,))
        xb = torch.stack([ids[s:s + 64] for s in starts])
        yb = torch.stack([ids[s + 1:s + 65] for s in starts])
        opt.zero_grad()
        logits, _ = model(xb)
        loss = F.cross_entropy(logits.reshape(-1, len(chars)), yb.reshape(-1))
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    print('char-lstm last loss', float(loss))
    torch.save(model.state_dict(), os.path.join(OUT, 'char-lstm.pt'))
    model.eval()
    with torch.no_grad():
        prompt = torch.tensor([[stoi[c] for c in PROMPT]])
        logits, state = model(prompt)
        last = logits[0, -1]
        greedy = []
        nxt = int(last.argmax())
        for _ in range(GREEDY):
            greedy.append(nxt)
            step_logits, state = model(torch.tensor([[nxt]]), state)
            nxt = int(step_logits[0, -1].argmax())
    out['charLstm'] = {'vocab': ''.join(chars), 'prompt': PROMPT, 'lastLogits': last.tolist(), 'greedy': ''.join(chars[i] for i in greedy)}


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    out = {'torch': torch.__version__}
    fashion(out)
    char_lstm(out)
    with open(os.path.join(OUT, 'predictions.json'), 'w') as f:
        json.dump(out, f)
    print('wrote', OUT)


if __name__ == '__main__':
    main()
