// Bundles `entry.js` (the parts of Leaflet the map uses) with esbuild, minifies it with terser
// and prints it; run by
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
// terser after esbuild: two compress passes, and Leaflet's private `_members` renamed (never
// `__super__`-style or the `_leaflet_*` stamps it sets on DOM nodes and objects); 1.8 KiB gzip.
const { minify } = await import(pathToFileURL(join(modules, 'terser/main.js')).href);
const minified = await minify(result.outputFiles[0].text, {
  compress: { passes: 2 },
  mangle: { properties: { regex: /^_(?!_|leaflet_)/ } },
  toplevel: true,
  format: { comments: false },
});
process.stdout.write(minified.code);
