// The parts of Leaflet (npm `leaflet`, its ES module sources) the widget's map uses, bundled by
// `cargo xtask dist` with esbuild: a map with the handlers people use (drag, keyboard, pinch and
// wheel zoom, double-click zoom), raster tiles, markers with DOM icons, layer groups, and the
// attribution control (the zoom buttons are the widget's own). No vector layers, popups, tooltips, GeoJSON, image overlays,
// shift-drag box zoom or long-press menus: the widget uses none of them, and leaving them out
// saves more than a third of Leaflet's bytes. `widget/src/map/leaflet.rs` binds these names.
// Each handler module registers itself with the map when imported.
import 'leaflet/src/map/handler/Map.Drag.js';
import 'leaflet/src/map/handler/Map.Keyboard.js';
import 'leaflet/src/map/handler/Map.TouchZoom.js';
import 'leaflet/src/map/handler/Map.ScrollWheelZoom.js';
import 'leaflet/src/map/handler/Map.DoubleClickZoom.js';
import 'leaflet/src/control/Control.Attribution.js';
export {createMap as map} from 'leaflet/src/map/Map.js';
export {tileLayer} from 'leaflet/src/layer/tile/TileLayer.js';
export {marker} from 'leaflet/src/layer/marker/Marker.js';
export {divIcon} from 'leaflet/src/layer/marker/DivIcon.js';
export {layerGroup} from 'leaflet/src/layer/LayerGroup.js';
