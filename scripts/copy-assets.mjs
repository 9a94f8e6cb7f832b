// Copies the non-TypeScript files the compiled runtime reads next to itself in dist/.
import { cpSync } from 'node:fs';

cpSync('runtime/db/migrations', 'dist/runtime/db/migrations', { recursive: true });
