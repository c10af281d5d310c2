import { useEffect } from 'react';
import { useRuntime } from '../live/runtime.ts';
import { cameraControls } from '../scene/CameraRig.tsx';
import { parentOf } from '../scene/geometry.ts';

/** Keyboard control of the console (see the Keys section of the left panel). */
export function useKeyboard(): void {
  const { actions, store } = useRuntime();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      const typing =
        target &&
        (target.tagName === 'INPUT' ||
          target.tagName === 'SELECT' ||
          target.tagName === 'TEXTAREA');
      if (typing && e.key !== 'Escape') return;
      const controls = cameraControls.current;
      const city = store.getState().city;
      switch (e.key) {
        case 'Escape':
          if (typing) (target as HTMLElement).blur();
          else if (city) actions.back((id) => parentOf(city, id));
          break;
        case '/':
          e.preventDefault();
          document.getElementById('sensor-search')?.focus();
          break;
        case ']':
          actions.cycleLayer(1);
          break;
        case '[':
          actions.cycleLayer(-1);
          break;
        case 'g':
          actions.cycleMode();
          break;
        case 'h':
          actions.drill('city');
          break;
        case 'ArrowLeft':
          void controls?.truck(-150, 0, true);
          break;
        case 'ArrowRight':
          void controls?.truck(150, 0, true);
          break;
        case 'ArrowUp':
          void controls?.forward(150, true);
          break;
        case 'ArrowDown':
          void controls?.forward(-150, true);
          break;
        case '+':
        case '=':
          void controls?.dolly(controls.distance * 0.25, true);
          break;
        case '-':
          void controls?.dolly(-controls.distance * 0.3, true);
          break;
        default:
          return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [actions, store]);
}
