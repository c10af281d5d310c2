import { STATUS_COLORS, legendOf } from '@sensegrid/twin';
import { useConsole } from '../live/runtime.ts';

/** The focus layer's colour scale in its unit, and the status colours. */
export function Legend() {
  const focusLayer = useConsole((s) => s.focusLayer);
  const colorMode = useConsole((s) => s.colorMode);
  const layerName = useConsole(
    (s) => s.layers.find((l) => l.id === focusLayer)?.name ?? focusLayer,
  );
  const legend = legendOf(focusLayer);
  return (
    <div className="legend" data-testid="legend">
      <div className="legend-title">
        {layerName}
        {legend && colorMode === 'value' && (
          <span>
            {' '}
            · {legend.metric} ({legend.unit})
          </span>
        )}
      </div>
      {legend && colorMode === 'value' ? (
        <>
          <div
            className="legend-bar"
            style={{
              background: `linear-gradient(90deg, ${legend.stops.map((s) => s.color).join(',')})`,
            }}
          />
          <div className="legend-ticks">
            {legend.stops.map((s) => (
              <span key={s.value}>{s.value}</span>
            ))}
          </div>
          <div className="legend-note">
            normal {legend.normal[0]}–{legend.normal[1]} {legend.unit}; regions shaded by mean
          </div>
        </>
      ) : (
        <div className="legend-note">regions shaded by share of sensors online</div>
      )}
      <div className="legend-status">
        {(Object.keys(STATUS_COLORS) as (keyof typeof STATUS_COLORS)[]).map((s) => (
          <span key={s}>
            <i style={{ background: STATUS_COLORS[s] }} />
            {s}
          </span>
        ))}
      </div>
    </div>
  );
}
