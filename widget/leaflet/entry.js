// The parts of Leaflet (npm `leaflet`, its ES module sources) the widget's map uses, bundled by
// `cargo xtask dist` with esbuild: a map with its handlers (drag, keyboard, touch and wheel zoom,
// double-click and box zoom), raster tiles, markers with DOM icons, layer groups, and the zoom
// and attribution controls. No vector layers, popups, tooltips, GeoJSON or image overlays: the
// widget draws none of them, and leaving them out saves a third of Leaflet's bytes.
// `widget/src/map/leaflet.rs` binds exactly these names.
import 'leaflet/src/map/index.js';
import 'leaflet/src/control/Control.Zoom.js';
import 'leaflet/src/control/Control.Attribution.js';
export {createMap as map} from 'leaflet/src/map/Map.js';
export {tileLayer} from 'leaflet/src/layer/tile/TileLayer.js';
export {marker} from 'leaflet/src/layer/marker/Marker.js';
export {divIcon} from 'leaflet/src/layer/marker/DivIcon.js';
export {layerGroup} from 'leaflet/src/layer/LayerGroup.js';
