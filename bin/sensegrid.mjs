#!/usr/bin/env node
// The sensegrid CLI runs the TypeScript sources directly through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../gateway/src/cli/main.ts');
