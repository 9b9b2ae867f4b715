/**
 * @kindling/nn-rnn: RNN, LSTM, GRU, their cells, and packed sequences (torch.nn's recurrent
 * modules and torch.nn.utils.rnn), with PyTorch's equations, parameter names and initialisation.
 */
export { RNNBase, type RNNBaseOptions } from './rnn-base.js';
export { GRU, type GRUOptions, LSTM, type LSTMOptions, RNN, type RNNOptions } from './rnn.js';
export {
  GRUCell,
  LSTMCell,
  RNNCell,
  RNNCellBase,
  type RNNCellBaseOptions,
  type RNNCellOptions,
} from './cells.js';
export { invertPermutation, isPackedSequence, PackedSequence } from './packed-sequence.js';
export {
  type PackPaddedOptions,
  type PadPackedOptions,
  type PadSequenceOptions,
  packPaddedSequence,
  packSequence,
  padPackedSequence,
  padSequence,
  unpackSequence,
  unpadSequence,
} from './pack.js';
export * as rnnFunctional from './functional/index.js';
export {
  gru,
  gruCell,
  type LayerWeights,
  lstm,
  lstmCell,
  type RecurrentOptions,
  type RNNMode,
  rnnRelu,
  rnnReluCell,
  rnnTanh,
  rnnTanhCell,
} from './functional/index.js';
