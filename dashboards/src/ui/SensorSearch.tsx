import { useState } from 'react';
import { useConsole, useRuntime } from '../live/runtime.ts';

/** Find a sensor by id: picks it and flies there. */
export function SensorSearch() {
  const { actions, store } = useRuntime();
  const table = useConsole((s) => s.sensors);
  const [text, setText] = useState('');
  const [miss, setMiss] = useState(false);
  const matches =
    text.length >= 2 && table ? table.id.filter((id) => id.includes(text)).slice(0, 8) : [];
  const go = (id: string) => {
    const index = table?.id.indexOf(id) ?? -1;
    setMiss(index < 0);
    if (index < 0 || !table) return;
    const building = table.building[index];
    const grid = table.grid[index];
    if (building) actions.drill(building);
    else if (grid) actions.drill(grid);
    if (store.getState().mode !== 'hierarchy') actions.setMode('hierarchy');
    actions.focusLayer(table.layer[index]!);
    actions.pick(index);
    setText('');
  };
  return (
    <form
      className="search"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        go(matches.includes(text) ? text : (matches[0] ?? text));
      }}
    >
      <input
        id="sensor-search"
        type="search"
        placeholder="Find sensor (/)"
        aria-label="Find a sensor"
        value={text}
        list="sensor-ids"
        onChange={(e) => {
          setText(e.target.value.trim());
          setMiss(false);
        }}
        aria-invalid={miss}
      />
      <datalist id="sensor-ids">
        {matches.map((id) => (
          <option key={id} value={id} />
        ))}
      </datalist>
    </form>
  );
}
