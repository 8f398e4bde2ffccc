// esbuild plugin for the build: qrcode-svg (CommonJS, bundled into dist/qr) has one `require('fs')`,
// inside a try/catch in its `save()` method, which this library never calls. Bundlers cannot tree-shake
// it and leave a Node built-in in browser bundles. Resolving that one import to an empty module keeps
// every entry free of Node built-ins; `save()` would then fail into its own catch, as it does in a browser.
import type { Plugin } from 'esbuild';

export const stubQrcodeSvgFs: Plugin = {
  name: 'stub-qrcode-svg-fs',
  setup(build) {
    build.onResolve({ filter: /^fs$/ }, (args) =>
      /[\\/]qrcode-svg[\\/]/.test(args.importer) ? { path: 'fs', namespace: 'qrcode-svg-fs-stub' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'qrcode-svg-fs-stub' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};
