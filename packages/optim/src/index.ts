/**
 * @kindling/optim: torch.optim for Kindling. Optimizers update parameters in place with tensor
 * ops (no reads back from the device), learning-rate schedulers follow PyTorch's formulas.
 */
export { Adadelta, type AdadeltaOptions } from './adadelta.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adam, type AdamOptions } from './adam.js';
export { Adamax, type AdamaxOptions } from './adamax.js';
export { AdamW } from './adamw.js';
export { NAdam, type NAdamOptions } from './nadam.js';
export {
  type BaseOptions,
  Optimizer,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInput,
  type ParamState,
  type ParamsInput,
  type StateValue,
} from './optimizer.js';
export { RAdam, type RAdamOptions } from './radam.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { SGD, type SGDOptions } from './sgd.js';
export * from './lr-scheduler/index.js';
export * as lrScheduler from './lr-scheduler/index.js';
