export { runBackward, type RunOptions } from './engine.js';
export { type CustomBackward, customOp } from './custom-op.js';
export { backward, grad, type GradOptions } from './grad.js';
export { enableGrad, isGradEnabled, noGrad, setGradEnabled } from './grad-mode.js';
export { gradcheck, type GradcheckOptions, type GradcheckTensor } from './gradcheck.js';
export { registerHook, retainGrad } from './hooks.js';
export { AccumulateGrad, type Edge, fitGradient, Node, SavedTensor } from './node.js';
export { backwardName, gradientEdge, OpNode, record } from './op-node.js';
export type { AutogradTensor, RemovableHandle } from './types.js';
