import { useConsole, useRuntime } from '../live/runtime.ts';

/** Layer toggles, the focus layer, the colour mode, and the grid-system switcher. */
export function LayerPanel() {
  const { actions } = useRuntime();
  const layers = useConsole((s) => s.layers);
  const hidden = useConsole((s) => s.hiddenLayers);
  const focusLayer = useConsole((s) => s.focusLayer);
  const colorMode = useConsole((s) => s.colorMode);
  const mode = useConsole((s) => s.mode);
  const city = useConsole((s) => s.city);
  const systems = city?.systems ?? [];
  return (
    <aside className="panel left" aria-label="Layers and grids">
      <section>
        <h2>View</h2>
        <label className="field">
          <span>Regions</span>
          <select
            aria-label="Grid system"
            value={mode}
            onChange={(e) => actions.setMode(e.target.value)}
            data-testid="grid-system"
          >
            <option value="hierarchy">Administrative (drill down)</option>
            {systems.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} grid
              </option>
            ))}
          </select>
        </label>
        <div className="segmented" role="radiogroup" aria-label="Colour sensors by">
          {(['value', 'status'] as const).map((m) => (
            <button
              key={m}
              type="button"
              role="radio"
              aria-checked={colorMode === m}
              onClick={() => actions.setColorMode(m)}
            >
              by {m}
            </button>
          ))}
        </div>
      </section>
      <section>
        <h2>Sensing layers</h2>
        <ul className="layers">
          {layers.map((layer) => (
            <li key={layer.id} className={layer.id === focusLayer ? 'focused' : ''}>
              <input
                type="checkbox"
                checked={!hidden[layer.id]}
                onChange={() => actions.toggleLayer(layer.id)}
                aria-label={`Show ${layer.name}`}
                data-testid={`layer-toggle-${layer.id}`}
                disabled={layer.sensors === 0}
              />
              <button
                type="button"
                className="layer-name"
                onClick={() => actions.focusLayer(layer.id)}
                aria-pressed={layer.id === focusLayer}
                data-testid={`layer-focus-${layer.id}`}
              >
                <span
                  className="swatch"
                  style={{ background: `linear-gradient(90deg, ${layer.colors.join(',')})` }}
                />
                {layer.name}
              </button>
              <span className="count">{layer.sensors}</span>
            </li>
          ))}
        </ul>
      </section>
      <section className="keys">
        <h2>Keys</h2>
        <p>
          <kbd>Esc</kbd> up a level · <kbd>/</kbd> find · <kbd>[</kbd>
          <kbd>]</kbd> layer · <kbd>g</kbd> grid · <kbd>←↑→↓</kbd> pan · <kbd>+</kbd>
          <kbd>-</kbd> zoom · <kbd>h</kbd> home · <kbd>,</kbd> <kbd>.</kbd> time back/forward ·
          <kbd>p</kbd> play · <kbd>l</kbd> live
        </p>
      </section>
    </aside>
  );
}
