import type { ConsoleStore } from '../live/console-store.ts';
import type { AlertSummary } from './alert-types.ts';

/**
 * Points the console at an incident's place: the region of the grid system on screen when the
 * incident has one there, else its own place, else any of its regions the city knows. Uses
 * the console's drill-down and region selection, so the camera flies there as on a click.
 * Returns false when the city knows none of the incident's regions.
 */
export function flyToAlert(store: ConsoleStore, alert: AlertSummary): boolean {
  const { city, mode, flyVersion } = store.getState();
  if (!city) return false;
  const ids = [
    alert.regions?.[mode]?.id,
    alert.place?.id,
    ...Object.values(alert.regions ?? {}).map((r) => r.id),
  ];
  for (const id of ids) {
    const region = id ? city.regions.find((r) => r.id === id) : undefined;
    if (!region) continue;
    if (region.system && region.system === mode) {
      store.setState({ selectedRegion: region.id, flyVersion: flyVersion + 1 });
    } else if (region.level) {
      store.setState({
        mode: 'hierarchy',
        focus: region.id,
        selectedRegion: undefined,
        flyVersion: flyVersion + 1,
      });
    } else if (region.system) {
      store.setState({
        mode: region.system,
        focus: 'city',
        selectedRegion: region.id,
        flyVersion: flyVersion + 1,
      });
    } else continue;
    return true;
  }
  return false;
}
