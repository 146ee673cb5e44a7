// Bundles `entry.js` (the parts of Leaflet the map uses) with esbuild and prints it; run by
// `cargo xtask dist` as `node widget/leaflet/build.mjs <node_modules>`. Two modules Leaflet's
// marker imports are replaced by empty ones: marker dragging (the widget's pin is the map's
// centre, never a dragged marker) and the default image icon (every marker is a DOM icon).
import { pathToFileURL } from 'node:url';
import { join, dirname } from 'node:path';

const modules = process.argv[2];
const esbuild = (await import(pathToFileURL(join(modules, 'esbuild/lib/main.js')).href)).default;
const empty = {
  'Marker.Drag': 'export var MarkerDrag;',
  'Icon.Default': 'export var IconDefault = function () {};',
};
const result = await esbuild.build({
  entryPoints: [join(dirname(new URL(import.meta.url).pathname), 'entry.js')],
  bundle: true,
  minify: true,
  format: 'cjs',
  target: 'es2017',
  legalComments: 'none',
  charset: 'utf8',
  logLevel: 'warning',
  write: false,
  nodePaths: [modules],
  plugins: [{
    name: 'civic-empty-modules',
    setup(build) {
      build.onResolve({ filter: /\/(Marker\.Drag|Icon\.Default)$/ }, (args) => ({
        path: args.path.split('/').pop(),
        namespace: 'civic-empty',
      }));
      build.onLoad({ filter: /.*/, namespace: 'civic-empty' }, (args) => ({
        contents: empty[args.path],
        loader: 'js',
      }));
    },
  }],
});
process.stdout.write(result.outputFiles[0].text);
