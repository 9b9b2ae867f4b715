/** The functional twins of the recurrent modules (torch.rnn_tanh, torch.lstm_cell, ...). */
export { gruCell, lstmCell, rnnReluCell, rnnTanhCell } from './cells.js';
export {
  type GRUGatesSaved,
  gruGates,
  gruGatesBackward,
  gruGatesForward,
  type LSTMGatesSaved,
  lstmGates,
  lstmGatesBackward,
  lstmGatesForward,
  rnnGates,
  rnnGatesBackward,
} from './gates.js';
export {
  gru,
  type LayerWeights,
  lstm,
  type RecurrentOptions,
  type RNNMode,
  rnnRelu,
  rnnTanh,
} from './recurrent.js';
