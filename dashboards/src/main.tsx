import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RuntimeContext, createRuntime } from './live/runtime.ts';
import { App } from './ui/App.tsx';
import { exposeHooks } from './bench-hooks.ts';
import './style.css';

const runtime = createRuntime();
exposeHooks(runtime);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <RuntimeContext.Provider value={runtime}>
      <App />
    </RuntimeContext.Provider>
  </StrictMode>,
);
