/** The Matrix plugin: registers the Matrix channel. */
import './node-compat.js';
import { definePlugin } from '../../../src-shared/plugin/api.js';
import { matrixChannel } from './channel.js';

export default definePlugin({
  id: 'matrix',
  register(api) {
    api.registerChannel(matrixChannel);
  },
});

export { matrixChannel, MATRIX_CAPABILITIES } from './channel.js';
export { MatrixAdapter } from './adapter.js';
