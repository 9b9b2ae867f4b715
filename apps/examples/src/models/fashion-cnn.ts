import { BatchNorm2d, Conv2d, Dropout, Linear, MaxPool2d, Module } from '@kindling/nn-layers';
import type { Tensor } from '@kindling/tensor';

export interface FashionCNNOptions {
  /** Channels of the two conv blocks (default 8, 16). */
  channels?: [number, number];
  /** Width of the hidden linear layer (default 64). */
  hidden?: number;
  dropout?: number;
}

/**
 * Two conv blocks (3×3 conv, BatchNorm, ReLU, 2×2 max-pool: 28 → 14 → 7), dropout, a hidden
 * linear layer and the 10-way classifier. The same module, with the same state-dict keys, is
 * written in PyTorch by scripts/interop-fixture.py.
 */
export class FashionCNN extends Module {
  declare conv1: Conv2d;
  declare bn1: BatchNorm2d;
  declare conv2: Conv2d;
  declare bn2: BatchNorm2d;
  declare pool: MaxPool2d;
  declare dropout: Dropout;
  declare fc1: Linear;
  declare fc2: Linear;

  constructor({ channels = [8, 16], hidden = 64, dropout = 0.25 }: FashionCNNOptions = {}) {
    super();
    const [c1, c2] = channels;
    this.conv1 = new Conv2d(1, c1, 3, { padding: 1, bias: false });
    this.bn1 = new BatchNorm2d(c1);
    this.conv2 = new Conv2d(c1, c2, 3, { padding: 1, bias: false });
    this.bn2 = new BatchNorm2d(c2);
    this.pool = new MaxPool2d(2);
    this.dropout = new Dropout(dropout);
    this.fc1 = new Linear(c2 * 7 * 7, hidden);
    this.fc2 = new Linear(hidden, 10);
  }

  override forward(x: Tensor): Tensor {
    x = this.pool.call(this.bn1.call(this.conv1.call(x)).relu());
    x = this.pool.call(this.bn2.call(this.conv2.call(x)).relu());
    x = this.dropout.call(x.flatten(1));
    return this.fc2.call(this.dropout.call(this.fc1.call(x).relu()));
  }
}
