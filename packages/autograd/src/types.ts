import type { GT } from '@kindling/ops';
import type { Node } from './node.js';

/** What the engine needs of a tensor, beyond the ops gradient formulas use. */
export interface AutogradTensor extends GT {
  requiresGrad: boolean;
  grad: AutogradTensor | null;
  gradFn: Node | null;
  /** The AccumulateGrad node of a leaf, created on first use and shared by every use. */
  _gradAccumulator: Node | null;
  /** Hooks on this tensor's gradient (registerHook). */
  _hooks: ((g: AutogradTensor) => AutogradTensor | undefined | void)[] | null;
  _retainsGrad: boolean;
  readonly _version: number;
  readonly isLeaf: boolean;
  readonly device: string;
  clone(): this;
}

export interface RemovableHandle {
  remove(): void;
}
