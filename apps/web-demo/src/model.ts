import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@kindling/nn-layers';

/**
 * A small CNN for 28×28 grey images: two conv + ReLU + max-pool stages (8 and 16 channels) and a
 * linear classifier, 13.2k parameters.
 */
export function smallCnn(classes = 10): Sequential {
  return new Sequential(
    new Conv2d(1, 8, 3, { padding: 1 }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(8, 16, 3, { padding: 1 }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(16 * 7 * 7, classes),
  );
}
