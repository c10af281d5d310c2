import { createStore } from 'zustand/vanilla';
import type { CityData, LayerInfo, SensorTableData } from '../api.ts';

/** "hierarchy" drills city -> district -> subdistrict -> grid; the others show a grid system. */
export type RegionMode = 'hierarchy' | string;
export type ColorMode = 'value' | 'status';

/**
 * The console's slow state: what is loaded and what the operator chose. Changes here are
 * rare (a click, a key, a loaded file, counters twice a second) so React components may
 * subscribe to it; per-frame data lives in LiveBuffers instead.
 */
export interface ConsoleState {
  city?: CityData;
  sensors?: SensorTableData;
  layers: LayerInfo[];
  loadError?: string;
  connection: 'connecting' | 'live' | 'offline';
  hiddenLayers: Record<string, boolean>;
  /** The layer whose values colour the sensors and shade the regions. */
  focusLayer: string;
  colorMode: ColorMode;
  mode: RegionMode;
  /** The hierarchy node (or building id) drilled into. */
  focus: string;
  /** The region selected in a grid system. */
  selectedRegion?: string;
  picked?: number;
  /** Bumped when picked sensor values change (at most once per frame). */
  pickedVersion: number;
  /** Bumped when region rollups change (at most twice a second). */
  rollupVersion: number;
  counters: {
    readingsPerSec: number;
    devicesOnline: number;
    devicesTotal: number;
    frameLatencyMs: number;
    framesPerSec: number;
  };
  /** Bumped to ask the camera to fly to the current focus. */
  flyVersion: number;
}

export const createConsoleStore = () =>
  createStore<ConsoleState>(() => ({
    layers: [],
    connection: 'connecting',
    hiddenLayers: {},
    focusLayer: 'air',
    colorMode: 'value',
    mode: 'hierarchy',
    focus: 'city',
    pickedVersion: 0,
    rollupVersion: 0,
    counters: {
      readingsPerSec: 0,
      devicesOnline: 0,
      devicesTotal: 0,
      frameLatencyMs: 0,
      framesPerSec: 0,
    },
    flyVersion: 0,
  }));

export type ConsoleStore = ReturnType<typeof createConsoleStore>;

/** The operator's actions, as plain functions over the store. */
export function consoleActions(store: ConsoleStore) {
  const set = store.setState;
  const get = store.getState;
  return {
    toggleLayer(id: string) {
      set({ hiddenLayers: { ...get().hiddenLayers, [id]: !get().hiddenLayers[id] } });
    },
    focusLayer(id: string) {
      set({ focusLayer: id, hiddenLayers: { ...get().hiddenLayers, [id]: false } });
    },
    cycleLayer(step: 1 | -1) {
      const ids = get()
        .layers.filter((l) => l.sensors > 0)
        .map((l) => l.id);
      const at = ids.indexOf(get().focusLayer);
      const next = ids[(at + step + ids.length) % ids.length];
      if (next) this.focusLayer(next);
    },
    setColorMode(colorMode: ColorMode) {
      set({ colorMode });
    },
    setMode(mode: RegionMode) {
      set({
        mode,
        selectedRegion: undefined,
        flyVersion: get().flyVersion + 1,
        ...(mode === 'hierarchy' ? {} : { focus: 'city' }),
      });
    },
    cycleMode() {
      const modes = ['hierarchy', ...(get().city?.systems.map((s) => s.id) ?? [])];
      this.setMode(modes[(modes.indexOf(get().mode) + 1) % modes.length]!);
    },
    drill(id: string) {
      set({
        focus: id,
        mode: 'hierarchy',
        selectedRegion: undefined,
        flyVersion: get().flyVersion + 1,
      });
    },
    selectRegion(id: string | undefined) {
      set({ selectedRegion: id, flyVersion: get().flyVersion + 1 });
    },
    pick(index: number | undefined) {
      set({ picked: index, pickedVersion: get().pickedVersion + 1 });
    },
    /** Up one level: closes the sensor, then the grid region, then the hierarchy level. */
    back(parentOf: (id: string) => string | undefined) {
      const s = get();
      if (s.picked !== undefined) return this.pick(undefined);
      if (s.selectedRegion) return this.selectRegion(undefined);
      const parent = parentOf(s.focus);
      if (parent) this.drill(parent);
    },
    flyHome() {
      set({ flyVersion: get().flyVersion + 1 });
    },
  };
}

export type ConsoleActions = ReturnType<typeof consoleActions>;
